// What a phone is sent of the wall of ideas (server/realtime/wallPages.ts): the counts per
// priority, and the page of the one priority it watches, newest first (its own order while
// voting), with the search done by the server; changes to that page only, within its budget of
// bytes, repeated edits collapsing into the latest; nothing of priorities it does not watch.

import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceOrder } from '../../shared/forum/wallOrder.js';
import type { PhoneGreeting, WallIdea, WallPage } from '../../shared/protocol.js';
import { WALL_PAGE_SIZE } from '../../shared/forum/wallOrder.js';
import { configFromEnv } from '../main.js';
import { wireBytes } from '../realtime/wallPace.js';
import { connect, connectConsole, joinPhone, ok, refused, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The page a phone holds, as the phone page keeps it (client/phone/wall.ts), from what it received since `since`. */
function held(phone: TestClient, since = 0): { ideas: Map<string, WallIdea>; total: number; pages: WallPage[] } {
  const ideas = new Map<string, WallIdea>();
  let total = 0;
  const pages: WallPage[] = [];
  for (const r of phone.received.slice(since)) {
    if (r.event !== 'wall:page') continue;
    const page = r.args[0] as WallPage;
    pages.push(page);
    if (page.whole) ideas.clear();
    for (const id of page.removed) ideas.delete(id);
    for (const idea of page.upserts) ideas.set(idea.id, idea);
    total = page.total;
  }
  return { ideas, total, pages };
}

/** The bytes on the wire of what a phone received since `since`, by event. */
function bytesOf(phone: TestClient, since = 0): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of phone.received.slice(since)) out[r.event] = (out[r.event] ?? 0) + wireBytes(JSON.stringify([r.event, ...r.args]));
  return out;
}

const newestFirst = (ideas: Iterable<WallIdea>) => [...ideas].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((i) => i.title);

describe('a phone watching one priority', () => {
  let server: TestServer;
  let admin: TestClient;
  let reader: TestPhone;
  let other: TestPhone;
  /** Titles of priority 1, oldest first. */
  const titles1: string[] = [];
  const ids1: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    admin = await connectConsole(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    reader = await joinPhone(server, 'Читачка');
    other = await joinPhone(server, 'Інша');
    for (let i = 1; i <= 25; i++) {
      const title = i % 5 === 0 ? `Сквер біля школи № ${i}` : `Ідея про місто номер ${i}`;
      ids1.push(ok(await admin.send('paper:idea', { priorityCode: '1', title, description: 'Довгий опис ідеї, щоб картка мала вагу на сторінці.' })).ideaId);
      titles1.push(title);
      // Each its own millisecond, so newest first is one order.
      await sleep(2);
    }
    for (let i = 1; i <= 3; i++) ok(await admin.send('paper:idea', { priorityCode: '2', title: `Друга тема ${i}` }));
  }, 60_000);
  afterAll(async () => {
    for (const c of [admin, reader, other]) c?.close();
    await server?.stop();
  });

  it('is sent the counts at connect and no idea until it opens a priority', async () => {
    const fresh = await joinPhone(server, 'Новенька');
    try {
      await sleep(200);
      const events = new Set(fresh.received.map((r) => r.event));
      expect(events.has('wall:page')).toBe(false);
      expect(events.has('ideas:all')).toBe(false);
      const counts = await fresh.next<Record<string, number>>('wall:counts');
      expect(counts).toMatchObject({ '1': 25, '2': 3, '3': 0 });
      // Counts, the forum, its own view: nothing carries an idea's title.
      expect(JSON.stringify(fresh.received)).not.toContain('Ідея про місто');
    } finally {
      fresh.close();
    }
  });

  it('gets the first page of the priority it opened, newest first, and only that', async () => {
    const mark = reader.mark();
    const ack = ok(await reader.send('wall:watch', { priorityCode: '1', query: '', pages: 1 }));
    expect(ack.total).toBe(25);
    const page = held(reader, mark);
    expect(page.pages).toHaveLength(1);
    expect(page.pages[0].whole).toBe(true);
    expect(page.total).toBe(25);
    expect(newestFirst(page.ideas.values())).toEqual(titles1.slice(-WALL_PAGE_SIZE).reverse());
    // Nothing of priority 2's ideas.
    expect(JSON.stringify(reader.received.slice(mark))).not.toContain('Друга тема');
  });

  it('is sent the count of a new idea, not the idea; asked again, the new idea comes and the one pushed off the page goes', async () => {
    const mark = reader.mark();
    ok(await admin.send('paper:idea', { priorityCode: '2', title: 'Друга тема 4' }));
    // Only the count that changed.
    expect(await reader.next<Record<string, number>>('wall:counts', (c) => c['2'] === 4, mark)).toEqual({ '2': 4 });
    const id = ok(await admin.send('paper:idea', { priorityCode: '1', title: 'Найновіша ідея' })).ideaId;
    ids1.push(id);
    titles1.push('Найновіша ідея');
    await reader.next<Record<string, number>>('wall:counts', (c) => c['1'] === 26, mark);
    await sleep(200);
    // The page being read does not move: the phone knows of one new idea from the counts.
    expect(reader.received.slice(mark).map((r) => r.event)).toEqual(['wall:counts', 'wall:counts']);
    const again = reader.mark();
    ok(await reader.send('wall:watch', { priorityCode: '1', query: '', pages: 1 }));
    const change = await reader.next<WallPage>('wall:page', (p) => p.upserts.some((i) => i.id === id), again);
    expect(change.whole).toBe(false);
    expect(change.newer).toBe(0);
    expect(change.upserts.map((i) => i.title)).toEqual(['Найновіша ідея']);
    expect(change.removed).toEqual([ids1[titles1.length - 1 - WALL_PAGE_SIZE]]);
    expect(change.total).toBe(26);
    expect(JSON.stringify(reader.received.slice(mark))).not.toContain('Друга тема 4');
    // What it received for that: a count and the page's change, not a wall.
    const bytes = bytesOf(reader, mark);
    expect(Object.keys(bytes).sort()).toEqual(['wall:counts', 'wall:page']);
    expect(bytes['wall:page']).toBeLessThan(600);
  });

  it('asks for the next page and is sent only the ideas it adds', async () => {
    const mark = reader.mark();
    ok(await reader.send('wall:watch', { priorityCode: '1', query: '', pages: 2 }));
    const more = held(reader, mark).pages;
    expect(more).toHaveLength(1);
    expect(more[0].whole).toBe(false);
    expect(more[0].upserts).toHaveLength(26 - WALL_PAGE_SIZE);
    expect(held(reader).ideas.size).toBe(26);
    expect(newestFirst(held(reader).ideas.values())).toEqual([...titles1].reverse());
  });

  it('searches the whole priority on the server, and says when nothing is found', async () => {
    let mark = reader.mark();
    ok(await reader.send('wall:watch', { priorityCode: '1', query: 'СКВЕР школи', pages: 1 }));
    let page = held(reader, mark);
    expect(page.pages[0].whole).toBe(true);
    expect(newestFirst(page.ideas.values())).toEqual(titles1.filter((t) => t.startsWith('Сквер')).reverse());
    expect(page.total).toBe(5);
    mark = reader.mark();
    ok(await reader.send('wall:watch', { priorityCode: '1', query: 'фонтан', pages: 1 }));
    page = held(reader, mark);
    expect(page.pages).toEqual([{ priorityCode: '1', query: 'фонтан', whole: true, total: 0, newer: 0, upserts: [], removed: [], tag: expect.any(String) }]);
  });

  it('switching priority gets the new wall whole, and no more changes of the old', async () => {
    const mark = reader.mark();
    ok(await reader.send('wall:watch', { priorityCode: '2', query: '', pages: 1 }));
    const page = held(reader, mark);
    expect(page.pages[0].whole).toBe(true);
    expect(newestFirst(page.ideas.values())).toEqual(['Друга тема 4', 'Друга тема 3', 'Друга тема 2', 'Друга тема 1']);
    const after = reader.mark();
    ok(await admin.send('paper:idea', { priorityCode: '1', title: 'Ще одна про перший' }));
    await reader.next<Record<string, number>>('wall:counts', (c) => c['1'] === 27, after);
    await sleep(100);
    expect(reader.received.slice(after).some((r) => r.event === 'wall:page')).toBe(false);
    // Nothing watched: nothing sent but counts.
    ok(await reader.send('wall:watch', { priorityCode: null, query: '', pages: 1 }));
    const none = reader.mark();
    ok(await admin.send('paper:idea', { priorityCode: '2', title: 'Друга тема 5' }));
    await reader.next('wall:counts', () => true, none);
    await sleep(100);
    expect(reader.received.slice(none).some((r) => r.event === 'wall:page')).toBe(false);
  });

  it('reads ideas by id and ideas like a draft; refuses an unknown priority or a page out of range, saying so', async () => {
    const { ideas } = ok(await reader.send('wall:ideas', { ids: [ids1[0], ids1[1], 'no-such-idea'] }));
    expect(ideas.map((i) => i.title)).toEqual([titles1[0], titles1[1]]);
    const similar = ok(await reader.send('wall:similar', { priorityCode: '1', title: 'Сквер біля школи', description: '', place: '' }));
    expect(similar.ideas.length).toBeGreaterThan(0);
    expect(similar.ideas.every((i) => i.title.startsWith('Сквер') && i.priorityCode === '1')).toBe(true);
    const unknown = await reader.send('wall:watch', { priorityCode: 'nope', query: '', pages: 1 });
    expect(refused(unknown)).toBe('UNKNOWN_PRIORITY');
    expect(!unknown.ok && unknown.error.message).toMatch(/пріоритет/i);
    expect(refused(await reader.send('wall:watch', { priorityCode: '1', query: '', pages: 0 }))).toBe('BAD_INPUT');
    expect(refused(await reader.send('wall:similar', { priorityCode: 'nope', title: 'Сквер біля школи' }))).toBe('UNKNOWN_PRIORITY');
  });

  it('after a reconnect, watching again gets the page whole', async () => {
    const again = await connect(server.socketUrl, { role: 'phone', token: other.token });
    try {
      await again.next('me');
      ok(await again.send('wall:watch', { priorityCode: '1', query: '', pages: 1 }));
      const page = held(again);
      expect(page.pages[0].whole).toBe(true);
      expect(page.ideas.size).toBe(WALL_PAGE_SIZE);
    } finally {
      again.close();
    }
  });

  it('a phone that unpacks gzip is sent a large page gzipped: the same ideas in less than half the bytes', async () => {
    const packed = await connect(server.socketUrl, { role: 'phone', token: other.token, gz: true });
    const plain = await connect(server.socketUrl, { role: 'phone', token: other.token });
    try {
      for (const phone of [packed, plain]) {
        await phone.next('me');
        ok(await phone.send('wall:watch', { priorityCode: '1', query: '', pages: 2 }));
      }
      const [zipped, open] = [packed, plain].map((phone) => phone.received.find((r) => r.event === 'wall:page')!.args[0] as WallPage);
      expect(zipped.upserts).toEqual([]);
      expect(open.gz).toBeUndefined();
      const unpacked = JSON.parse(gunzipSync(zipped.gz as Uint8Array).toString()) as WallIdea[];
      expect(unpacked).toEqual(open.upserts);
      expect(unpacked.length).toBeGreaterThan(WALL_PAGE_SIZE);
      expect((zipped.gz as Uint8Array).byteLength * 2).toBeLessThan(Buffer.byteLength(JSON.stringify(open.upserts)));
    } finally {
      packed.close();
      plain.close();
    }
  });

  it('while voting, pages each phone in its own order', async () => {
    ok(await reader.send('wall:watch', { priorityCode: '1', query: '', pages: 1 }));
    ok(await other.send('wall:watch', { priorityCode: '1', query: '', pages: 1 }));
    const mark = reader.mark();
    const otherMark = other.mark();
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    const all = ok(await reader.send('wall:ideas', { ids: (await allIdsOf(admin, '1')) })).ideas;
    expect(all).toHaveLength(27);
    for (const [phone, since] of [[reader, mark], [other, otherMark]] as const) {
      await phone.next<WallPage>('wall:page', (p) => p.whole && p.upserts.length === WALL_PAGE_SIZE, since);
      const mine = held(phone, since).ideas;
      const expected = deviceOrder(all, phone.me.participantId, '1').slice(0, WALL_PAGE_SIZE);
      expect(new Set(mine.keys())).toEqual(new Set(expected.map((i) => i.id)));
    }
    expect(new Set(held(reader, mark).ideas.keys())).not.toEqual(new Set(held(other, otherMark).ideas.keys()));
  });
});

/** A priority's active ideas' ids, from the console's view. */
async function allIdsOf(admin: TestClient, priorityCode: string): Promise<string[]> {
  const view = [...admin.received].reverse().find((r) => r.event === 'console')!.args[0] as { ideas: { id: string; priorityCode: string; status: string }[] };
  return view.ideas.filter((i) => i.priorityCode === priorityCode && i.status === 'active').map((i) => i.id);
}

describe('the budget of bytes of each phone', () => {
  let server: TestServer;
  let admin: TestClient;

  beforeAll(async () => {
    server = await startTestServer({ wallBudget: { bytesPerSecond: 1024, burstBytes: 1024 } });
    admin = await connectConsole(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
  });
  afterAll(async () => {
    admin?.close();
    await server?.stop();
  });

  it('holds a change while the phone has spent its budget, and then sends only the latest of repeated edits', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 12; i++) ids.push(ok(await admin.send('paper:idea', { priorityCode: '3', title: `Картка ${i}`, description: 'Опис, що займає місце на сторінці.'.repeat(3) })).ideaId);
    const slow = await joinPhone(server, 'Повільна');
    const quick = await joinPhone(server, 'Швидка');
    try {
      const mark = slow.mark();
      // Each asks for its page: a few kilobytes, more than the budget's burst of 1 KiB.
      ok(await slow.send('wall:watch', { priorityCode: '3', query: '', pages: 1 }));
      ok(await quick.send('wall:watch', { priorityCode: '3', query: '', pages: 1 }));
      expect(bytesOf(slow, mark)['wall:page']).toBeGreaterThan(3000);
      const edits = slow.mark();
      for (let n = 1; n <= 5; n++) ok(await admin.send('idea:correct', { ideaId: ids[11], title: `Картка, редакція ${n}` }));
      const last = await slow.next<WallPage>('wall:page', (p) => p.upserts.some((i) => i.title === 'Картка, редакція 5'), edits);
      expect(last.whole).toBe(false);
      // The slow phone never saw the edits in between: one change, the latest.
      const titles = held(slow, edits).pages.flatMap((p) => p.upserts.map((i) => i.title));
      expect(titles).toEqual(['Картка, редакція 5']);
      // Both end with the same page.
      await quick.next<WallPage>('wall:page', (p) => p.upserts.some((i) => i.title === 'Картка, редакція 5'));
      expect([...held(quick).ideas.values()].map((i) => i.title).sort()).toEqual([...held(slow).ideas.values()].map((i) => i.title).sort());
    } finally {
      slow.close();
      quick.close();
    }
  }, 30_000);
});

describe('a phone asking again after its connection dropped, with the tag of the page it holds', () => {
  let server: TestServer;
  let admin: TestClient;
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    admin = await connectConsole(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    for (let i = 1; i <= 25; i++) ids.push(ok(await admin.send('paper:idea', { priorityCode: '4', title: `Пропозиція ${i}`, description: 'Опис пропозиції для сторінки.' })).ideaId);
  });
  afterAll(async () => {
    admin?.close();
    await server?.stop();
  });

  /** A phone's page as a freshly connected phone is sent it. */
  async function freshPage(token: string): Promise<Map<string, WallIdea>> {
    const fresh = await connect(server.socketUrl, { role: 'phone', token });
    try {
      await fresh.next('me');
      ok(await fresh.send('wall:watch', { priorityCode: '4', query: '', pages: 1 }));
      return held(fresh).ideas;
    } finally {
      fresh.close();
    }
  }

  /** Opens the wall on a phone, and drops its connection: what it held, and the tag of it. */
  async function holdAndDrop(): Promise<{ token: string; ideas: Map<string, WallIdea>; tag: string }> {
    const phone = await joinPhone(server, 'Мандрівниця');
    ok(await phone.send('wall:watch', { priorityCode: '4', query: '', pages: 1 }));
    const page = held(phone);
    phone.close();
    const tag = page.pages.at(-1)!.tag!;
    expect(tag).toMatch(/^[\w-]{8,64}$/);
    return { token: phone.token, ideas: page.ideas, tag };
  }

  /** The phone back on a new connection, asking for its page with `tag`. */
  async function back(token: string, tag: string): Promise<TestClient> {
    const again = await connect(server.socketUrl, { role: 'phone', token });
    await again.next('me');
    ok(await again.send('wall:watch', { priorityCode: '4', query: '', pages: 1, tag }));
    return again;
  }

  it('holding the page as it is, is told so in a few bytes, and is then sent later changes as differences, ending as a fresh phone', async () => {
    const { token, ideas, tag } = await holdAndDrop();
    const again = await back(token, tag);
    try {
      const answer = held(again).pages;
      expect(answer).toHaveLength(1);
      expect(answer[0]).toMatchObject({ same: true, whole: false, upserts: [], removed: [], total: 25, tag });
      expect(bytesOf(again)['wall:page']).toBeLessThan(200);
      // Later changes are differences to the page the phone kept.
      const mark = again.mark();
      const onPage = [...ideas.keys()];
      ok(await admin.send('idea:correct', { ideaId: onPage[3], title: 'Пропозиція, виправлена' }));
      ok(await admin.send('idea:hide', { ideaId: onPage[5], reason: 'Повтор' }));
      await again.next<WallPage>('wall:page', (p) => p.removed.includes(onPage[5]), mark);
      const changes = held(again, mark).pages;
      expect(changes.every((p) => !p.whole && !p.same)).toBe(true);
      const kept = new Map(ideas);
      for (const page of changes) {
        for (const id of page.removed) kept.delete(id);
        for (const idea of page.upserts) kept.set(idea.id, idea);
      }
      expect(kept.get(onPage[3])?.title).toBe('Пропозиція, виправлена');
      expect(kept).toEqual(await freshPage(token));
    } finally {
      again.close();
    }
  });

  it('holding a page changed since, is sent the page as it is now, whole', async () => {
    const { token, ideas, tag } = await holdAndDrop();
    const onPage = [...ideas.keys()];
    ok(await admin.send('idea:correct', { ideaId: onPage[0], title: 'Змінена, поки телефон був без мережі' }));
    // Stored and taken into the pages: a new phone sees it.
    const now = await freshPage(token);
    expect(now.get(onPage[0])?.title).toBe('Змінена, поки телефон був без мережі');
    const again = await back(token, tag);
    try {
      const answer = held(again);
      expect(answer.pages[0].whole).toBe(true);
      expect(answer.pages[0].same).toBeUndefined();
      expect(answer.ideas).toEqual(now);
      expect(answer.pages.at(-1)!.tag).not.toBe(tag);
    } finally {
      again.close();
    }
  });

  it('phones coming back at the same moment are each sent the forum, then the counts and their own view in one greeting', async () => {
    const first = await joinPhone(server, 'Перша');
    const second = await joinPhone(server, 'Друга');
    first.close();
    second.close();
    const [a, b, stranger] = await Promise.all([
      connect(server.socketUrl, { role: 'phone', token: first.token }),
      connect(server.socketUrl, { role: 'phone', token: second.token }),
      connect(server.socketUrl, { role: 'phone', token: 'not-joined-here' }),
    ]);
    try {
      const views = [];
      for (const [phone, name] of [[a, 'Перша'], [b, 'Друга'], [stranger, null]] as const) {
        const me = await phone.next<{ name: string } | null>('me');
        expect(me?.name ?? null).toBe(name);
        // Two messages, not four: the forum, then the greeting (the counts and its view in one).
        expect(phone.received.filter((r) => !r.from).map((r) => r.event)).toEqual(['phone', 'greeting']);
        expect(phone.received.find((r) => r.event === 'greeting')!.args[0]).toMatchObject({ counts: { '4': expect.any(Number) } });
        views.push((phone.received.find((r) => r.event === 'phone')!.args[0] as { forum: unknown }).forum);
      }
      expect(views[1]).toEqual(views[0]);
      expect(views[2]).toEqual(views[0]);
    } finally {
      for (const phone of [a, b, stranger]) phone.close();
    }
  });

  it('a phone holding the forum as it is (its tag in the handshake) is not sent it again; one holding another is', async () => {
    const phone = await joinPhone(server, 'Третя');
    const view = phone.received.find((r) => r.event === 'phone')!.args[0] as { forum: unknown; tag: string };
    expect(view.tag).toMatch(/^[\w-]{16}$/);
    phone.close();
    const [holding, stale] = await Promise.all([
      connect(server.socketUrl, { role: 'phone', token: phone.token, forum: view.tag }),
      connect(server.socketUrl, { role: 'phone', token: phone.token, forum: 'an-older-forum' }),
    ]);
    try {
      for (const c of [holding, stale]) expect((await c.next<{ name: string }>('me')).name).toBe('Третя');
      expect(holding.received.map((r) => r.event)).not.toContain('phone');
      expect(holding.received.map((r) => r.event)).toContain('wall:counts');
      expect(stale.received.find((r) => r.event === 'phone')!.args[0]).toEqual(view);
      // The forum changed: the tag with it, and it is pushed to the phone that held the old one.
      ok(await admin.send('phase:set', { to: 'review' }));
      const pushed = await holding.next<{ forum: { phase: string }; tag: string }>('phone');
      expect(pushed.forum.phase).toBe('review');
      expect(pushed.tag).not.toBe(view.tag);
    } finally {
      holding.close();
      stale.close();
    }
  });

  it('with a tag it was never sent, is sent the page whole; a tag too long is refused, saying so', async () => {
    const { token } = await holdAndDrop();
    const again = await back(token, 'no-such-page-tag');
    try {
      const answer = held(again);
      expect(answer.pages[0].whole).toBe(true);
      expect(answer.ideas).toEqual(await freshPage(token));
      const tooLong = await again.send('wall:watch', { priorityCode: '4', query: '', pages: 1, tag: 'x'.repeat(65) });
      expect(refused(tooLong)).toBe('BAD_INPUT');
      expect(!tooLong.ok && tooLong.error.message).toBeTruthy();
    } finally {
      again.close();
    }
  });

  it('while dots are spent, each phone back with its own tag is told its page in its own order is the same; with another phone’s tag or more pages, it is sent the page whole', async () => {
    const first = await joinPhone(server, 'Виборниця');
    const second = await joinPhone(server, 'Виборець');
    // From review (the test before leaves the forum there; alone, this one moves it there first).
    await admin.send('phase:set', { to: 'review' });
    ok(await admin.send('phase:set', { to: 'voting' }));
    const tags: string[] = [];
    const totals: number[] = [];
    const pages: Map<string, WallIdea>[] = [];
    for (const phone of [first, second]) {
      ok(await phone.send('wall:watch', { priorityCode: '4', query: '', pages: 1 }));
      const page = held(phone);
      tags.push(page.pages.at(-1)!.tag!);
      totals.push(page.total);
      pages.push(page.ideas);
      phone.close();
    }
    // Each in its own order: two pages of the same ideas, not in the same order.
    expect([...pages[0].keys()]).not.toEqual([...pages[1].keys()]);
    // Back twice over, as after two blinks of the Wi-Fi: the page kept for the phone still serves.
    for (let round = 0; round < 2; round++) {
      for (const [i, phone] of [first, second].entries()) {
        const again = await back(phone.token, tags[i]);
        try {
          const answer = held(again).pages;
          expect(answer).toHaveLength(1);
          expect(answer[0]).toMatchObject({ same: true, whole: false, total: totals[i], newer: 0, tag: tags[i] });
          expect(await freshPage(phone.token)).toEqual(pages[i]);
        } finally {
          again.close();
        }
      }
    }
    const crossed = await back(first.token, tags[1]);
    try {
      const answer = held(crossed);
      expect(answer.pages[0]).toMatchObject({ whole: true });
      expect(answer.ideas).toEqual(pages[0]);
    } finally {
      crossed.close();
    }
    const more = await connect(server.socketUrl, { role: 'phone', token: second.token });
    try {
      await more.next('me');
      ok(await more.send('wall:watch', { priorityCode: '4', query: '', pages: 2, tag: tags[1] }));
      const answer = held(more);
      expect(answer.pages[0]).toMatchObject({ whole: true, total: totals[1] });
      expect(answer.ideas.size).toBe(Math.min(totals[1], 2 * WALL_PAGE_SIZE));
    } finally {
      more.close();
    }
  });

  it('a voter dropped with a dot’s removal unanswered, naming its wall in the handshake, is greeted in one message that says its page is the same, and ends with the view and page of a fresh phone', async () => {
    const voter = await joinPhone(server, 'Повернена');
    // The forum is in voting (the test before); alone, this one moves it there first.
    if (server.room.state.phase !== 'voting') {
      await admin.send('phase:set', { to: 'review' });
      ok(await admin.send('phase:set', { to: 'voting' }));
    }
    const forumTag = (voter.received.filter((r) => r.event === 'phone').at(-1)!.args[0] as { tag: string }).tag;
    ok(await voter.send('wall:watch', { priorityCode: '4', query: '', pages: 1 }));
    const page = held(voter);
    const tag = page.pages.at(-1)!.tag!;
    const [first, second] = [...page.ideas.keys()];
    ok(await voter.send('dot:place', { ideaId: first, actionId: 'storm-place-1' }));
    ok(await voter.send('dot:place', { ideaId: second, actionId: 'storm-place-2' }));
    // The removal goes, and the connection is cut under it: whether it was done, the phone cannot know.
    voter.socket.emit('dot:remove', { ideaId: first, actionId: 'storm-remove-1' });
    voter.close();

    const again = await connect(server.socketUrl, { role: 'phone', token: voter.token, forum: forumTag, watch: { priorityCode: '4', query: '', pages: 1, tag } });
    try {
      await again.next('me');
      // Sent again with the same id: done once, whatever happened to the first.
      const removed = ok(await again.send('dot:remove', { ideaId: first, actionId: 'storm-remove-1' }));
      expect(removed.me.dots).toEqual({ [second]: 1 });
      // Its own messages: the greeting only, the forum it holds not sent again, the page held told in
      // the greeting, and its view in the removal's ack, not pushed beside it (a push comes before its ack).
      const own = again.received.filter((r) => !r.from).map((r) => r.event);
      expect(own).toEqual(['greeting']);
      const greeting = again.received[0].args[0] as PhoneGreeting;
      expect(greeting.counts).toMatchObject({ '4': page.total });
      expect(greeting.me?.name).toBe('Повернена');
      expect(greeting.wall).toMatchObject({ priorityCode: '4', query: '', pages: 1, total: page.total, page: { same: true, tag } });
      const told = held(again).pages;
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({ same: true, upserts: [], removed: [], tag });

      // Exact: the view and page it holds are those of a fresh connection of the same device.
      const fresh = await connect(server.socketUrl, { role: 'phone', token: voter.token });
      try {
        expect(await fresh.next('me')).toEqual(removed.me);
        ok(await fresh.send('wall:watch', { priorityCode: '4', query: '', pages: 1 }));
        expect([...held(fresh).ideas.keys()]).toEqual([...page.ideas.keys()]);
      } finally {
        fresh.close();
      }
    } finally {
      again.close();
    }
  });

  it('naming in the handshake a page changed since, is sent it whole as a wall:page, its greeting saying how many; naming no priority of the forum, is greeted without an answer for it', async () => {
    const { token, ideas, tag } = await holdAndDrop();
    ok(await admin.send('idea:correct', { ideaId: [...ideas.keys()][1], title: 'Виправлена, поки телефон був без мережі' }));
    const now = await freshPage(token);
    const [changed, unknown] = await Promise.all([
      connect(server.socketUrl, { role: 'phone', token, watch: { priorityCode: '4', tag } }),
      connect(server.socketUrl, { role: 'phone', token, watch: { priorityCode: 'no-such-priority' } }),
    ]);
    try {
      await changed.next('me');
      await changed.next('wall:page');
      const greeting = changed.received.find((r) => r.event === 'greeting')!.args[0] as PhoneGreeting;
      expect(greeting.wall).toMatchObject({ priorityCode: '4', query: '', pages: 1, total: held(changed).total });
      expect(greeting.wall?.page).toBeUndefined();
      expect(held(changed).pages[0]).toMatchObject({ whole: true });
      expect(held(changed).ideas).toEqual(now);
      await unknown.next('me');
      expect((unknown.received.find((r) => r.event === 'greeting')!.args[0] as PhoneGreeting).wall).toBeUndefined();
    } finally {
      changed.close();
      unknown.close();
    }
  });
});

describe('WALL_BYTES_PER_SECOND', () => {
  it('sets each phone’s rate, with sixteen seconds of it at once; too small or not a number stops the start with a sentence', () => {
    expect(configFromEnv({}).wallBudget).toBeUndefined();
    expect(configFromEnv({ WALL_BYTES_PER_SECOND: '2048' }).wallBudget).toEqual({ bytesPerSecond: 2048, burstBytes: 32_768 });
    expect(() => configFromEnv({ WALL_BYTES_PER_SECOND: '100' })).toThrow(/WALL_BYTES_PER_SECOND must be at least 1024/);
    expect(() => configFromEnv({ WALL_BYTES_PER_SECOND: 'fast' })).toThrow(/WALL_BYTES_PER_SECOND must be a whole number/);
  });
});
