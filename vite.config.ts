// One build, five pages: the phone (/), the projector (/screen), the console (/console), the
// results check (/results-check) and a city vote's service point (/staff). Each is its own entry, so phones never download console or
// projector code.

import react from '@vitejs/plugin-react';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Writes a .br and a .gz beside every built script and style, once, at build time: a phone on a
 * congested venue Wi-Fi downloads about a third of the bytes, and the laptop compresses nothing
 * per request (server/http/app.ts picks the variant the browser accepts).
 */
function precompress(): Plugin {
  return {
    name: 'viche-precompress',
    apply: 'build',
    closeBundle() {
      const dir = join(root, 'dist/client/assets');
      for (const name of readdirSync(dir)) {
        if (!/\.(js|css|svg)$/.test(name)) continue;
        const bytes = readFileSync(join(dir, name));
        writeFileSync(join(dir, `${name}.br`), brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: `${root}client`,
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir: `${root}dist/client`,
    emptyOutDir: true,
    target: 'es2020',
    reportCompressedSize: true,
    // Lets the tests and the bench see exactly which files each page loads.
    manifest: true,
    rollupOptions: {
      input: {
        phone: `${root}client/phone/index.html`,
        screen: `${root}client/screen/index.html`,
        console: `${root}client/console/index.html`,
        check: `${root}client/check/index.html`,
        staff: `${root}client/staff/index.html`,
      },
    },
  },
  test: {
    root,
    include: ['{shared,server,client,scripts}/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The integration and browser suites each start servers and Chromium: on 2 cores, running
    // them two at a time is fastest without starving either.
    maxWorkers: 2,
    // CI also keeps a machine-readable record, from which .ci/run prints its closing tally.
    reporters: process.env.CI === 'true' ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
  },
});
