// A void or a merge on a large forum changes thousands of phones' own views at once: they are sent
// a few at a time, a turn of the event loop each (push.ts). Here one phone a turn: every phone
// still hears of each change once, in the order the changes came, and ends with its view exact,
// while the hall goes on voting between the turns.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeView, Notice } from '../../shared/protocol.js';
import { meView } from '../forum/views.js';
import { connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

describe('phones sent their own views a turn at a time', () => {
  let server: TestServer;
  let admin: TestClient;
  let authors: TestPhone[] = [];
  const voters: TestPhone[] = [];

  beforeAll(async () => {
    server = await startTestServer({ phonesTurnMs: 0 });
    admin = await connectConsole(server);
    authors = [await joinPhone(server, 'Авторка скверу'), await joinPhone(server, 'Автор парковки')];
    for (let i = 0; i < 40; i++) voters.push(await joinPhone(server, `Виборець ${i}`));
  });
  afterAll(async () => {
    for (const c of [admin, ...authors, ...voters]) c?.close();
    await server?.stop();
  });

  it('two voids one after the other: each voter told of both, in order, with the hall voting meanwhile', async () => {
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const square = ok(await authors[0].send('idea:submit', { priorityCode: '1', title: 'Сквер біля ставка', actionId: randomUUID() })).ideaId;
    const parking = ok(await authors[1].send('idea:submit', { priorityCode: '1', title: 'Парковка біля ринку', actionId: randomUUID() })).ideaId;
    const bench = ok(await voters[0].send('idea:submit', { priorityCode: '1', title: 'Лавки на набережній', actionId: randomUUID() })).ideaId;
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    for (const v of voters) {
      ok(await v.send('dot:place', { ideaId: square, actionId: randomUUID() }));
      ok(await v.send('dot:place', { ideaId: parking, actionId: randomUUID() }));
    }
    const marks = voters.map((v) => v.mark());
    ok(await admin.send('participant:void', { participantId: authors[0].me.participantId, reason: 'Два телефони' }));
    ok(await admin.send('participant:void', { participantId: authors[1].me.participantId, reason: 'Два телефони' }));
    // Voting goes on while the notices go out a phone a turn.
    // A phone's view is the latest it got: a push, or the view its ack carried (then not pushed again).
    const acked = new Map<number, { view: MeView; at: number }>();
    await Promise.all(
      voters.slice(20).map(async (v, k) => {
        const { me } = ok(await v.send('dot:place', { ideaId: bench, actionId: randomUUID() }));
        acked.set(20 + k, { view: me, at: v.received.length });
      }),
    );

    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((r) => setTimeout(r, 10));
    };
    const refundsOf = (i: number) =>
      voters[i].received.slice(marks[i]).filter((r) => r.event === 'notice').map((r) => r.args[0] as Notice).filter((n) => n.code === 'DOTS_REFUNDED');
    const lastMe = (i: number) => {
      const pushed = voters[i].received.map((r, at) => ({ r, at })).filter(({ r }) => r.event === 'me').at(-1);
      const ack = acked.get(i);
      if (ack && (!pushed || pushed.at < ack.at)) return ack.view;
      return pushed?.r.args[0] as MeView | undefined;
    };
    // Every phone's last view is the forum's: no dots on the hidden ideas, the bench's where placed.
    await until(() => voters.every((v, i) => refundsOf(i).length >= 2 && JSON.stringify(lastMe(i)?.dots) === JSON.stringify(meView(server.room.state, v.me.participantId)!.dots)));
    for (const [i, v] of voters.entries()) {
      expect(refundsOf(i).map((n) => n.params?.title)).toEqual(['Сквер біля ставка', 'Парковка біля ринку']);
      expect(lastMe(i)!.dots).toEqual(i >= 20 ? { [bench]: 1 } : {});
      expect(meView(server.room.state, v.me.participantId)!.dots).toEqual(lastMe(i)!.dots);
    }
    // Nobody heard of a void twice, after everything settled.
    await new Promise((r) => setTimeout(r, 200));
    for (const i of voters.keys()) expect(refundsOf(i)).toHaveLength(2);
  });
});
