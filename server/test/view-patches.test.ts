// The console and the projector are sent their views as patches after the first: here, through a
// whole evening of real phones, the views a console and a projector hold by applying every patch in
// order equal the whole views a newcomer is sent; the patches are a small part of the views'
// size; and a console that lost a patch asks again and is given the whole view.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView, ScreenView } from '../../shared/protocol.js';
import type { ViewPatch } from '../../shared/viewPatch.js';
import { connect, connectConsole, connectScreen, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

describe('views sent as patches', () => {
  let server: TestServer;
  let admin: TestClient;
  let screen: TestClient;
  const phones: TestPhone[] = [];

  beforeAll(async () => {
    server = await startTestServer({ displayThrottleMs: 0 });
    admin = await connectConsole(server);
    screen = await connectScreen(server);
    for (let i = 0; i < 12; i++) phones.push(await joinPhone(server, `Учасниця ${i}`));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ideas: string[] = [];
    for (const [i, p] of phones.entries()) {
      ideas.push(ok(await p.send('idea:submit', { priorityCode: String((i % 3) + 1), title: `Ідея номер ${i}`, actionId: randomUUID() })).ideaId);
    }
    ok(await admin.send('idea:hide', { ideaId: ideas[0], reason: 'Повтор' }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    await Promise.all(phones.map((p, i) => p.send('dot:place', { ideaId: ideas[1 + ((i * 3) % 11)], actionId: randomUUID() })));
    ok(await admin.send('phase:set', { to: 'results' }));
    ok(await admin.send('priority:reveal', { priorityCode: '2' }));
    phones[3].close();
  });
  afterAll(async () => {
    for (const c of [admin, screen, ...phones]) c?.close();
    await server?.stop();
  });

  const latest = <T>(c: TestClient, event: string): T => c.received.filter((r) => r.event === event).at(-1)!.args[0] as T;
  const sizeOf = (c: TestClient, event: string) => c.received.filter((r) => r.event === event).reduce((n, r) => n + JSON.stringify(r.args[0]).length, 0);

  it('the console and the projector, patched along the evening, hold what a newcomer is sent whole', async () => {
    // Quiet: every pending change has gone out.
    await new Promise((r) => setTimeout(r, 300));
    const freshConsole = await connectConsole(server);
    const freshScreen = await connectScreen(server);
    try {
      const whole = latest<ConsoleView>(freshConsole, 'console');
      const patched = latest<ConsoleView>(admin, 'console');
      expect(patched.ideas.length).toBe(12);
      expect(patched.results.length).toBeGreaterThan(0);
      expect(patched).toEqual(whole);
      expect(latest<ScreenView>(screen, 'screen')).toEqual(latest<ScreenView>(freshScreen, 'screen'));
      expect(admin.received.some((r) => r.event === 'patch:mismatch')).toBe(false);
      // Patches carry far less than the whole views would have.
      const patches = admin.received.filter((r) => r.event === 'console:patch');
      expect(patches.length).toBeGreaterThan(10);
      const wholeViews = patches.length * JSON.stringify(whole).length;
      expect(sizeOf(admin, 'console:patch') * 5).toBeLessThan(wholeViews);
    } finally {
      freshConsole.close();
      freshScreen.close();
    }
  });

  it('a console that asks again is given the whole view at the current version, and the patches that follow fit it', async () => {
    const c = await connect(server.socketUrl, { role: 'console', key: server.facilitatorKey });
    try {
      await c.next<ConsoleView>('console');
      // A page whose version does not fit a patch (one was lost on a dropped connection) asks again.
      const at = c.mark();
      c.socket.emit('view:resync');
      const again = await c.next<ConsoleView>('console', () => true, at);
      expect(again.ideas.length).toBe(12);
      const fresh = c.received.filter((r) => r.event === 'console').at(-1)!;
      expect(typeof fresh.args[1]).toBe('number');
      // The patches that follow fit the version sent.
      const mark = c.mark();
      ok(await admin.send('priority:reveal', { priorityCode: '3' }));
      const patched = await c.next<ConsoleView>('console', (v) => v.forum.revealed.includes('3'), mark);
      expect(patched.forum.revealed).toContain('3');
      const patch = c.received.slice(mark).find((r) => r.event === 'console:patch')!.args[0] as ViewPatch;
      expect(patch.base).toBe(fresh.args[1]);
      expect(c.received.some((r) => r.event === 'patch:mismatch')).toBe(false);
    } finally {
      c.close();
    }
  });

  it('a change to the forum alone leaves the rows out of the patch; the next change to a row is in it, and the view stays whole', async () => {
    const mark = admin.mark();
    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    await admin.next<ConsoleView>('console', (v) => v.forum.revealed.includes('1'), mark);
    const revealPatches = admin.received.slice(mark).filter((r) => r.event === 'console:patch').map((r) => r.args[0] as ViewPatch);
    expect(revealPatches.length).toBeGreaterThan(0);
    expect(revealPatches.every((p) => !('participants' in p.lists) && !('participants' in p.set))).toBe(true);
    const renamed = admin.mark();
    ok(await phones[5].send('participant:rename', { name: 'Нове імʼя', actionId: randomUUID() }));
    await admin.next<ConsoleView>('console', (v) => v.participants.some((p) => p.name === 'Нове імʼя'), renamed);
    const fresh = await connectConsole(server);
    try {
      // A phase's backup may finish between the two looks: the patched view is compared once it has heard of it.
      const whole = latest<ConsoleView>(fresh, 'console');
      const heard = (v: ConsoleView) => JSON.stringify(v.health) === JSON.stringify(whole.health);
      const now = admin.mark();
      const current = latest<ConsoleView>(admin, 'console');
      const patched = heard(current) ? current : await admin.next<ConsoleView>('console', heard, now);
      expect(patched).toEqual(whole);
    } finally {
      fresh.close();
    }
  });
});

describe("a large forum's console, sent its first view in parts", () => {
  // A row a part here (1,000 by default): 30 participants make a first view of 30 parts, 30 turns.
  let server: TestServer;
  let admin: TestClient;
  const phones: TestPhone[] = [];
  const ideas: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ displayThrottleMs: 0, consoleRowsPerPart: 1 });
    for (let i = 0; i < 30; i++) phones.push(await joinPhone(server, `Мешканець ${i}`));
    admin = await connectConsole(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    for (const [i, p] of phones.slice(0, 6).entries()) {
      ideas.push(ok(await p.send('idea:submit', { priorityCode: String((i % 3) + 1), title: `Пропозиція ${i}`, actionId: randomUUID() })).ideaId);
    }
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
  });
  afterAll(async () => {
    for (const c of [admin, ...phones]) c?.close();
    await server?.stop();
  });

  const views = (c: TestClient) => c.received.filter((r) => r.event === 'console').map((r) => r.args[0] as ConsoleView);

  it('the first view comes in parts, the rows in the order of the list, and the parts fit each other', async () => {
    const c = await connectConsole(server);
    try {
      expect(views(c)[0].participants).toHaveLength(1);
      const whole = await c.next<ConsoleView>('console', (v) => v.participants.length === 30);
      expect(whole.participants.map((p) => p.name)).toEqual(phones.map((_, i) => `Мешканець ${i}`));
      expect(c.received.filter((r) => r.event === 'console:patch').length).toBeGreaterThanOrEqual(29);
      expect(c.received.some((r) => r.event === 'patch:mismatch')).toBe(false);
      // From then on it gets the patches with the others: its version is theirs.
      const mark = c.mark();
      const adminMark = admin.mark();
      ok(await phones[0].send('dot:place', { ideaId: ideas[1], actionId: randomUUID() }));
      try {
        // Each console's patch travels on its own connection: both are awaited before they are compared.
        await c.next<ConsoleView>('console', (v) => v.participants[0].dots === 1, mark);
        await admin.next<ConsoleView>('console', (v) => v.participants[0].dots === 1, adminMark);
        expect(c.received.slice(mark).some((r) => r.event === 'patch:mismatch')).toBe(false);
        expect(views(c).at(-1)).toEqual(views(admin).at(-1));
      } finally {
        // The next test counts every phone's dots: this one leaves none, whatever happened above.
        ok(await phones[0].send('dot:remove', { ideaId: ideas[1], actionId: randomUUID() }));
      }
    } finally {
      c.close();
    }
  });

  it('a console that connects while votes and joins arrive ends with the exact participant list and counts', async () => {
    // Every phone places and takes off dots without a pause, and newcomers join, from before the
    // console connects until it holds every row: its parts go out between their actions.
    let storming = true;
    const placed = new Map<TestPhone, number>();
    const storm = phones.map(async (p, i) => {
      for (let round = 0; storming || round % 2 === 1; round++) {
        const ideaId = ideas[(i + (round >> 1)) % ideas.length];
        if (round % 2 === 0) ok(await p.send('dot:place', { ideaId, actionId: randomUUID() }));
        else ok(await p.send('dot:remove', { ideaId, actionId: randomUUID() }));
      }
      // Each leaves one dot, on an idea of its own choosing: the counts to end with are known.
      ok(await p.send('dot:place', { ideaId: ideas[i % ideas.length], actionId: randomUUID() }));
      placed.set(p, 1);
    });
    const c = await connect(server.socketUrl, { role: 'console', key: server.facilitatorKey });
    // One after another: the list keeps the order they joined in, which the test names below.
    const newcomers: TestPhone[] = [];
    for (const i of [0, 1, 2, 3]) newcomers.push(await joinPhone(server, `Новенька ${i}`));
    phones.push(...newcomers);
    try {
      await c.next<ConsoleView>('console', (v) => v.participants.length === 34);
      storming = false;
      await Promise.all(storm);
      // Quiet: what changed has gone out; a console opened now is sent the forum as it is.
      await new Promise((r) => setTimeout(r, 300));
      const fresh = await connectConsole(server);
      await fresh.next<ConsoleView>('console', (v) => v.participants.length === 34);
      await new Promise((r) => setTimeout(r, 100));
      const exact = views(fresh).at(-1)!;
      fresh.close();
      const held = views(c).at(-1)!;
      expect(held.participants.map((p) => [p.name, p.dots])).toEqual(phones.map((p, i) => [i < 30 ? `Мешканець ${i}` : `Новенька ${i - 30}`, placed.get(p) ?? 0]));
      expect(held.voted).toBe(30);
      expect(held).toEqual(exact);
      expect(views(admin).at(-1)).toEqual(exact);
      expect(c.received.some((r) => r.event === 'patch:mismatch')).toBe(false);
      // It was sent in parts, while the others' patches went out.
      expect(views(c)[0].participants.length).toBeLessThanOrEqual(30);
      expect(c.received.filter((r) => r.event === 'console:patch').length).toBeGreaterThanOrEqual(29);
    } finally {
      c.close();
    }
  });

  it('a change to many rows reaches the consoles in parts, and leaves them with the exact view', async () => {
    // Hiding an idea gives its dots back: every holder's row changes at once.
    const target = ideas[0];
    const mark = admin.mark();
    for (const p of phones.slice(0, 30)) ok(await p.send('dot:place', { ideaId: target, actionId: randomUUID() }));
    await admin.next<ConsoleView>('console', (v) => v.participants.filter((p) => p.dots === 2).length >= 5, mark);
    const before = admin.mark();
    ok(await admin.send('idea:hide', { ideaId: target, reason: 'Повтор' }));
    await admin.next<ConsoleView>('console', (v) => v.ideas.find((i) => i.id === target)?.status === 'hidden' && v.participants.every((p) => (p.dots ?? 0) <= 1), before);
    const patches = admin.received.slice(before).filter((r) => r.event === 'console:patch').map((r) => r.args[0] as ViewPatch);
    // A row a part here: the holders' rows came in patches of their own.
    expect(patches.filter((p) => p.lists.participants?.upserts.length === 1).length).toBeGreaterThanOrEqual(5);
    expect(admin.received.some((r) => r.event === 'patch:mismatch')).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    const fresh = await connectConsole(server);
    try {
      await fresh.next<ConsoleView>('console', (v) => v.participants.length === 34);
      await new Promise((r) => setTimeout(r, 100));
      expect(views(admin).at(-1)).toEqual(views(fresh).at(-1));
    } finally {
      fresh.close();
    }
  });
});

describe('console rows built again for those a change names', () => {
  let server: TestServer;
  let admin: TestClient;
  const phones: TestPhone[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    server.room.presenceGraceMs = 0;
    admin = await connectConsole(server);
    for (let i = 0; i < 12; i++) phones.push(await joinPhone(server, `Мешканка ${i}`));
  });
  afterAll(async () => {
    for (const c of [admin, ...phones]) c?.close();
    await server?.stop();
  });

  /** Every row as the forum itself reads, field by field, not through the console's views. */
  const rowsOfForum = () => {
    const s = server.room.state;
    return [...s.participants.values()].map((p) => ({
      id: p.id,
      name: p.name,
      online: server.room.presence.isOnline(p.id),
      ideas: [...s.ideas.values()].filter((i) => i.authorId === p.id && i.status !== 'withdrawn').length,
      dots: [...(s.dots.get(p.id)?.values() ?? [])].reduce((n, d) => n + d, 0),
      voided: p.voided?.reason ?? null,
    }));
  };
  const rowsOfConsole = (v: ConsoleView) => v.participants.map(({ id, name, online, ideas, dots, voided }) => ({ id, name, online, ideas, dots, voided }));
  const quiet = () => new Promise((r) => setTimeout(r, 150));

  it('after ideas, withdrawals, renames, dots, a phone gone and a void, every row reads as the forum does', async () => {
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ideas: string[] = [];
    for (const [i, p] of phones.entries()) {
      ideas.push(ok(await p.send('idea:submit', { priorityCode: String((i % 3) + 1), title: `Пропозиція ${i}`, actionId: randomUUID() })).ideaId);
    }
    ok(await phones[1].send('idea:withdraw', { ideaId: ideas[1], actionId: randomUUID() }));
    ok(await phones[2].send('participant:rename', { name: 'Оксана з Богунії', actionId: randomUUID() }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    // One change at a time, each seen by the console before the next: each its own update.
    const row = (participantId: string, v: ConsoleView) => v.participants.find((p) => p.id === participantId);
    const late = await joinPhone(server, 'Пізня');
    phones.push(late);
    await admin.next<ConsoleView>('console', (v) => row(late.me.participantId, v) !== undefined);
    for (const [i, p] of phones.entries()) {
      const on = ideas[(i + 3) % ideas.length] === ideas[1] ? ideas[0] : ideas[(i + 3) % ideas.length];
      ok(await p.send('dot:place', { ideaId: on, actionId: randomUUID() }));
      await admin.next<ConsoleView>('console', (v) => row(p.me.participantId, v)?.dots === 1);
    }
    ok(await phones[5].send('dot:remove', { ideaId: ideas[8], actionId: randomUUID() }));
    await admin.next<ConsoleView>('console', (v) => row(phones[5].me.participantId, v)?.dots === 0);
    phones[7].close();
    await admin.next<ConsoleView>('console', (v) => row(phones[7].me.participantId, v)?.online === false);
    // Voiding the author of a voted idea changes the rows of those who held dots on it.
    ok(await admin.send('participant:void', { participantId: phones[4].me.participantId, reason: 'Два телефони' }));
    const gone = phones[7].me.participantId;
    await admin.next<ConsoleView>('console', (v) => v.participants.some((p) => p.id === gone && !p.online) && v.participants.some((p) => p.voided));
    await quiet();
    const seen = admin.received.filter((r) => r.event === 'console').at(-1)!.args[0] as ConsoleView;
    expect(rowsOfConsole(seen)).toEqual(rowsOfForum());
    expect(seen.participants.find((p) => p.id === phones[2].me.participantId)?.name).toBe('Оксана з Богунії');
    expect(seen.participants.filter((p) => p.voided).length).toBe(1);
  });

  it('a forum opened again with more participants than a part has its rows built ahead, and its first view reads as the forum does', async () => {
    for (const c of [admin, ...phones]) c.close();
    await server.close();
    server = await startTestServer({ dbPath: server.dbPath, displayThrottleMs: 0, consoleRowsPerPart: 1 });
    // The rows are built a turn each from the start: let them be; then a phone comes back and
    // renames itself before any console opens: its row is built again over the one built ahead.
    await new Promise((r) => setTimeout(r, 100));
    const back = await connect(server.socketUrl, { role: 'phone', token: phones[3].token });
    phones.push(Object.assign(back, { token: phones[3].token, me: phones[3].me }));
    await back.next('me');
    ok(await back.send('participant:rename', { name: 'Повернулася', actionId: randomUUID() }));
    admin = await connectConsole(server);
    const whole = await admin.next<ConsoleView>('console', (v) => v.participants.length === 13);
    expect(rowsOfConsole(whole)).toEqual(rowsOfForum());
    expect(whole.participants.filter((p) => p.voided)).toHaveLength(1);
    expect(whole.participants.filter((p) => p.online).map((p) => p.name)).toEqual(['Повернулася']);
  });
});
