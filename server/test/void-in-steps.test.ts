// A void of many on a forum of thousands of ballots is applied to the live state a few ballots a
// step, a turn of the event loop each (ForumRoom.commitInSteps): here, phones move their dots on
// and off the ideas of those voided from before the void is sent until after it is answered. Every
// command that came meanwhile is decided on the forum after the void (no dot lands on an idea it
// hid), the forum ends with exact tallies, in memory as on disk, every phone's own view is its
// ballot, and the console, patched along, holds the view a console opened afterwards is sent.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { replay } from '../../shared/forum/state.js';
import { countDots, countVotingProgress, votingProgress } from '../../shared/forum/tally.js';
import type { ConsoleView, MeView } from '../../shared/protocol.js';
import type { ForumEvent } from '../../shared/forum/types.js';
import { readLog } from '../db/readLog.js';
import { largestForum } from '../../scripts/largest-forum.js';
import { connect, ok, startTestServer, type TestClient, type TestServer } from './harness.js';
import { importEvents } from './imported.js';

describe('a void of many applied in steps, beside phones moving dots', () => {
  let server: TestServer;
  let slug = '';
  let admin: TestClient;
  const phones: { client: TestClient; participantId: string }[] = [];
  /** Phones that send without waiting for their acks: theirs come while the void is applied, not only while it is decided. */
  const eager: TestClient[] = [];
  // 2,000 ballots; the first 24 people wrote an idea each, from 10.0.0.0 up.
  const big = largestForum({ participants: 2_000, ideas: 24, phase: 'voting' });

  beforeAll(async () => {
    // The console's rows go 500 a part: a change to every row reaches it in parts.
    server = await startTestServer({ displayThrottleMs: 0, consoleRowsPerPart: 500 });
    slug = await importEvents(server, big.events);
    admin = await connect(`${server.url}/f/${slug}`, { role: 'console', key: server.facilitatorKey });
    await admin.next<ConsoleView>('console', (v) => v.participants.length === 2_000);
    // Phones of people who wrote nothing and are not voided.
    for (const [participantId, token] of [...big.tokens].slice(100, 124)) {
      const client = await connect(`${server.url}/f/${slug}`, { role: 'phone', token });
      await client.next('me');
      phones.push({ client, participantId });
    }
    for (const [, token] of [...big.tokens].slice(200, 208)) {
      const client = await connect(`${server.url}/f/${slug}`, { role: 'phone', token });
      await client.next('me');
      eager.push(client);
    }
  }, 120_000);
  afterAll(async () => {
    for (const c of [admin, ...phones.map((p) => p.client), ...eager]) c?.close();
    await server?.stop();
  });

  const views = (c: TestClient) => c.received.filter((r) => r.event === 'console').map((r) => r.args[0] as ConsoleView);

  it('decides what came meanwhile on the forum after it, and ends exact in memory, on disk, on phones and on the console', async () => {
    const forum = server.forums.bySlug(slug)!;
    const room = forum.room;
    // 20 ballots a step, a step a turn: the void is applied over a hundred turns or more.
    room.liveTurnMs = 0;
    room.liveBallotsPerStep = 20;
    const state = room.state;
    const writers = new Set([...big.tokens.keys()].slice(0, 16));
    const theirs = [...state.ideas.values()].filter((i) => writers.has(i.authorId)).map((i) => i.id);
    // Each phone takes a dot off one of the ideas of those voided and puts it back, again and
    // again, from before the void is sent until after it is answered.
    let voiding = true;
    const outcomes: string[] = [];
    const storm = phones.map(async ({ client, participantId }) => {
      for (let round = 0; voiding; round++) {
        const mine = [...(room.state.dots.get(participantId) ?? [])].filter(([id]) => theirs.includes(id));
        const ideaId = mine[round % Math.max(1, mine.length)]?.[0] ?? theirs[round % theirs.length];
        for (const command of ['dot:remove', 'dot:place'] as const) {
          const ack = await client.send(command, { ideaId, actionId: randomUUID() });
          outcomes.push(ack.ok ? 'ok' : ack.error.code);
          if (ack.ok) client.received.push({ event: 'me', args: [(ack.data as { me: MeView }).me] });
        }
      }
    });
    const eagerAcks: Promise<unknown>[] = [];
    const eagerly = eager.map(async (client, n) => {
      for (let sent = 0; voiding && sent < 200; sent++) {
        eagerAcks.push(client.send(sent % 2 === 0 ? 'dot:remove' : 'dot:place', { ideaId: theirs[n % theirs.length], actionId: randomUUID() }));
        await new Promise((r) => setTimeout(r, 4));
      }
    });
    while (outcomes.length < phones.length * 4) await new Promise((r) => setTimeout(r, 5));
    const before = admin.mark();
    const ack = ok(await admin.send('participant:voidMany', { range: '10.0.0.0/28', reason: 'Одна мережа за хвилину' }));
    voiding = false;
    await Promise.all([...storm, ...eagerly]);
    await Promise.all(eagerAcks);
    expect(ack).toMatchObject({ participants: 16 });
    // Some moves came before the void, the rest after it: refused, as the ideas are hidden.
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThanOrEqual(phones.length * 4);
    expect(outcomes.some((o) => o !== 'ok')).toBe(true);
    expect(outcomes.filter((o) => o !== 'ok' && o !== 'IDEA_NOT_ACTIVE' && o !== 'NO_DOT_TO_REMOVE')).toEqual([]);

    // No dot lands on an idea the void hid, and the tallies kept are those counted from every ballot and replayed from the disk.
    expect(await room.durable()).toBeNull();
    for (const id of theirs) expect(room.state.ideas.get(id)!.status).toBe('hidden');
    for (const mine of room.state.dots.values()) for (const id of theirs) expect(mine.has(id)).toBe(false);
    expect(votingProgress(room.state)).toEqual(countVotingProgress(room.state));
    const stored = readLog(server.dbPath).find((l) => l.id === room.state.id)!.events.map((e) => e.event as ForumEvent);
    const fromDisk = replay(stored);
    expect(countDots(fromDisk)).toEqual(countDots(room.state));
    expect(fromDisk.dots).toEqual(room.state.dots);

    // Each phone's own view, as last acked or pushed, is its ballot.
    await new Promise((r) => setTimeout(r, 300));
    for (const { client, participantId } of phones) {
      const me = client.received.filter((r) => r.event === 'me').at(-1)!.args[0] as MeView;
      expect(me.dots).toEqual(Object.fromEntries(room.state.dots.get(participantId) ?? []));
    }
    // The console, patched along, holds what a console opened now is sent.
    await admin.next<ConsoleView>('console', (v) => v.participants.filter((p) => p.voided).length === 16, before);
    const fresh = await connect(`${server.url}/f/${slug}`, { role: 'console', key: server.facilitatorKey });
    try {
      await fresh.next<ConsoleView>('console', (v) => v.participants.length === 2_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(admin.received.some((r) => r.event === 'patch:mismatch')).toBe(false);
      expect(views(admin).at(-1)).toEqual(views(fresh).at(-1));
    } finally {
      fresh.close();
    }
  }, 120_000);
});
