// The start-up text of the real CLI (`npm start`), as the facilitator reads it in the terminal:
// Ukrainian first and English second on every line that has words, and the addresses meant for
// another device (a tablet, the projector's computer, phones) on the public address first, with
// this computer's localhost after them and marked as such.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript } from './cli.js';
import { tempDir } from './harness.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The text printed before the machine-readable line, as lines. */
async function startupText(env: Record<string, string>): Promise<string[]> {
  const dir = tempDir();
  dirs.push(dir);
  const run = await runScript('server/cli.ts', [], { VICHE_DB: join(dir, 'forum.db'), ...env });
  expect(run.started, run.stderr).toBe(true);
  return run.stdout.slice(0, run.stdout.indexOf('VICHE_LISTENING')).split('\n');
}

const CYRILLIC = /[а-яіїєґ]/i;
const LATIN_WORD = /[a-z]{3,}/i;

/** Every line with words says them in Ukrainian, then " / ", then in English. */
function ukrainianFirst(lines: string[]): void {
  for (const line of lines) {
    const words = line.replace(/https?:\/\/\S+/g, '').replace(/[A-Z_]+=\S+/g, '');
    if (!LATIN_WORD.test(words) && !CYRILLIC.test(words)) continue;
    const at = line.indexOf(' / ');
    expect(at, `no Ukrainian / English pair in: ${line}`).toBeGreaterThan(0);
    expect(line.slice(0, at), line).toMatch(CYRILLIC);
    expect(line.slice(at + 3), line).toMatch(LATIN_WORD);
  }
}

describe('the start-up text', () => {
  it('gives the public console link first, then this computer’s, in Ukrainian then English', async () => {
    const lines = await startupText({ PUBLIC_URL: 'http://viche.test:9' });
    const text = lines.join('\n');
    expect(lines[1]).toBe('  Віче працює. / Viche is running.');
    ukrainianFirst(lines.filter((l) => !/^[\s▄█▀]*$/.test(l)));

    // The console: the public address first, then localhost, with the same key.
    const publicConsole = text.indexOf('http://viche.test:9/console?key=');
    const localConsole = text.search(/http:\/\/localhost:\d+\/console\?key=/);
    expect(publicConsole).toBeGreaterThan(0);
    expect(localConsole).toBeGreaterThan(publicConsole);
    const keyOf = (at: number) => new URL(text.slice(at).split(/\s/)[0]).searchParams.get('key');
    expect(keyOf(publicConsole)).toBe(keyOf(localConsole));
    expect(text.slice(0, localConsole)).toMatch(/на цьому комп’ютері \/ on this computer: $/);

    // The projector: the same order; phones: the public address only.
    const publicScreen = text.indexOf('http://viche.test:9/f/1/screen?key=');
    const localScreen = text.search(/http:\/\/localhost:\d+\/f\/1\/screen\?key=/);
    expect(publicScreen).toBeGreaterThan(localConsole);
    expect(localScreen).toBeGreaterThan(publicScreen);
    expect(text).toContain('  Телефони відкривають / Phones open:\n    http://viche.test:9/\n');
    expect(text).not.toMatch(/Phones open:\n\s+http:\/\/(localhost|127\.)/);
  });

  it('on loopback only, gives the local addresses alone, under a warning in Ukrainian then English', async () => {
    const lines = await startupText({ PUBLIC_URL: '' });
    const text = lines.join('\n');
    ukrainianFirst(lines.filter((l) => !/^[\s!]*$/.test(l)));
    expect(text).toContain(
      '  !! Телефони не дістануться до цього сервера: він слухає лише 127.0.0.1. Задайте HOST=0.0.0.0 (типове значення) або PUBLIC_URL. / Phones cannot reach this server: it listens on 127.0.0.1 only.',
    );
    expect(text).not.toContain('on this computer:');
    expect(text).toMatch(/Facilitator console \(keep this link private\):\n {4}http:\/\/localhost:\d+\/console\?key=/);
    expect(text).toContain('(QR-коду немає: телефони не змогли б його відкрити. / No QR code: phones could not open it.)');
  });
});
