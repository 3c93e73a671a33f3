// What each page downloads, read from the build manifest: phones must never receive the console's
// code, nor the schema library that only the server needs.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST, isBuilt, PAGES, pageFiles } from '../../scripts/pages.js';

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

  it('the projector sends no commands at all', () => {
    const screen = read(pageFiles('screen/index.html'));
    expect(screen).not.toContain('dot:place');
    expect(screen).not.toContain('phase:set');
  });

  it('every page is served from this machine: no outside fonts, scripts or styles', () => {
    for (const entry of PAGES) {
      const text = read(pageFiles(entry));
      expect(text).not.toMatch(/https?:\/\/(fonts\.|cdn|unpkg|jsdelivr)/);
      expect(text).not.toMatch(/@import\s+url\(\s*['"]?https?:/);
    }
  });
});
