// The phone's queue of dots against the real server in Chromium at 360×640: taps made offline are
// kept on the phone, outlive a reload, and are done once each; a tap whose answer is lost again and
// again is sent again under its id until an answer comes, and is then reported done, never "not
// saved"; so is a tap whose commit failed half-way, which the server cannot yet say is saved;
// taps kept for another token, another forum or too long ago are not sent. Screenshots of the
// offline banner go to test-results/phone-queue/ for a person to look at.

import Database from 'better-sqlite3';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Socket } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../server/db/sqlite.js';
import type { BatchEntry, StoredEvent } from '../../server/db/store.js';
import { StorageUnavailable } from '../../server/errors.js';
import { PHONES } from '../../server/realtime/rooms.js';

/**
 * Whether an ack the server sends on this connection answers a dot (the page also asks for its
 * wall of ideas at each connect, whose answers the tests leave alone).
 */
function dotAcks(socket: Socket): (p: { type: number; id?: number }) => boolean {
  const ids = new Set<number>();
  const onevent = (socket as unknown as { onevent: (packet: { id?: number; data: unknown[] }) => void }).onevent.bind(socket);
  (socket as unknown as { onevent: typeof onevent }).onevent = (packet) => {
    if (packet.id !== undefined && String(packet.data[0]).startsWith('dot:')) ids.add(packet.id);
    onevent(packet);
  };
  return (p) => p.type === 3 && p.id !== undefined && ids.has(p.id);
}
import {
  connect,
  connectConsole,
  joinPhone,
  ok,
  ROOT,
  startTestServer,
  tempDir,
  type TestClient,
  type TestPhone,
  type TestServer,
} from '../../server/test/harness.js';
import { CHROMIUM, haveBrowser, launchChromium } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/phone/index.html'));
if (process.env.CI === 'true' && (!haveBrowser || !built)) throw new Error(`CI needs Chromium at ${CHROMIUM} and the built client`);

const SHOTS = join(ROOT, 'test-results/phone-queue');
const IDEAS = ['Лавки в парку', 'Велодоріжка до Богунії', 'Питні фонтанчики', 'Зелені зупинки'];
const WAITING_3 =
  'Немає зв’язку. Натискань чекає надсилання: 3. Вони записані на цьому телефоні й будуть надіслані, щойно зв’язок повернеться.';

describe.skipIf(!haveBrowser || !built)(`the phone's queue of dots (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let admin: TestClient;
  let author: TestPhone;
  let browser: Browser;
  let context: BrowserContext;
  let phone: Page;
  let origin: string;
  const errors: string[] = [];
  /** Every dot command the server received from a page, with its action id, in order. */
  const received: { event: string; ideaId: string; actionId: string }[] = [];
  /** Answers still to be lost: each is dropped with the connection it was to go on. */
  let toLose = 0;
  let lost = 0;

  const shot = (name: string) => phone.screenshot({ path: join(SHOTS, `${name}.png`) });
  const ideaId = (title: string) => [...server.room.state.ideas.values()].find((i) => i.title === title)!.id;
  const myDots = (title: string) => {
    const me = [...server.room.state.participants.values()].find((p) => p.name === 'Оксана')!.id;
    return server.room.state.dots.get(me)?.get(ideaId(title)) ?? 0;
  };
  const row = (title: string) => phone.locator('.idea', { hasText: title });
  const add = (title: string) => row(title).getByRole('button', { name: `Додати крапку ідеї «${title}»` }).click();
  const remove = (title: string) => row(title).getByRole('button', { name: `Зняти крапку з ідеї «${title}»` }).click();
  /** Cuts the phone off: no network for the page, and the connection it had is dropped. */
  const goOffline = async () => {
    await context.setOffline(true);
    server.io.of(`/f/${server.slug}`).in(PHONES).disconnectSockets(true);
    await phone.getByRole('status').filter({ hasText: 'Немає зв’язку' }).waitFor();
  };

  beforeAll(async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}' });
    origin = `http://viche.test:${server.port}`;
    admin = await connectConsole(server);
    // The server's side of each page's connection: what it receives, and the answers a test loses.
    server.io.of(`/f/${server.slug}`).on('connection', (socket: Socket) => {
      if ((socket.handshake.auth as { role?: string }).role !== 'phone') return;
      socket.prependAny((event: string, payload: { ideaId?: string; actionId?: string }) => {
        if (event.startsWith('dot:')) received.push({ event, ideaId: payload.ideaId ?? '', actionId: payload.actionId ?? '' });
      });
      const isDotAck = dotAcks(socket);
      const packet = (socket as unknown as { packet: (p: { type: number; id?: number }, o?: unknown) => void }).packet.bind(socket);
      (socket as unknown as { packet: typeof packet }).packet = (p, o) => {
        // A dot's ack, lost as a dropped Wi-Fi loses it: the action is done, its answer never arrives.
        if (isDotAck(p) && toLose > 0) {
          toLose--;
          lost++;
          socket.disconnect(true);
          return;
        }
        packet(p, o);
      };
    });
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    context = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    phone = await context.newPage();
    phone.on('pageerror', (e) => errors.push(e.message));
    // Every "not saved" the page ever shows is noted, however briefly it stays.
    await context.addInitScript(() => {
      const seen: string[] = ((window as unknown as { notSaved: string[] }).notSaved = []);
      new MutationObserver(() => {
        const text = document.body?.innerText ?? '';
        if (text.includes('Не збережено') && !seen.includes(text)) seen.push(text);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });

    ok(await admin.send('phase:set', { to: 'ideas' }));
    author = await joinPhone(server, 'Марко');
    for (const title of IDEAS) ok(await author.send('idea:submit', { priorityCode: '1', title, description: '', place: '' }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
  }, 60_000);
  afterAll(async () => {
    author?.close();
    admin?.close();
    await browser?.close();
    await server?.close();
  });

  it('taps made offline are kept on the phone through a reload, then each is done once', async () => {
    await phone.goto(`${origin}/?c=${server.joinCode}`);
    await phone.getByLabel('Ваше ім’я (необов’язково)').fill('Оксана');
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    await row(IDEAS[0]).waitFor();

    await goOffline();
    await shot('1-offline-nothing-waiting');
    expect(await phone.getByText('Немає зв’язку. Натискання дочекаються зв’язку й будуть надіслані, щойно він повернеться.').count()).toBe(1);
    // Two dots on one idea, one on another, then one taken off again: three taps wait, counted at once.
    await add(IDEAS[0]);
    await add(IDEAS[0]);
    await add(IDEAS[1]);
    await phone.getByText(WAITING_3).waitFor();
    await row(IDEAS[0]).getByText('Чекає надсилання').waitFor();
    await shot('2-offline-three-waiting');
    await remove(IDEAS[0]);
    await phone.getByText(WAITING_3.replace(': 3', ': 4')).waitFor();
    expect(await phone.locator('.left-count', { hasText: 'Залишилася 1 крапка' }).count()).toBe(1);
    // Nothing reached the server.
    expect(received).toEqual([]);
    expect([myDots(IDEAS[0]), myDots(IDEAS[1])]).toEqual([0, 0]);

    // Written down on the phone, for this forum and this device's token, each with its action id.
    const stored = JSON.parse((await phone.evaluate(() => localStorage.getItem('viche.pending.1')))!) as { token: string; taps: { actionId: string }[] };
    expect(stored.token).toBe(await phone.evaluate(() => localStorage.getItem('viche.token')));
    expect(new Set(stored.taps.map((tap) => tap.actionId)).size).toBe(4);

    // The phone is reloaded with no network: the browser's own error page. Then the network is back.
    await phone.reload().catch(() => undefined);
    await context.setOffline(false);
    await phone.goto(`${origin}/`);
    await row(IDEAS[0]).getByText('Збережено').waitFor({ timeout: 30_000 });
    await expect.poll(() => phone.locator('.dot-status.waiting').count(), { timeout: 30_000 }).toBe(0);
    await phone.locator('.left-count', { hasText: 'Залишилася 1 крапка' }).waitFor();
    await shot('3-back-after-reload');

    // Each tap done once, in the order tapped: four actions, first sent in that order (one may come
    // again under its id, when the page reconnects as it sends), and one dot on each idea.
    const actions = new Map(received.map((r) => [r.actionId, `${r.event} ${r.ideaId}`]));
    expect([...actions.values()]).toEqual([
      `dot:place ${ideaId(IDEAS[0])}`,
      `dot:place ${ideaId(IDEAS[0])}`,
      `dot:place ${ideaId(IDEAS[1])}`,
      `dot:remove ${ideaId(IDEAS[0])}`,
    ]);
    expect([myDots(IDEAS[0]), myDots(IDEAS[1])]).toEqual([1, 1]);
    expect(await phone.evaluate(() => localStorage.getItem('viche.pending.1'))).toBeNull();
    // A reload now sends nothing again.
    await phone.reload();
    await row(IDEAS[0]).waitFor();
    const sent = received.length;
    await phone.locator('.left-count', { hasText: 'Залишилася 1 крапка' }).waitFor();
    await phone.getByRole('button', { name: `Додати крапку ідеї «${IDEAS[3]}»` }).waitFor();
    expect(received).toHaveLength(sent);
    expect(await phone.evaluate(() => (window as unknown as { notSaved: string[] }).notSaved)).toEqual([]);
  }, 120_000);

  it('taps kept for another device token, another forum, or longer ago than an evening are not sent after a reload', async () => {
    const token = (await phone.evaluate(() => localStorage.getItem('viche.token')))!;
    const tap = (actionId: string, at: number) => ({ ideaId: ideaId(IDEAS[3]), delta: 1, actionId, at });
    const now = Date.now();
    // As a page of another token on this forum, and one of this token on forum 2, would have left them.
    await phone.evaluate(
      ([other, forum2]) => {
        localStorage.setItem('viche.pending.1', JSON.stringify(other));
        localStorage.setItem('viche.pending.2', JSON.stringify(forum2));
      },
      [
        { token: 'f'.repeat(32), taps: [tap('a1a1a1a1a1a1a1a1', now)] },
        { token, taps: [tap('b2b2b2b2b2b2b2b2', now)] },
      ],
    );
    await phone.reload();
    // A tap made now is the first thing sent: nothing kept for another token went before it.
    await remove(IDEAS[1]);
    await row(IDEAS[1]).getByText('Збережено').waitFor();
    // This token's, on this forum, but tapped 13 hours ago.
    await phone.evaluate((old) => localStorage.setItem('viche.pending.1', JSON.stringify(old)), {
      token,
      taps: [tap('c3c3c3c3c3c3c3c3', now - 13 * 60 * 60 * 1000)],
    });
    const before = received.length;
    await phone.reload();
    await add(IDEAS[1]);
    await row(IDEAS[1]).getByText('Збережено').waitFor();
    const ids = received.map((r) => r.actionId);
    expect(ids).not.toContain('a1a1a1a1a1a1a1a1');
    expect(ids).not.toContain('b2b2b2b2b2b2b2b2');
    expect(ids).not.toContain('c3c3c3c3c3c3c3c3');
    expect(received.slice(before).map((r) => r.event)).toEqual(['dot:place']);
    expect([myDots(IDEAS[1]), myDots(IDEAS[3])]).toEqual([1, 0]);
    // Forum 2's taps stay where they are, for forum 2's page.
    expect(await phone.evaluate(() => localStorage.getItem('viche.pending.2'))).toContain('b2b2b2b2b2b2b2b2');
  }, 120_000);

  it('a tap whose answer is lost five times in a row is sent again under its id until answered, and reported saved, once', async () => {
    const before = received.length;
    toLose = 5;
    await add(IDEAS[2]);
    await row(IDEAS[2]).getByText('Збережено').waitFor({ timeout: 60_000 });
    expect(lost).toBe(5);
    expect(toLose).toBe(0);
    const sent = received.slice(before);
    // The first arrival did it; the five after were resends of the same action under the same id.
    expect(sent.length).toBeGreaterThanOrEqual(6);
    expect(new Set(sent.map((r) => `${r.event} ${r.ideaId} ${r.actionId}`)).size).toBe(1);
    expect(myDots(IDEAS[2])).toBe(1);
    expect(server.room.state.dots.size).toBe(1);
    await phone.locator('.left-count', { hasText: 'Залишилося 0 крапок' }).waitFor();
    await shot('4-saved-after-lost-answers');
    expect(await phone.evaluate(() => (window as unknown as { notSaved: string[] }).notSaved)).toEqual([]);
    expect(errors).toEqual([]);
  }, 120_000);

  it('holds at most 60 waiting taps: the next is refused on the spot, with a message, and nothing more is kept', async () => {
    await goOffline();
    // Off and on again on one idea: a queue as long as the bound, within the budget throughout.
    for (let i = 0; i < 30; i++) {
      await remove(IDEAS[2]);
      await add(IDEAS[2]);
    }
    await phone.getByText('Натискань чекає надсилання: 60.', { exact: false }).waitFor();
    await remove(IDEAS[2]);
    await phone.getByText('Забагато натискань чекають надсилання. Дочекайтеся зв’язку, тоді продовжуйте.').waitFor();
    await phone.getByText('Натискань чекає надсилання: 60.', { exact: false }).waitFor();
    const stored = JSON.parse((await phone.evaluate(() => localStorage.getItem('viche.pending.1')))!) as { taps: unknown[] };
    expect(stored.taps).toHaveLength(60);
    expect(errors).toEqual([]);
  }, 120_000);
});

describe.skipIf(!haveBrowser || !built)(`a resend while the participant's commands are spent (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let admin: TestClient;
  let author: TestPhone;
  let otherDevice: TestClient | undefined;
  let browser: Browser;
  let phone: Page;
  /** The codes of the refusals of the page's dots. */
  const refusals: string[] = [];
  let loseNext = false;
  /** While holding, the page's connections wait here to be let in. */
  let holding = false;
  const held: (() => void)[] = [];

  beforeAll(async () => {
    // Few commands per participant, across all their devices: another device of the voter's can spend them.
    server = await startTestServer({ publicUrl: 'http://viche.test:{port}', limits: { commandsPerParticipant: { burst: 8, perSecond: 0.2 } } });
    admin = await connectConsole(server);
    const chrome = (socket: Socket) => /Chrome/.test(socket.handshake.headers['user-agent'] ?? '');
    server.io.of(`/f/${server.slug}`).use((socket, next) => (holding && chrome(socket) ? held.push(() => next()) : next()));
    server.io.of(`/f/${server.slug}`).on('connection', (socket: Socket) => {
      if (!chrome(socket)) return;
      const isDotAck = dotAcks(socket);
      const packet = (socket as unknown as { packet: (p: { type: number; id?: number; data?: unknown[] }, o?: unknown) => void }).packet.bind(socket);
      (socket as unknown as { packet: typeof packet }).packet = (p, o) => {
        if (!isDotAck(p)) return packet(p, o);
        const ack = p.data?.[0] as { ok: boolean; error?: { code: string } };
        if (loseNext) {
          loseNext = false;
          socket.disconnect(true);
          return;
        }
        if (!ack.ok) refusals.push(ack.error!.code);
        packet(p, o);
      };
    });
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await context.addInitScript(() => {
      const seen: string[] = ((window as unknown as { notSaved: string[] }).notSaved = []);
      new MutationObserver(() => {
        const text = document.body?.innerText ?? '';
        if (text.includes('Не збережено') && !seen.includes(text)) seen.push(text);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    phone = await context.newPage();
    ok(await admin.send('phase:set', { to: 'ideas' }));
    author = await joinPhone(server, 'Марко');
    ok(await author.send('idea:submit', { priorityCode: '1', title: IDEAS[0], description: '', place: '' }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
  }, 60_000);
  afterAll(async () => {
    otherDevice?.close();
    author?.close();
    admin?.close();
    await browser?.close();
    await server?.close();
  });

  it('a tap whose answer was lost is answered as done when resent, even with every command of the participant spent, and reported saved', async () => {
    await phone.goto(`http://viche.test:${server.port}/?c=${server.joinCode}`);
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    const row = phone.locator('.idea', { hasText: IDEAS[0] });
    await row.waitFor();
    const token = (await phone.evaluate(() => localStorage.getItem('viche.token')))!;
    otherDevice = await connect(server.socketUrl ?? server.url, { role: 'phone', token });

    // The dot is saved and its answer lost with the connection; the page's next connection is held
    // while the voter's other device spends every command the participant has. The resend that
    // follows carries an id the forum knows, so it is answered as done, not RATE_LIMITED (a new
    // action would be refused: shown in server/test/admission-socket.test.ts).
    loseNext = true;
    holding = true;
    await row.getByRole('button', { name: `Додати крапку ідеї «${IDEAS[0]}»` }).click();
    await expect.poll(() => held.length, { timeout: 30_000 }).toBe(1);
    for (let i = 0; i < 10; i++) await otherDevice.send('session:setLanguage', { lang: 'uk' });
    holding = false;
    held.splice(0).forEach((next) => next());
    await row.getByText('Збережено').waitFor({ timeout: 60_000 });
    expect(loseNext).toBe(false);
    expect(refusals).not.toContain('RATE_LIMITED');
    const me = [...server.room.state.participants.values()].find((p) => p.name !== 'Марко')!.id;
    expect(server.room.state.dots.get(me)?.get([...server.room.state.ideas.keys()][0])).toBe(1);
    expect(await phone.evaluate(() => (window as unknown as { notSaved: string[] }).notSaved)).toEqual([]);
  }, 120_000);
});

/**
 * The real SQLite file, with a disk that fails as a laptop's can while syncing: a batch is stored
 * whole, yet its commit reports an I/O error (outcome unknown), and the next reads of the log fail
 * too, so that the server cannot read the batch back at once.
 */
class HalfWayDisk extends SqliteStore {
  failNextCommit = false;
  unreadable = 0;
  override async appendBatch(forumId: string, afterSeq: number, entries: readonly BatchEntry[]): Promise<number> {
    const seq = await super.appendBatch(forumId, afterSeq, entries);
    if (!this.failNextCommit) return seq;
    this.failNextCommit = false;
    this.unreadable = 3;
    throw new StorageUnavailable('io', 'disk I/O error', 'unknown');
  }
  override async loadEventsAfter(forumId: string, seq: number, limit?: number): Promise<StoredEvent[]> {
    if (this.unreadable > 0) {
      this.unreadable--;
      throw new StorageUnavailable('io', 'disk I/O error');
    }
    return super.loadEventsAfter(forumId, seq, limit);
  }
}

describe.skipIf(!haveBrowser || !built)(`a tap whose commit failed half-way (needs ${CHROMIUM} and a built client)`, () => {
  let server: TestServer;
  let store: HalfWayDisk;
  let admin: TestClient;
  let author: TestPhone;
  let browser: Browser;
  let phone: Page;
  /** Each answer to a dot, as the page received it. */
  const answers: { actionId: string; ok: boolean; code?: string; outcome?: unknown; duplicate?: boolean }[] = [];

  beforeAll(async () => {
    const dbPath = join(tempDir(), 'forum.db');
    store = new HalfWayDisk(dbPath);
    server = await startTestServer({ store, dbPath, publicUrl: 'http://viche.test:{port}', backupEveryMs: 0 });
    admin = await connectConsole(server);
    // Every answer to a page's dot, with the action id it answers (its packet's id says which).
    server.io.of(`/f/${server.slug}`).on('connection', (socket: Socket) => {
      if ((socket.handshake.auth as { role?: string }).role !== 'phone') return;
      const dots = new Map<number, string>();
      const raw = socket as unknown as {
        onevent: (p: { id?: number; data?: unknown[] }) => void;
        packet: (p: { type: number; id?: number; data?: unknown[] }, o?: unknown) => void;
      };
      const onevent = raw.onevent.bind(socket);
      raw.onevent = (p) => {
        const [event, payload] = (p.data ?? []) as [string, { actionId?: string }];
        if (p.id !== undefined && event.startsWith('dot:')) dots.set(p.id, payload.actionId ?? '');
        onevent(p);
      };
      const packet = raw.packet.bind(socket);
      raw.packet = (p, o) => {
        const actionId = p.type === 3 && p.id !== undefined ? dots.get(p.id) : undefined;
        if (actionId !== undefined) {
          const answer = p.data?.[0] as { ok: boolean; duplicate?: boolean; error?: { code: string; params?: { outcome?: unknown } } };
          answers.push({ actionId, ok: answer.ok, code: answer.error?.code, outcome: answer.error?.params?.outcome, duplicate: answer.duplicate });
        }
        packet(p, o);
      };
    });
    browser = await launchChromium(['--host-resolver-rules=MAP viche.test 127.0.0.1']);
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await context.addInitScript(() => {
      const seen: string[] = ((window as unknown as { notSaved: string[] }).notSaved = []);
      new MutationObserver(() => {
        const text = document.body?.innerText ?? '';
        if (text.includes('Не збережено') && !seen.includes(text)) seen.push(text);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    phone = await context.newPage();
    ok(await admin.send('phase:set', { to: 'ideas' }));
    author = await joinPhone(server, 'Марко');
    ok(await author.send('idea:submit', { priorityCode: '1', title: IDEAS[0], description: '', place: '' }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
  }, 60_000);
  afterAll(async () => {
    author?.close();
    admin?.close();
    await browser?.close();
    await server?.stop();
    await store?.close();
  });

  it('is sent again under its id while the server cannot say, then reported saved, done once', async () => {
    await phone.goto(`http://viche.test:${server.port}/?c=${server.joinCode}`);
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    const row = phone.locator('.idea', { hasText: IDEAS[0] });
    await row.waitFor();

    store.failNextCommit = true;
    await row.getByRole('button', { name: `Додати крапку ідеї «${IDEAS[0]}»` }).click();
    await row.getByText('Збережено').waitFor({ timeout: 60_000 });

    // The first answer said the outcome is not known; the page asked again under the same id, and
    // was answered that it is done.
    expect(answers[0]).toMatchObject({ ok: false, code: 'STORAGE_UNAVAILABLE', outcome: 'unknown' });
    expect(answers.at(-1)).toMatchObject({ ok: true, duplicate: true });
    expect(new Set(answers.map((a) => a.actionId)).size).toBe(1);
    expect(await phone.evaluate(() => (window as unknown as { notSaved: string[] }).notSaved)).toEqual([]);

    // One dot, in the forum and in its file.
    const me = [...server.room.state.participants.values()].find((p) => p.name !== 'Марко')!.id;
    expect(server.room.state.dots.get(me)?.get([...server.room.state.ideas.keys()][0])).toBe(1);
    const db = new Database(server.dbPath, { readonly: true });
    try {
      expect(db.prepare("SELECT COUNT(*) FROM events WHERE type = 'dotPlaced'").pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  }, 120_000);
});
