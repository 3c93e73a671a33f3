// What a table host is told, on a real server with real clients: during voting, no message a host
// receives (its console views and their patches, the acks of its merges, undos and hidings, any
// notice) carries a count of a priority the hall has not seen, while the facilitator's console
// does; a host's rankings are the revealed ones. Paper stickers stay within the paper ballots the
// facilitator says were handed out, for hosts and the facilitator alike; the ballots survive a
// restart and the stored log passes the rules' check.

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLog } from '../db/readLog.js';
import { verifyLog } from '../../shared/forum/verify.js';
import type { ConsoleView } from '../../shared/protocol.js';
import { connect, connectConsole, joinPhone, ok, refused, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

/** The secret of an invitation link `/f/<slug>/console?host=SECRET`. */
const secretOf = (link: string) => new URLSearchParams(link.split('?')[1]).get('host') ?? '';

/** Fields that carry a tally (or could give one away) wherever they appear in a message. */
const COUNT_FIELDS = new Set(['dots', 'phoneDots', 'paperDots', 'supporters', 'rank', 'moved', 'refunded', 'restored', 'reinstated', 'count']);
/** Fields that are maps or lists of tallies: they may be there, but empty. */
const EMPTY_FIELDS = new Set(['dotsPerPriority', 'unspentPerPriority', 'results']);

/**
 * Every path in `value` where a count is found. The admission figures (tickets issued, joins per
 * minute) count people and tickets, not dots: they are left out.
 */
function countsIn(value: unknown, path = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const found: string[] = [];
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key === 'admission') continue;
    if (COUNT_FIELDS.has(key)) found.push(at);
    else if (EMPTY_FIELDS.has(key) && inner !== null && typeof inner === 'object' && Object.keys(inner).length > 0) found.push(at);
    else found.push(...countsIn(inner, at));
  }
  return found;
}

describe('a table host during voting, and paper within the ballots', () => {
  let server: TestServer;
  let admin: TestClient;
  let scoped: TestClient;
  let whole: TestClient;
  const phones: TestPhone[] = [];
  /** Every ack a host received, with what it answered. */
  const hostAcks: { command: string; data: unknown }[] = [];
  /** Priority 1: a, b (the same as a), c; priority 2: d, e. */
  const id = { a: '', b: '', c: '', d: '', e: '' };

  /** A host's ack, kept for the scan. */
  const asHost = async <A>(command: string, sent: Promise<A>): Promise<A> => {
    const ack = await sent;
    hostAcks.push({ command, data: ack });
    return ack;
  };
  /** The first server's folder: the restarted server opens its file, and it goes when both are done. */
  let firstDir = '';

  beforeAll(async () => {
    server = await startTestServer({ displayThrottleMs: 0 });
    admin = await connectConsole(server);
    for (const name of ['Олена', 'Марко', 'Анна', 'Іван']) phones.push(await joinPhone(server, name));
    ok(await admin.send('forum:setRules', { rules: { ideasPerParticipant: 5, dotsPerPriority: 4, maxDotsPerIdea: 2 } }));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const submit = async (p: TestPhone, priorityCode: string, title: string) => ok(await p.send('idea:submit', { priorityCode, title })).ideaId;
    id.a = await submit(phones[0], '1', 'Велодоріжка на вулиці Київській');
    id.b = await submit(phones[1], '1', 'Велосипедна доріжка по Київській');
    id.c = await submit(phones[2], '1', 'Ліхтарі в парку');
    id.d = await submit(phones[3], '2', 'Коворкінг у бібліотеці');
    id.e = await submit(phones[0], '2', 'Сквер біля школи');

    const invite = async (name: string, scope: string | null) => {
      const { link } = ok(await admin.send('host:invite', { name, scope }));
      const host = await connect(server.socketUrl, { role: 'host', key: secretOf(link) });
      await host.next<ConsoleView>('console');
      return host;
    };
    scoped = await invite('Ірина', '1');
    whole = await invite('Богдан', null);
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    // Dots in both priorities: a has 3, b 3, c 1, d 2, e 1. Merged into a, Марко's 2 on b move and
    // one of Олена's comes back (she has 2 on a already, the cap).
    const dot = async (p: TestPhone, ideaId: string, n = 1) => {
      for (let i = 0; i < n; i++) ok(await p.send('dot:place', { ideaId }));
    };
    await dot(phones[0], id.a, 2);
    await dot(phones[0], id.b, 1);
    await dot(phones[1], id.b, 2);
    await dot(phones[2], id.a, 1);
    await dot(phones[2], id.c, 1);
    await dot(phones[3], id.d, 2);
    await dot(phones[1], id.e, 1);
  });

  afterAll(async () => {
    for (const c of [...phones, admin, scoped, whole]) c?.close();
    await server?.stop();
    if (firstDir) rmSync(firstDir, { recursive: true, force: true });
  });

  it('hosts who merge, undo and hide during voting are told no count, in their acks or their views; the facilitator is', async () => {
    const scopedFrom = 0;
    const wholeFrom = 0;
    // The scoped host merges b into a and undoes it: the ack of either would have been a's count.
    const merged = await asHost('idea:merge', scoped.send('idea:merge', { into: id.a, ideas: [id.b] }));
    expect(merged).toEqual({ ok: true, data: { mergeId: expect.any(String) } });
    const mergeId = (merged as { data: { mergeId: string } }).data.mergeId;
    const undone = await asHost('idea:unmerge', scoped.send('idea:unmerge', { mergeId }));
    expect(undone).toEqual({ ok: true, data: {} });
    // Hiding gives the dots back: how many voters get them is not the host's to know either.
    expect(await asHost('idea:hide', scoped.send('idea:hide', { ideaId: id.c, reason: 'Не про це' }))).toEqual({ ok: true, data: {} });
    expect(await asHost('idea:restore', scoped.send('idea:restore', { ideaId: id.c }))).toEqual({ ok: true, data: {} });
    // The whole-forum host, in priority 2.
    const wholeMerge = await asHost('idea:merge', whole.send('idea:merge', { into: id.d, ideas: [id.e] }));
    expect(wholeMerge).toEqual({ ok: true, data: { mergeId: expect.any(String) } });
    const wholeMergeId = (wholeMerge as { data: { mergeId: string } }).data.mergeId;
    expect(await asHost('idea:unmerge', whole.send('idea:unmerge', { mergeId: wholeMergeId }))).toEqual({ ok: true, data: {} });

    // The same merge by the facilitator tells the facilitator the counts.
    const facilitatorMerge = ok(await admin.send('idea:merge', { into: id.a, ideas: [id.b] }));
    expect(facilitatorMerge).toEqual({ mergeId: expect.any(String), moved: 2, refunded: 1 });
    expect(ok(await admin.send('idea:unmerge', { mergeId: facilitatorMerge.mergeId }))).toEqual({ restored: 2, reinstated: 1 });

    // Each host's console has caught up with every step (the three merges, all undone).
    const caughtUp = (v: ConsoleView) => v.merges.length === 3 && v.merges.every((m) => m.undone);
    const [scopedView, wholeView, adminView] = await Promise.all([
      scoped.next<ConsoleView>('console', caughtUp),
      whole.next<ConsoleView>('console', caughtUp),
      admin.next<ConsoleView>('console', caughtUp),
    ]);
    // The facilitator's console carries the tallies: the scan below would find them.
    // Priority 1: a 3, b 3, and c's dot gone back when it was hidden.
    expect(adminView.dotsPerPriority).toMatchObject({ '1': 6, '2': 3 });
    expect(adminView.merges.map((m) => [m.moved, m.refunded])).toEqual([
      [2, 1],
      [1, 0],
      [2, 1],
    ]);
    expect(countsIn(adminView).length).toBeGreaterThan(0);
    // A host's view says what the hall sees, and who voted (the projector shows as much).
    expect(scopedView.votedPerPriority).toEqual(adminView.votedPerPriority);
    expect(scopedView.ideas.map((i) => i.id)).toEqual(adminView.ideas.map((i) => i.id));
    expect(wholeView.results).toEqual([]);

    // Every message each host received, whole views, patches, notices and acks alike: no count.
    for (const [name, host, from] of [
      ['Ірина (priority 1)', scoped, scopedFrom],
      ['Богдан (the whole forum)', whole, wholeFrom],
    ] as const) {
      const messages = host.received.slice(from);
      expect(messages.some((m) => m.event === 'console:patch'), name).toBe(true);
      expect(messages.filter((m) => m.event === 'notice'), name).toEqual([]);
      const found = messages.flatMap((m, i) => countsIn(m.args).map((path) => `${i} ${m.event}: ${path}`));
      expect(found, name).toEqual([]);
    }
    expect(hostAcks.flatMap((a) => countsIn(a.data).map((path) => `${a.command}: ${path}`))).toEqual([]);
  });

  it('in the results, before a reveal, a host has no ranking and no dots per priority, only the facilitator does', async () => {
    ok(await admin.send('phase:set', { to: 'results' }));
    const inResults = (v: ConsoleView) => v.forum.phase === 'results';
    const [before, adminBefore] = await Promise.all([scoped.next<ConsoleView>('console', inResults), admin.next<ConsoleView>('console', inResults)]);
    expect(adminBefore.results.map((r) => r.priorityCode)).toEqual(adminBefore.forum.priorities.map((p) => p.code));
    expect(before.results).toEqual([]);
    expect(before.dotsPerPriority).toEqual({});
    expect(before.unspentPerPriority).toEqual({});
    expect(before.participants.every((p) => !('dots' in p))).toBe(true);
  });

  it('paper stickers stay within the ballots the facilitator states: refused above them, for hosts and the facilitator; more ballots let them through', async () => {
    // Nothing stated: no stickers yet, and the host is told who can change that.
    const none = await scoped.send('paper:dots', { ideaId: id.a, count: 1 });
    expect(none).toMatchObject({ ok: false, error: { code: 'PAPER_NO_BALLOTS' } });
    expect(none.ok ? '' : none.error.message).toContain('фасилітатор має вказати, скільки паперових бюлетенів роздано');
    expect(refused(await scoped.send('paper:ballots', { count: 50 }))).toBe('FORBIDDEN');
    expect(refused(await whole.send('paper:ballots', { count: 50 }))).toBe('FORBIDDEN');
    for (const count of [-1, 1.5, 10_001]) expect(refused(await admin.send('paper:ballots', { count })), String(count)).toBe('BAD_INPUT');

    // Two ballots, budget 4, cap 2: at most 4 stickers on one idea, 8 in a priority.
    expect(ok(await admin.send('paper:ballots', { count: 2 }))).toEqual({ ballots: 2 });
    const shown = await scoped.next<ConsoleView>('console', (v) => v.paperBallots === 2);
    expect(shown.moderation.at(-1)).toMatchObject({ action: 'paperBallots', count: { before: 0, after: 2 }, by: 'facilitator' });

    // A hundred thousand stickers on one idea from two ballots: refused.
    const tooMany = await scoped.send('paper:dots', { ideaId: id.a, count: 100_000 });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'PAPER_IDEA_OVER_BALLOTS', params: { ballots: 2, max: 4 } } });
    const overIdea = await scoped.send('paper:dots', { ideaId: id.a, count: 5 });
    expect(overIdea).toMatchObject({ ok: false, error: { code: 'PAPER_IDEA_OVER_BALLOTS', params: { ballots: 2, max: 4 } } });
    expect(overIdea.ok ? '' : overIdea.error.message).toBe(
      'Забагато наліпок для однієї ідеї: роздані паперові бюлетені (2) дають їй щонайбільше 4. Якщо бюлетенів роздали більше, фасилітатор має вказати це на вкладці «Папір».',
    );
    expect(ok(await scoped.send('paper:dots', { ideaId: id.a, count: 4 }))).toEqual({ count: 4 });
    expect(ok(await scoped.send('paper:dots', { ideaId: id.b, count: 4 }))).toEqual({ count: 4 });
    const overPriority = await scoped.send('paper:dots', { ideaId: id.c, count: 1 });
    expect(overPriority).toMatchObject({ ok: false, error: { code: 'PAPER_PRIORITY_OVER_BALLOTS', params: { ballots: 2, max: 8, left: 0 } } });
    // The facilitator is held to the same ballots.
    expect(refused(await admin.send('paper:dots', { ideaId: id.c, count: 1 }))).toBe('PAPER_PRIORITY_OVER_BALLOTS');
    expect(refused(await admin.send('paper:dots', { ideaId: id.c, count: 100_000 }))).toBe('PAPER_IDEA_OVER_BALLOTS');
    expect(server.room.state.ideas.get(id.c)!.paperDots).toBe(0);

    // One more ballot went out, the facilitator says: room for it now.
    expect(ok(await admin.send('paper:ballots', { count: 3 }))).toEqual({ ballots: 3 });
    expect(ok(await scoped.send('paper:dots', { ideaId: id.c, count: 1 }))).toEqual({ count: 1 });
    // Fewer than the stickers entered need: refused, with the least that would do.
    const below = await admin.send('paper:ballots', { count: 2 });
    expect(below).toMatchObject({ ok: false, error: { code: 'PAPER_BALLOTS_BELOW', params: { min: 3 } } });
    expect(server.room.state.paperBallots).toBe(3);
    // Lowering a count is always allowed.
    expect(ok(await scoped.send('paper:dots', { ideaId: id.b, count: 3 }))).toEqual({ count: 3 });

    // Stickers in priority 2, by the whole-forum host: the host of priority 1 sees neither the count
    // nor the audit log's figures until the hall has seen priority 2.
    expect(ok(await whole.send('paper:dots', { ideaId: id.d, count: 2 }))).toEqual({ count: 2 });
    expect(refused(await scoped.send('paper:dots', { ideaId: id.d, count: 1 }))).toBe('OUT_OF_SCOPE');
    const entered = (v: ConsoleView) => v.moderation.filter((m) => m.action === 'paperDots').length === 5;
    const [mine, all] = await Promise.all([scoped.next<ConsoleView>('console', entered), whole.next<ConsoleView>('console', entered)]);
    const paperOf = (v: ConsoleView, ideaId: string) => v.ideas.find((i) => i.id === ideaId)?.paperDots;
    expect([paperOf(mine, id.a), paperOf(mine, id.b), paperOf(mine, id.c), paperOf(mine, id.d)]).toEqual([4, 3, 1, undefined]);
    expect(paperOf(all, id.d)).toBe(2);
    expect(mine.moderation.find((m) => m.action === 'paperDots' && m.ideaId === id.d)).not.toHaveProperty('count');
    expect(all.moderation.find((m) => m.action === 'paperDots' && m.ideaId === id.d)).toMatchObject({ count: { before: 0, after: 2 } });
  });

  it('revealed, a ranking is the hall’s: any host sees it, whatever the scope, with its stickers', async () => {
    const mark = scoped.mark();
    ok(await admin.send('priority:reveal', { priorityCode: '2' }));
    const after = await scoped.next<ConsoleView>('console', (v) => v.forum.revealed.includes('2'), mark);
    expect(after.results.map((r) => r.priorityCode)).toEqual(['2']);
    expect(after.results[0].rows.map((r) => [r.ideaId, r.dots, r.phoneDots, r.paperDots, r.rank])).toEqual([
      [id.d, 4, 2, 2, 1],
      [id.e, 1, 1, 0, 2],
    ]);
    expect(after.dotsPerPriority).toEqual({ '2': 3 });
    expect(after.ideas.find((i) => i.id === id.d)?.paperDots).toBe(2);
    expect(after.moderation.find((m) => m.action === 'paperDots' && m.ideaId === id.d)).toMatchObject({ count: { before: 0, after: 2 } });
    // Priority 1, the host's own, is still unseen: nothing of its phone tally.
    expect(after.merges.filter((m) => m.into === id.a).every((m) => !('moved' in m))).toBe(true);
    expect(after.merges.find((m) => m.into === id.d)).toMatchObject({ moved: 1, refunded: 0 });
  });

  it('the ballots come back after a restart, bound the stickers there too, and the stored log passes the rules’ check', async () => {
    const { dbPath } = server;
    firstDir = server.dir;
    for (const c of [...phones, admin, scoped, whole]) c.close();
    await server.close();

    const forums = readLog(dbPath);
    expect(forums).toHaveLength(1);
    const report = verifyLog(forums[0].events);
    expect(report.problems).toEqual([]);
    expect(forums[0].events.filter((e) => e.event.type === 'paperBallotsSet').map((e) => e.event)).toEqual([
      { type: 'paperBallotsSet', count: 2, at: expect.any(Number) },
      { type: 'paperBallotsSet', count: 3, at: expect.any(Number) },
    ]);

    server = await startTestServer({ dbPath, displayThrottleMs: 0 });
    expect(server.room.state.paperBallots).toBe(3);
    admin = await connectConsole(server);
      const view = await admin.next<ConsoleView>('console');
      expect(view.paperBallots).toBe(3);
      expect(view.moderation.filter((m) => m.action === 'paperBallots').map((m) => m.count)).toEqual([
        { before: 0, after: 2 },
        { before: 2, after: 3 },
      ]);
      // Priority 1 holds 8 of its 12: 5 more is over the ballots, 4 fits.
      expect(refused(await admin.send('paper:dots', { ideaId: id.c, count: 6 }))).toBe('PAPER_PRIORITY_OVER_BALLOTS');
      expect(ok(await admin.send('paper:dots', { ideaId: id.c, count: 5 }))).toEqual({ count: 5 });
  });
});
