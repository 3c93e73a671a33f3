// Printed tickets, end to end: the console's ticket sheet printed to an A4 PDF by Chromium, the PDF
// turned into pictures (pdftoppm) and every card's QR read back from the pixels, as a phone's
// camera would; then a phone uses a ticket once, and a second phone is refused until it is released.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectConsole, ok, ROOT, startTestServer, tempDir, type TestClient, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, decodeQr, haveBrowser, launchChromium } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
const havePoppler = existsSync('/usr/bin/pdftoppm') && existsSync('/usr/bin/pdftotext');
if (process.env.CI === 'true' && !(haveBrowser && built && havePoppler)) {
  throw new Error(`CI needs Chromium at ${CHROMIUM}, poppler-utils and the built client: .ci/run installs them`);
}

const TICKETS = 10;

// Outside CI a machine without Chromium, poppler-utils or a build skips these, saying why.
describe.skipIf(!haveBrowser || !built || !havePoppler)('printed tickets (needs Chromium, pdftoppm and a built client)', () => {
  let server: TestServer;
  let admin: TestClient;
  let browser: Browser;
  let dir: string;
  let origin: string;

  beforeAll(async () => {
    dir = tempDir();
    server = await startTestServer({ admission: 'tickets', publicUrl: 'http://viche.test:{port}' });
    origin = `http://viche.test:${server.port}`;
    admin = await connectConsole(server);
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
  });
  afterAll(async () => {
    await browser?.close();
    admin?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints as A4 cards whose QR codes open the join page with each ticket’s code', async () => {
    expect(ok(await admin.send('tickets:issue', { count: TICKETS }))).toEqual({ batch: 1, count: TICKETS });
    const { grant } = ok(await admin.send('export:grant', {}));
    const page = await browser.newPage();
    const res = await page.goto(`${server.url}/console/tickets?grant=${grant}`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('.card').count()).toBe(TICKETS);
    const pdf = join(dir, 'tickets.pdf');
    writeFileSync(pdf, await page.pdf({ format: 'A4', printBackground: true }));
    await page.close();

    // Eight cards to an A4 page: 10 tickets take two pages; the print bar is not printed.
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages).toHaveLength(2);
    expect(text).not.toContain('Друкувати');
    for (let n = 1; n <= TICKETS; n++) expect(text).toContain(`Квиток учасника № ${n}`);
    const tickets = [...server.room.state.tickets.values()];
    for (const t of tickets) expect(text).toContain(`${t.code.slice(0, 5)} ${t.code.slice(5)}`);

    // At 150 dpi an A4 page is 1240 × 1754 px; the cards sit in a 2 × 4 grid of 97 × 70 mm inside 8 mm margins.
    execFileSync('pdftoppm', ['-r', '150', '-png', pdf, join(dir, 'page')]);
    const images = readdirSync(dir).filter((f) => /^page-\d+\.png$/.test(f)).sort();
    expect(images).toHaveLength(2);
    const mm = 150 / 25.4;
    const decoded: string[] = [];
    for (const image of images) {
      const png = readFileSync(join(dir, image));
      for (let row = 0; row < 4; row++) {
        for (let col = 0; col < 2; col++) {
          const found = decodeQr(png, { x: (8 + col * 97) * mm, y: (8 + row * 70) * mm, width: 97 * mm, height: 70 * mm });
          if (found) decoded.push(found);
        }
      }
    }
    const expected = tickets.map((t) => `${origin}/f/${server.slug}/?c=${t.code}`);
    expect(decoded.sort()).toEqual(expected.sort());
  });

  it('a ticket works once; another phone is refused until the facilitator releases it, then takes the ballot over', async () => {
    const [ticket] = [...server.room.state.tickets.values()];
    const url = `${origin}/f/${server.slug}/?c=${ticket.code}`;
    const phoneContext = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true });
    const first = await phoneContext.newPage();
    await first.goto(url);
    await first.getByLabel('Код із вашого квитка (10 цифр)').waitFor();
    await first.getByRole('button', { name: 'Приєднатися' }).click();
    await first.getByText('Вітаємо на форумі!').waitFor();
    const holder = server.room.state.tickets.get(ticket.id)!.participantId;
    expect(holder).not.toBeNull();

    const second = await (await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true })).newPage();
    await second.goto(url);
    await second.getByRole('button', { name: 'Приєднатися' }).click();
    await second.getByText('Цей квиток уже використано на іншому телефоні', { exact: false }).waitFor();

    expect(ok(await admin.send('tickets:release', { code: ticket.code }))).toEqual({ number: ticket.number });
    await second.getByRole('button', { name: 'Приєднатися' }).click();
    await second.getByText('Вітаємо на форумі!').waitFor();
    // The same ballot moved: one participant, now on the second phone; the first is shown the join form.
    expect(server.room.state.participants.size).toBe(1);
    expect(server.room.state.tickets.get(ticket.id)!.participantId).toBe(holder);
    await first.getByRole('button', { name: 'Приєднатися' }).waitFor();
    await phoneContext.close();
  });
});
