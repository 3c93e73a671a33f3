// Voter codes on paper, end to end: a batch of 1,000 codes printed to an A4 PDF by Chromium from
// the console's sheet, the PDF read back with pdftotext, every code found and checked against the
// server's (and the CSV for a mail house), one card's QR read from the pixels; then a code read
// off the paper proves a person on a phone, who votes.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCityVote, type CityVote } from '../../server/test/cityVote.js';
import { connect, newToken, ok, ROOT, tempDir } from '../../server/test/harness.js';
import { PersonKeys } from '../../server/forum/persons.js';
import { CHROMIUM, decodeQr, haveBrowser, launchChromium } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
const havePoppler = existsSync('/usr/bin/pdftoppm') && existsSync('/usr/bin/pdftotext');
if (process.env.CI === 'true' && !(haveBrowser && built && havePoppler)) {
  throw new Error(`CI needs Chromium at ${CHROMIUM}, poppler-utils and the built client: .ci/run installs them`);
}

const CODES = 1000;

describe.skipIf(!haveBrowser || !built || !havePoppler)('voter codes printed and read back (needs Chromium, poppler-utils and a built client)', () => {
  let city: CityVote;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = tempDir();
    city = await startCityVote({ publicUrl: 'http://viche.test:{port}' });
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    ok(await city.admin.send('identity:setMethod', { method: 'codes' }));
    ok(await city.admin.send('identity:issueCodes', { count: CODES }));
  });
  afterAll(async () => {
    await browser?.close();
    await city?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints 1,000 codes that pdftotext reads back exactly, and one of them votes', { timeout: 300_000 }, async () => {
    const { grant } = ok(await city.admin.send('export:grant', {}));
    const page = await browser.newPage();
    const res = await page.goto(`${city.server.url}/f/${city.vote.slug}/console/voter-codes?grant=${grant}`, { timeout: 120_000 });
    expect(res?.status()).toBe(200);
    expect(await page.locator('.card').count()).toBe(CODES);
    const pdf = join(dir, 'codes.pdf');
    writeFileSync(pdf, await page.pdf({ format: 'A4', printBackground: true }));
    await page.close();

    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(text.split('\f').filter((p) => p.trim())).toHaveLength(CODES / 8);
    const read = [...text.matchAll(/\b([0-9A-Z]{4})-([0-9A-Z]{4})-([0-9A-Z]{4})-([0-9A-Z]{4})\b/g)].map((m) => m.slice(1).join(''));
    expect(new Set(read).size).toBe(CODES);
    const keys = new PersonKeys(city.server.forums.secrets.personKey, city.vote.forumId);
    // Decoded back: every code read off the paper carries its serial under the vote's key, and the serials are 1 to 1,000.
    const serials = read.map((code) => keys.readVoterCode(code));
    expect(serials.every((s) => s !== null)).toBe(true);
    expect(new Set(serials)).toEqual(new Set(Array.from({ length: CODES }, (_, i) => i + 1)));
    expect(text).toContain('Код виборця № 1000');

    // The CSV for a mail house holds the same codes, one a row.
    const csv = await (await fetch(`${city.server.url}/f/${city.vote.slug}/console/voter-codes.csv?grant=${grant}`)).text();
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toBe('number,code');
    expect(rows.slice(1).map((r) => r.split(',')[1].replace(/-/g, ''))).toEqual(Array.from({ length: CODES }, (_, i) => keys.voterCode(i + 1)));

    // The first card's QR, as a phone's camera reads it, opens the phone's page with the code.
    execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', pdf, join(dir, 'page')]);
    const mm = 150 / 25.4;
    const png = readFileSync(join(dir, `page-${'1'.padStart(String(CODES / 8).length, '0')}.png`));
    expect(decodeQr(png, { x: 8 * mm, y: 8 * mm, width: 97 * mm, height: 70 * mm })).toBe(`http://viche.test:${city.server.port}/f/${city.vote.slug}/?v=${keys.voterCode(1)}`);

    // A code as typed from the paper proves a person, who votes.
    const typed = text.match(/Код виборця № 437\b[\s\S]*?([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/)?.[1];
    expect(typed).toBeDefined();
    const token = newToken();
    const phone = await connect(city.vote.socketUrl, { role: 'phone', token });
    const me = ok(await phone.send('person:prove', { token, proof: { method: 'codes', code: typed! } })).me;
    ok(await phone.send('dot:place', { ideaId: city.ideaIds[0] }));
    const state = city.server.forums.get(city.vote.forumId)!.room.state;
    expect(state.dots.get(me.participantId)?.get(city.ideaIds[0])).toBe(1);
    phone.close();
  });

  it('a phone opened from a card’s QR proves the code in one tap; a second phone gets the same ballot; a wrong code is refused in Ukrainian', { timeout: 120_000 }, async () => {
    const keys = new PersonKeys(city.server.forums.secrets.personKey, city.vote.forumId);
    const state = city.server.forums.get(city.vote.forumId)!.room.state;
    const before = state.participants.size;
    const url = `http://viche.test:${city.server.port}/f/${city.vote.slug}/?v=${keys.voterCode(12)}`;
    const phoneAt = async () => (await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true })).newPage();
    const first = await phoneAt();
    await first.goto(url);
    await expect.poll(() => first.getByLabel('Код виборця (16 знаків)').inputValue()).toBe(keys.voterCode(12));
    // The code is taken out of the address bar, and so out of the browser's history.
    expect(first.url()).not.toContain(keys.voterCode(12));
    await first.getByRole('button', { name: 'Перейти до голосування' }).click();
    await first.getByText('Мої крапки').waitFor();
    expect(state.participants.size).toBe(before + 1);

    const second = await phoneAt();
    await second.goto(`http://viche.test:${city.server.port}/f/${city.vote.slug}/`);
    await second.getByLabel('Код виборця (16 знаків)').fill('0000-0000-0000-0000');
    await second.getByRole('button', { name: 'Перейти до голосування' }).click();
    await second.getByText('Такого коду виборця немає', { exact: false }).waitFor();
    await second.getByLabel('Код виборця (16 знаків)').fill(keys.voterCode(12).toLowerCase());
    await second.getByRole('button', { name: 'Перейти до голосування' }).click();
    await second.getByText('Мої крапки').waitFor();
    expect(state.participants.size).toBe(before + 1);
    expect(state.persons.devices.size).toBe(1);
    await first.context().close();
    await second.context().close();
  });
});
