// The wall's budget (server/realtime/wallPace.ts): what a phone receives of others' ideas stays
// within a budget of bytes a second however many identities edit, edits of one idea collapse into
// the last, an idea edited often goes by the slow lane, and the wall every phone ends with is the
// server's, also for a phone that was away meanwhile.

import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdeasAll, IdeasPatch, PublicIdea } from '../../shared/protocol.js';
import { configFromEnv } from '../main.js';
import { WALL_BUDGET, WallPace, wireBytes } from '../realtime/wallPace.js';
import { connect, connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A phone that only listens: counts the bytes it reads on the wire and holds the wall as the phone page does. */
async function listener(server: TestServer, wall?: { epoch: string; v: number }, keep?: Map<string, PublicIdea>) {
  const phone = await connect(server.socketUrl, { role: 'phone', ...(wall ? { wall } : {}) });
  const state = { bytes: 0, held: wall ?? null, ideas: keep ?? new Map<string, PublicIdea>() };
  // Every packet the engine reads, as framed on the wire (the server's charge is the same formula).
  phone.socket.io.engine.on('packet', (packet: { data?: unknown }) => {
    state.bytes += typeof packet.data === 'string' ? wireBytes(packet.data) : 3;
  });
  const apply = () => {
    for (const { event, args } of phone.received.splice(0)) {
      if (event === 'ideas:all') {
        const all = args[0] as IdeasAll;
        const list = all.ideas ?? (JSON.parse(gunzipSync(all.gz as Uint8Array).toString()) as PublicIdea[]);
        state.ideas = new Map(list.map((i) => [i.id, i]));
        state.held = { epoch: all.epoch, v: all.v };
      } else if (event === 'ideas:patch') {
        const patch = args[0] as IdeasPatch;
        for (const id of patch.removed) state.ideas.delete(id);
        for (const idea of patch.upserts) state.ideas.set(idea.id, idea);
        if (state.held) state.held = { ...state.held, v: patch.v };
      }
    }
  };
  phone.socket.onAny(apply);
  await phone.next('me');
  apply();
  return Object.assign(state, { phone });
}

/** The wall as the server has it now: what a new page is sent. */
async function serverWall(server: TestServer): Promise<Map<string, PublicIdea>> {
  const fresh = await connect(server.socketUrl, { role: 'phone' });
  const all = await fresh.next<IdeasAll>('ideas:all');
  fresh.close();
  return new Map(all.ideas!.map((i) => [i.id, i]));
}

async function until(test: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

describe('300 editing identities', () => {
  const EDITORS = 300;
  let server: TestServer;
  let admin: TestClient;
  const editors: TestPhone[] = [];
  const ideaOf = new Map<TestPhone, string>();

  beforeAll(async () => {
    // The default budget, and the default limits: each identity a participant joined from an
    // address of its own, as 300 phones (or one script with 300 addresses) would be.
    server = await startTestServer();
    admin = await connectConsole(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    for (let i = 0; i < EDITORS; i += 50) {
      editors.push(...(await Promise.all(Array.from({ length: 50 }, (_, k) => joinPhone(server, `Особа ${i + k + 1}`)))));
    }
    await Promise.all(editors.map(async (e, i) => ideaOf.set(e, ok(await e.send('idea:submit', { priorityCode: '1', title: `Ідея ${i + 1}` })).ideaId)));
  }, 120_000);
  afterAll(async () => {
    for (const c of [admin, ...editors]) c?.close();
    await server?.stop();
  });

  it(
    'each phone receives of their edits no more than its budget, and ends with the server’s wall, also one that was away',
    async () => {
      const phones = await Promise.all([listener(server), listener(server), listener(server)]);
      // The ideas submitted above may still be on their way: a last one, sent after them all, says when they are through.
      const { ideaId: beacon } = ok(await editors[0].send('idea:submit', { priorityCode: '2', title: 'Маяк' }));
      await until(() => phones.every((p) => p.ideas.has(beacon)), 60_000, 'the set-up reached the phones');

      const starts = phones.map((p) => p.bytes);
      const t0 = Date.now();
      // Every identity at its allowed rate: what is left of its burst at once, then one edit every 3 s.
      const acks = { ok: 0, refused: 0 };
      let round = 0;
      const edit = (e: TestPhone, n: number) =>
        e.send('idea:edit', { ideaId: ideaOf.get(e)!, title: `Ідея, редакція ${n} від ${e.me.name}` }).then((a) => void (a.ok ? acks.ok++ : acks.refused++));
      await Promise.all(editors.flatMap((e) => Array.from({ length: 10 }, () => edit(e, ++round))));
      let away: Awaited<ReturnType<typeof listener>> | null = null;
      for (let step = 1; step <= 3; step++) {
        await sleep(Math.max(0, t0 + step * 3100 - Date.now()));
        await Promise.all(editors.map((e) => edit(e, ++round)));
        // One phone drops out in the middle, holding the wall's version it had.
        if (step === 1) {
          away = phones.pop()!;
          away.phone.close();
        }
      }
      await sleep(1000);
      const seconds = (Date.now() - t0) / 1000;
      const allowed = WALL_BUDGET.burstBytes + WALL_BUDGET.bytesPerSecond * seconds;
      const unpaced = acks.ok * wireBytes(JSON.stringify(['ideas:patch', { v: 1, upserts: [[...(await serverWall(server)).values()][1]], removed: [] }]));
      // The identities changed far more than the budget: it is the budget that holds.
      expect(acks.ok).toBeGreaterThanOrEqual(EDITORS * 10);
      expect(unpaced).toBeGreaterThan(allowed * 3);
      for (const [i, p] of phones.entries()) {
        const received = p.bytes - starts[i];
        // A ping or two besides the patches.
        expect(received).toBeLessThanOrEqual(allowed + 256);
        expect(received).toBeGreaterThan(WALL_BUDGET.burstBytes);
      }

      // The ideas phase ends: what the slow lane held goes out, within the budget, until every phone has the server's wall.
      ok(await admin.send('phase:set', { to: 'review' }));
      const wall = await serverWall(server);
      expect([...wall.values()].filter((i) => i.title.startsWith('Ідея, редакція'))).toHaveLength(EDITORS);
      // Sent what changed since the version it held (or, as most of the wall did, the whole wall: wall.ts).
      const back = await listener(server, away!.held!, away!.ideas);
      await until(() => [...phones, back].every((p) => p.ideas.size === wall.size && [...wall].every(([id, idea]) => JSON.stringify(p.ideas.get(id)) === JSON.stringify(idea))), 120_000, 'every phone holds the server’s wall');
      for (const p of [...phones, back]) p.phone.close();
    },
    240_000,
  );
});

describe('edits of one idea', () => {
  let server: TestServer;
  let admin: TestClient;
  let author: TestPhone;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await connectConsole(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    author = await joinPhone(server, 'Авторка');
  });
  afterAll(async () => {
    admin?.close();
    author?.close();
    await server?.stop();
  });

  it('10 edits: the author sees each at once, others a few of them and then the last, at the end of the ideas phase', async () => {
    const reader = await joinPhone(server, 'Читач');
    const away = await joinPhone(server, 'Відійшла');
    const epoch = (await away.next<IdeasAll>('ideas:all')).epoch;
    let held = { epoch, v: 0 };
    const { ideaId } = ok(await author.send('idea:submit', { priorityCode: '1', title: 'Сквер' }));
    await reader.next<IdeasPatch>('ideas:patch', (p) => p.upserts.some((i) => i.id === ideaId));
    const mark = reader.mark();
    for (let n = 1; n <= 10; n++) {
      const { me } = ok(await author.send('idea:edit', { ideaId, title: `Сквер, редакція ${n}` }));
      expect(me.ideas.find((i) => i.id === ideaId)?.title).toBe(`Сквер, редакція ${n}`);
      // The first few reach the others as they come (each awaited here, so that none coalesce).
      if (n <= WALL_BUDGET.slowAfterEdits) await reader.next<IdeasPatch>('ideas:patch', (p) => p.upserts.some((i) => i.title === `Сквер, редакція ${n}`), mark);
      // One phone leaves once it has the last edit sent, holding that version of the wall.
      if (n === WALL_BUDGET.slowAfterEdits) {
        const last = await away.next<IdeasPatch>('ideas:patch', (p) => p.upserts.some((i) => i.title === `Сквер, редакція ${n}`));
        away.close();
        held = { epoch, v: last.v };
      }
    }
    // The first page opened at this version of the wall gets the idea as it is (the whole wall is made then, once).
    expect((await serverWall(server)).get(ideaId)?.title).toBe('Сквер, редакція 10');
    // The phone that comes back missed nothing sent to the others: it is sent no ideas.
    const back = await connect(server.socketUrl, { role: 'phone', token: away.token, wall: held });
    await back.next('me');
    expect(back.received.filter((r) => r.event.startsWith('ideas:'))).toEqual([]);

    ok(await admin.send('phase:set', { to: 'review' }));
    // Then it gets the last edit with everyone.
    await back.next<IdeasPatch>('ideas:patch', (p) => p.upserts.some((i) => i.id === ideaId && i.title === 'Сквер, редакція 10'));
    back.close();
    await reader.next<IdeasPatch>('ideas:patch', (p) => p.upserts.some((i) => i.id === ideaId && i.title === 'Сквер, редакція 10'), mark);
    const titles = reader.received
      .slice(mark)
      .filter((r) => r.event === 'ideas:patch')
      .flatMap((r) => (r.args[0] as IdeasPatch).upserts.filter((i) => i.id === ideaId).map((i) => i.title));
    // The first edits as they came; the rest held back, and of them only the last sent.
    expect(titles).toEqual([...Array.from({ length: WALL_BUDGET.slowAfterEdits }, (_, k) => `Сквер, редакція ${k + 1}`), 'Сквер, редакція 10']);
    reader.close();
  });
});

describe('the order the budget sends in (WallPace)', () => {
  const budget = { bytesPerSecond: 1000, burstBytes: 2000, slowAfterEdits: 1, slowLaneMs: 10_000 };
  const entries = (sizes: Record<string, number>, removed: string[] = [], activity: Record<string, number> = {}) => ({
    removed: (id: string) => removed.includes(id),
    bytes: (id: string) => sizes[id] ?? 40,
    authorActivity: (id: string) => activity[id] ?? 0,
  });

  it('ideas taken off the wall first, then new ones, then edits; what does not fit waits for the bucket', () => {
    const pace = new WallPace(budget, 0);
    pace.changed('old', 0);
    expect(pace.take(0, 50, entries({ old: 100 })).ids).toEqual(['old']);
    pace.spent(150);
    for (const id of ['old', 'new1', 'gone', 'new2']) pace.changed(id, 1);
    const first = pace.take(1, 50, entries({ old: 300, new1: 900, new2: 900 }, ['gone']));
    // 1,851 there (a byte earned in the millisecond): the removal (40), the first new idea (900), not the second.
    expect(first.ids).toEqual(['gone', 'new1']);
    pace.spent(50 + 40 + 900);
    // The next look: when the bucket holds the second new idea's patch (950 bytes; 861 left): 89 ms on.
    expect(first.next).toBe(90);
    const second = pace.take(first.next!, 50, entries({ old: 300, new2: 900 }));
    expect(second.ids).toEqual(['new2']);
    pace.spent(950);
    expect(pace.take(second.next!, 50, entries({ old: 300 })).ids).toEqual(['old']);
  });

  it('an idea sent often waits for the slow lane, until its time or a change of phase', () => {
    const pace = new WallPace(budget, 0);
    const e = entries({});
    for (const at of [0, 100]) {
      pace.changed('card', at);
      expect(pace.take(at, 50, e).ids).toEqual(['card']);
    }
    pace.changed('card', 200);
    expect(pace.take(200, 50, e)).toEqual({ ids: [], next: 100 + budget.slowLaneMs });
    expect(pace.take(100 + budget.slowLaneMs, 50, e).ids).toEqual(['card']);
    pace.changed('card', 10_200);
    expect(pace.take(10_300, 50, e).ids).toEqual([]);
    pace.release(10_400);
    expect(pace.take(10_400, 50, e).ids).toEqual(['card']);
  });

  it('the quieter authors’ first, among new ideas and among edits; otherwise in the order they came', () => {
    const pace = new WallPace(budget, 0);
    for (const id of ['e1', 'e2']) pace.changed(id, 0);
    pace.take(0, 50, entries({}));
    for (const id of ['e1', 'e2', 'spam1', 'spam2', 'resident', 'other']) pace.changed(id, 1);
    const busy = { e1: 11, spam1: 12, spam2: 12 };
    expect(pace.take(1, 50, entries({}, [], busy)).ids).toEqual(['resident', 'other', 'spam1', 'spam2', 'e2', 'e1']);
  });

  it('a card larger than the whole burst goes alone once the bucket is full', () => {
    const pace = new WallPace(budget, 0);
    pace.changed('huge', 0);
    pace.changed('small', 0);
    expect(pace.take(0, 50, entries({ huge: 5000 })).ids).toEqual(['huge']);
  });
});

describe('WALL_BYTES_PER_SECOND', () => {
  it('sets the rate, with eight seconds of it at once; too small or not a number stops the start with a sentence', () => {
    expect(configFromEnv({}).wallBudget).toBeUndefined();
    expect(configFromEnv({ WALL_BYTES_PER_SECOND: '8192' }).wallBudget).toEqual({ bytesPerSecond: 8192, burstBytes: 65_536 });
    expect(() => configFromEnv({ WALL_BYTES_PER_SECOND: '100' })).toThrow(/WALL_BYTES_PER_SECOND must be at least 1024/);
    expect(() => configFromEnv({ WALL_BYTES_PER_SECOND: 'fast' })).toThrow(/WALL_BYTES_PER_SECOND must be a whole number/);
  });
});
