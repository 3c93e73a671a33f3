// What each page downloads, read from the build manifest: phones must never receive the console's
// code, nor the schema library that only the server (and the console's import check) needs.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../server/test/harness.js';

const DIST = join(ROOT, 'dist/client');
const MANIFEST = join(DIST, '.vite/manifest.json');
if (process.env.CI === 'true' && !existsSync(MANIFEST)) throw new Error('CI needs the built client: npm test builds it first');

type Manifest = Record<string, { file: string; imports?: string[]; css?: string[]; isEntry?: boolean }>;

/** Every JS and CSS file a page's entry loads, following static imports. */
function pageFiles(manifest: Manifest, entry: string): string[] {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    chunk.css?.forEach((c) => files.add(c));
    chunk.imports?.forEach(visit);
  };
  visit(entry);
  return [...files];
}

describe.skipIf(!existsSync(MANIFEST))('the built pages (needs `npm run build`)', () => {
  const manifest = JSON.parse(existsSync(MANIFEST) ? readFileSync(MANIFEST, 'utf8') : '{}') as Manifest;
  const read = (files: string[]) => files.map((f) => readFileSync(join(DIST, f), 'utf8')).join('\n');

  it('the phone loads no console code and no schema library', () => {
    const phone = read(pageFiles(manifest, 'phone/index.html'));
    expect(phone).toContain('participant:join');
    expect(phone).not.toContain('forum:setStructure');
    expect(phone).not.toContain('priority:reveal');
    expect(phone).not.toContain('ZodError');
  });

  it('the projector sends no commands at all', () => {
    const screen = read(pageFiles(manifest, 'screen/index.html'));
    expect(screen).not.toContain('dot:place');
    expect(screen).not.toContain('phase:set');
  });

  it('every page is served from this machine: no outside fonts, scripts or styles', () => {
    for (const entry of ['phone/index.html', 'screen/index.html', 'console/index.html']) {
      const text = read(pageFiles(manifest, entry)) + readFileSync(join(DIST, entry), 'utf8');
      expect(text).not.toMatch(/https?:\/\/(fonts\.|cdn|unpkg|jsdelivr)/);
      expect(text).not.toMatch(/@import\s+url\(\s*['"]?https?:/);
    }
  });
});
