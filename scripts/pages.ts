// Which built files each page loads, read from Vite's manifest (dist/client/.vite/manifest.json).
// Used by the bench to weigh the pages and by the tests to check what phones download.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('../dist/client', import.meta.url));
export const PAGES = ['phone/index.html', 'screen/index.html', 'console/index.html', 'check/index.html', 'staff/index.html'] as const;

type Manifest = Record<string, { file: string; imports?: string[]; css?: string[] }>;

export function isBuilt(): boolean {
  return existsSync(join(DIST, '.vite/manifest.json'));
}

/** The page's HTML and every JS and CSS file its entry loads, following static imports. */
export function pageFiles(entry: string): string[] {
  const manifest = JSON.parse(readFileSync(join(DIST, '.vite/manifest.json'), 'utf8')) as Manifest;
  const files = new Set<string>([entry]);
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
