// A phone's join cut off with its connection, in Chromium at 360×640 against the real server: the
// connection drops (its process restarted, the Wi-Fi gone) after the join was sent and before its
// answer came, once before the server had it and once after it stored the join and lost the
// answer. Either way the page sends the same join again on its next connection by itself, and the
// resident lands in the forum once, under one ballot, without a "no answer" to tap through.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Socket } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestServer, type TestServer } from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const NO_ANSWER = 'Сервер не відповів';

describe.skipIf(!haveBrowser || !built)(`a phone's join cut off with its connection (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let browser: Browser;
  let origin: string;
  /** Joins the server received from pages, in order, by the name they carry. */
  const received: string[] = [];
  /** What happens to the next join: dropped before the server handles it, or its answer lost after. */
  let next: 'pass' | 'dropBefore' | 'loseAnswer' = 'pass';

  beforeAll(async () => {
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}' });
    origin = `http://viche.test:${server.port}`;
    server.io.of(`/f/${server.slug}`).on('connection', (socket: Socket) => {
      if ((socket.handshake.auth as { role?: string }).role !== 'phone') return;
      // Before any of the server's own listeners (which may listen to every event): a packet
      // dropped here is never handled.
      const onevent = (socket as unknown as { onevent: (packet: { id?: number; data: unknown[] }) => void }).onevent.bind(socket);
      (socket as unknown as { onevent: typeof onevent }).onevent = (packet) => {
        const [event, payload] = packet.data as [string, { name?: string }];
        if (event !== 'participant:join') return onevent(packet);
        received.push(payload.name ?? '');
        if (next === 'dropBefore') {
          next = 'pass';
          // The connection goes with the join in it: the server never handles it.
          socket.disconnect(true);
          return;
        }
        if (next === 'loseAnswer') {
          next = 'pass';
          // The join is handled and stored; its answer is lost with the connection.
          const send = (socket as unknown as { packet: (p: { type: number; id?: number }, o?: unknown) => void }).packet.bind(socket);
          (socket as unknown as { packet: typeof send }).packet = (p, o) => {
            if (p.type === 3 && p.id === packet.id) {
              socket.disconnect(true);
              return;
            }
            send(p, o);
          };
        }
        onevent(packet);
      };
    });
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const participantsNamed = (name: string) => [...server.room.state.participants.values()].filter((p) => p.name === name && !p.voided).length;

  for (const [cut, name] of [
    ['dropBefore', 'Оксана'],
    ['loseAnswer', 'Петро'],
  ] as const) {
    it(`${cut === 'dropBefore' ? 'dropped before the server had it' : 'stored, its answer lost'}: the page joins on its next connection, once`, async () => {
      const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
      const phone = await context.newPage();
      const errors: string[] = [];
      phone.on('pageerror', (e) => errors.push(e.message));
      await phone.goto(`${origin}/f/${server.slug}/?c=${server.joinCode}`);
      await phone.getByLabel('Ваше ім’я (необов’язково)').fill(name);
      const before = received.length;
      next = cut;
      await phone.getByRole('button', { name: 'Приєднатися' }).click();
      await phone.getByText(`Вітаємо, ${name}!`).waitFor();
      // The same join twice on the wire (the cut one, then the one sent again), one participant.
      expect(received.slice(before)).toEqual([name, name]);
      expect(participantsNamed(name)).toBe(1);
      expect(await phone.getByText(NO_ANSWER).count()).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    }, 60_000);
  }
});
