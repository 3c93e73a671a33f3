// A merge on a forum of thousands of ballots is decided a thousand ballots a turn of the event
// loop, holding the forum's order meanwhile: here, phones move their dots on and off the very ideas
// being merged while it is decided and written, and the forum ends with exact tallies, in memory
// as on disk, every phone's own view as its ballot, and the commands taken in the order they came.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { replay } from '../../shared/forum/state.js';
import { countDots, countVotingProgress, votingProgress } from '../../shared/forum/tally.js';
import type { MeView } from '../../shared/protocol.js';
import type { ForumEvent } from '../../shared/forum/types.js';
import { readLog } from '../db/readLog.js';
import { largestForum } from '../../scripts/largest-forum.js';
import { connect, ok, startTestServer, type TestClient, type TestServer } from './harness.js';
import { importEvents } from './imported.js';

describe('a merge decided across turns, beside phones moving dots', () => {
  let server: TestServer;
  let slug = '';
  let admin: TestClient;
  const phones: { client: TestClient; participantId: string }[] = [];
  // 2,500 ballots: the merge is decided in three turns.
  const big = largestForum({ participants: 2_500, ideas: 24, phase: 'voting' });

  beforeAll(async () => {
    server = await startTestServer({ displayThrottleMs: 0 });
    slug = await importEvents(server, big.events);
    admin = await connect(`${server.url}/f/${slug}`, { role: 'console', key: server.facilitatorKey });
    await admin.next('console');
    for (const [participantId, token] of [...big.tokens].slice(0, 24)) {
      const client = await connect(`${server.url}/f/${slug}`, { role: 'phone', token });
      await client.next('me');
      phones.push({ client, participantId });
    }
  }, 120_000);
  afterAll(async () => {
    for (const c of [admin, ...phones.map((p) => p.client)]) c?.close();
    await server?.stop();
  });

  it('ends with exact tallies, in memory and on disk, and every phone holding its ballot', async () => {
    const forum = server.forums.bySlug(slug)!;
    const state = forum.room.state;
    const code = state.structure.priorities[0].code;
    const [into, ...merged] = [...state.ideas.values()].filter((i) => i.priorityCode === code).map((i) => i.id);
    // Each phone takes a dot off one of the ideas merged and puts it on another of them, again and
    // again, from before the merge is sent until after it is answered.
    let merging = true;
    const outcomes: string[] = [];
    const storm = phones.map(async ({ client, participantId }, n) => {
      for (let round = 0; merging || round < 2; round++) {
        const mine = [...(state.dots.get(participantId) ?? [])].filter(([id]) => merged.includes(id));
        if (mine.length === 0) break;
        const from = mine[round % mine.length][0];
        const to = merged[(n + round) % merged.length];
        for (const [command, ideaId] of [['dot:remove', from], ['dot:place', to]] as const) {
          const ack = await client.send(command, { ideaId, actionId: randomUUID() });
          outcomes.push(ack.ok ? 'ok' : ack.error.code);
          // The phone's own view comes back in the ack, in order with what is pushed to it.
          if (ack.ok) client.received.push({ event: 'me', args: [(ack.data as { me: MeView }).me] });
        }
      }
    });
    while (outcomes.length < phones.length * 4) await new Promise((r) => setTimeout(r, 5));
    const ack = ok(await admin.send('idea:merge', { into, ideas: merged }));
    merging = false;
    await Promise.all(storm);
    // Some moves came before the merge, some after it (refused: the idea is merged, or the dots left).
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(phones.length * 4);
    expect(outcomes.filter((o) => o !== 'ok').every((o) => o === 'IDEA_NOT_ACTIVE')).toBe(true);

    // The tallies kept are those counted from every ballot, and those replayed from the disk.
    expect(await forum.room.durable()).toBeNull();
    expect(votingProgress(state)).toEqual(countVotingProgress(state));
    const stored = readLog(server.dbPath).find((l) => l.id === state.id)!.events.map((e) => e.event as ForumEvent);
    const fromDisk = replay(stored);
    expect(countDots(fromDisk)).toEqual(countDots(state));
    expect(fromDisk.dots).toEqual(state.dots);
    // The merge moved what its ack says, and nothing is left on the ideas merged.
    const event = stored.find((e) => e.type === 'ideasMerged')!;
    expect(event.type === 'ideasMerged' && event.moved.reduce((n: number, m: { count: number }) => n + m.count, 0)).toBe(ack.moved);
    for (const id of merged) expect(countDots(state).get(id)?.dots ?? 0).toBe(0);
    // No ballot holds more than its budget in the priority, nor more than the cap on an idea: a
    // merge decided on ballots that changed before it was applied would move dots no longer there.
    for (const mine of state.dots.values()) {
      const inPriority = [...mine].filter(([id]) => state.ideas.get(id)?.priorityCode === code);
      expect(inPriority.reduce((n, [, count]) => n + count, 0)).toBeLessThanOrEqual(state.rules.dotsPerPriority);
      for (const [, count] of mine) expect(count).toBeLessThanOrEqual(state.rules.maxDotsPerIdea);
    }
    // Each phone's own view, as last acked or pushed, is its ballot.
    await new Promise((r) => setTimeout(r, 200));
    for (const { client, participantId } of phones) {
      const me = client.received.filter((r) => r.event === 'me').at(-1)!.args[0] as MeView;
      expect(me.dots).toEqual(Object.fromEntries(state.dots.get(participantId) ?? []));
    }
  }, 120_000);
});
