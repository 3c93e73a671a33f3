// What each page downloads, read from the build manifest: phones must never receive the console's
// code or messages, nor the schema library that only the server needs.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST, isBuilt, PAGES, pageFiles } from '../../scripts/pages.js';
import { catalogueParts } from '../../shared/i18n/all.js';

/** The parts of the message catalogue each page carries (shared/i18n/index.ts). */
const CARRIES: Record<(typeof PAGES)[number], (keyof typeof catalogueParts)[]> = {
  'phone/index.html': ['core'],
  // The projector shows a city vote's title, rules and budgets (screen/CityVote.tsx).
  'screen/index.html': ['core', 'city'],
  'console/index.html': ['core', 'console', 'city'],
  'check/index.html': ['core'],
  'staff/index.html': ['core', 'city', 'staff'],
};
const keysOf = (names: (keyof typeof catalogueParts)[]) => names.flatMap((name) => Object.keys(catalogueParts[name].uk));

if (process.env.CI === 'true' && !isBuilt()) throw new Error('CI needs the built client: npm test builds it first');

// Outside CI, without a build, these are skipped: there is nothing to read.
describe.skipIf(!isBuilt())('the built pages (needs `npm run build`)', () => {
  const read = (files: string[]) => files.map((f) => readFileSync(join(DIST, f), 'utf8')).join('\n');

  it('the phone loads no console code and no schema library', () => {
    const phone = read(pageFiles('phone/index.html'));
    expect(phone).toContain('participant:join');
    expect(phone).not.toContain('forum:setStructure');
    expect(phone).not.toContain('priority:reveal');
    expect(phone).not.toContain('ZodError');
  });

  it('a hall’s phone downloads none of the city vote’s page, which comes in a chunk of its own', () => {
    const phone = read(pageFiles('phone/index.html'));
    expect(phone).not.toContain('city:cast');
    expect(phone).not.toContain('Код квитанції');
    const manifest = JSON.parse(readFileSync(join(DIST, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string; isDynamicEntry?: boolean }>;
    const city = Object.values(manifest).find((c) => c.isDynamicEntry && readFileSync(join(DIST, c.file), 'utf8').includes('city:cast'));
    expect(city).toBeDefined();
  });

  it('the projector sends no commands at all', () => {
    const screen = read(pageFiles('screen/index.html'));
    expect(screen).not.toContain('dot:place');
    expect(screen).not.toContain('phase:set');
  });

  it('phones and the projector download none of the console’s messages, nor the server’s', () => {
    for (const entry of ['phone/index.html', 'screen/index.html']) {
      const text = read(pageFiles(entry));
      expect(text, entry).toContain('Вітаємо на форумі!');
      expect(text, entry).not.toContain('усі форуми на цьому сервері');
      expect(text, entry).not.toContain('Структура і правила');
      expect(text, entry).not.toContain('Звіт для друку (PDF)');
      expect(text, entry).not.toContain('Звіт про результати форуму');
    }
    const consolePage = read(pageFiles('console/index.html'));
    expect(consolePage).toContain('Структура і правила');
    expect(consolePage).not.toContain('Звіт про результати форуму');
  });

  it('each page names only message keys of the catalogue parts it carries', () => {
    const all = keysOf(['core', 'console', 'server', 'city', 'staff']);
    const known = new Set(all);
    for (const entry of PAGES) {
      const text = read(pageFiles(entry).filter((f) => f.endsWith('.js')));
      const carried = new Set(keysOf(CARRIES[entry]));
      // Keys named whole ('phone.hello', in a call or in a bundled part), and families built from a
      // prefix (`phase.${phase}`, and errorMessage's `err.${code}`).
      const named = [...text.matchAll(/["'`]([a-zA-Z]\w*(?:\.\w+)+)["'`]/g)].map((m) => m[1]).filter((key) => known.has(key));
      const prefixes = [...text.matchAll(/`([a-zA-Z]\w*(?:\.\w+)*\.)\$\{/g)].map((m) => m[1]);
      const built = all.filter((key) => prefixes.some((prefix) => key.startsWith(prefix)));
      // The patterns still match what the build writes: every page names keys, and every page but
      // the results check and the service point's (which show no phase) builds phase names.
      expect(named.length, entry).toBeGreaterThan(0);
      if (entry !== 'check/index.html' && entry !== 'staff/index.html') expect(prefixes, entry).toContain('phase.');
      expect([...new Set([...named, ...built])].filter((key) => !carried.has(key)), entry).toEqual([]);
    }
  });

  it('every page is served from this machine: no outside fonts, scripts or styles', () => {
    for (const entry of PAGES) {
      const text = read(pageFiles(entry));
      expect(text).not.toMatch(/https?:\/\/(fonts\.|cdn|unpkg|jsdelivr)/);
      expect(text).not.toMatch(/@import\s+url\(\s*['"]?https?:/);
    }
  });
});
