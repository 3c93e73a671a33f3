// Saved phone actions are remembered for a time, not for ever: a resend within the window is
// answered as done; after it the action is gone from memory, and its id, sent again, is refused as
// used (actionKeys.ts). The clock is moved on, never waited for. A real server and real phones for
// the whole path; the remembering itself on its own for the ways it forgets.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS_REMEMBERED, DONE_ACTIONS_WINDOW_MS, DoneActions, type DoneAction } from '../forum/doneActions.js';
import { connectConsole, joinPhone, ok, refused, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

const HOUR = 60 * 60 * 1000;
const place = (ideaId: string): DoneAction => ({ command: 'dot:place', target: ideaId, ideaId: null });

describe('the window', () => {
  it('covers the 12 hours a phone keeps unanswered taps to send again after a reload, with an hour to spare', () => {
    // client/phone/pending.ts, MAX_AGE_MS.
    expect(DONE_ACTIONS_WINDOW_MS).toBe(13 * HOUR);
  });
});

describe('done actions, on their own', () => {
  it('answers within the window, and forgets at its end', () => {
    let now = 1_000_000;
    const done = new DoneActions(DONE_ACTIONS_WINDOW_MS, () => now);
    done.remember('p1', 'a1', place('i1'));
    now += DONE_ACTIONS_WINDOW_MS - 1;
    expect(done.find('p1', 'a1')).toEqual(place('i1'));
    expect(done.size).toBe(1);
    now += 1;
    expect(done.find('p1', 'a1')).toBeUndefined();
    expect(done.size).toBe(0);
  });

  it('forgets those who stopped acting while others go on; one still acting keeps their latest', () => {
    let now = 0;
    const done = new DoneActions(10 * HOUR, () => now);
    for (let i = 0; i < 1000; i++) done.remember(`quiet-${i}`, 'a', place('i1'));
    done.remember('busy', 'first', place('i1'));
    expect(done.size).toBe(1001);
    // The busy one acts every hour; the quiet ones never again.
    for (let hour = 1; hour <= 10; hour++) {
      now = hour * HOUR;
      done.remember('busy', `h${hour}`, place('i2'));
    }
    // Ten hours after they acted, the quiet ones are gone, all of them.
    expect(done.size).toBe(11);
    expect(done.find('quiet-999', 'a')).toBeUndefined();
    expect(done.find('busy', 'first')).toEqual(place('i1'));
    // Ten hours after the busy one's last action, theirs go too.
    now = 20 * HOUR - 1;
    expect(done.find('busy', 'h10')).toEqual(place('i2'));
    now = 20 * HOUR;
    expect(done.find('busy', 'h10')).toBeUndefined();
    expect(done.size).toBe(0);
  });

  it(`keeps at most ${ACTIONS_REMEMBERED} actions of one participant, the latest`, () => {
    const done = new DoneActions(DONE_ACTIONS_WINDOW_MS, () => 5);
    for (let i = 0; i < ACTIONS_REMEMBERED + 10; i++) done.remember('p1', `a${i}`, place('i1'));
    expect(done.size).toBe(ACTIONS_REMEMBERED);
    expect(done.find('p1', 'a9')).toBeUndefined();
    expect(done.find('p1', 'a10')).toEqual(place('i1'));
  });

  it('takes a clock set back without forgetting early or losing count', () => {
    let now = 10 * HOUR;
    const done = new DoneActions(HOUR, () => now);
    done.remember('p1', 'a1', place('i1'));
    now = 9 * HOUR;
    done.remember('p2', 'a1', place('i1'));
    done.remember('p1', 'a2', place('i1'));
    now = 10 * HOUR + HOUR - 1;
    // p2's action, an hour older by the clock, is gone; p1's first stays with its newest.
    expect(done.find('p2', 'a1')).toBeUndefined();
    expect(done.find('p1', 'a1')).toEqual(place('i1'));
    now = 10 * HOUR + HOUR;
    expect(done.find('p1', 'a1')).toBeUndefined();
    expect(done.find('p2', 'a1')).toBeUndefined();
    done.remember('p3', 'a1', place('i1'));
    expect(done.size).toBe(1);
  });
});

describe('a resend on a real server', () => {
  let server: TestServer;
  let voter: TestPhone;
  let ideaId: string;
  const clients: TestClient[] = [];
  let now = Date.now();

  beforeAll(async () => {
    server = await startTestServer();
    server.room.doneActions.now = () => now;
    const admin = await connectConsole(server);
    const author = await joinPhone(server, 'Авторка');
    voter = await joinPhone(server, 'Виборець');
    clients.push(admin, author, voter);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    ideaId = ok(await author.send('idea:submit', { priorityCode: '1', title: 'Велодоріжка' })).ideaId;
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('is answered as done within the window; after it, the action is forgotten and its id refused as used', async () => {
    const actionId = randomUUID();
    const key = `${voter.me.participantId}:${actionId}`;
    expect(ok(await voter.send('dot:place', { ideaId, actionId })).me.dots).toEqual({ [ideaId]: 1 });

    // Twelve hours later, a phone that kept the tap sends it again: done once.
    now += 12 * HOUR;
    const again = await voter.send('dot:place', { ideaId, actionId });
    expect(again).toMatchObject({ ok: true, duplicate: true });
    expect(ok(again).me.dots).toEqual({ [ideaId]: 1 });

    // Past the window: nothing of it is kept but its id, which stays taken.
    now += DONE_ACTIONS_WINDOW_MS;
    expect(server.room.findAction(key)).toBeUndefined();
    expect(server.room.doneActions.size).toBe(0);
    expect(server.room.actionKeyUsed(key)).toBe(true);
    expect(refused(await voter.send('dot:place', { ideaId, actionId }))).toBe('ACTION_ID_REUSED');
    expect(refused(await voter.send('dot:remove', { ideaId, actionId }))).toBe('ACTION_ID_REUSED');
    expect(server.room.state.dots.get(voter.me.participantId)?.get(ideaId)).toBe(1);

    // A new id is a new action, remembered from now.
    const next = randomUUID();
    expect(ok(await voter.send('dot:place', { ideaId, actionId: next })).me.dots).toEqual({ [ideaId]: 2 });
    expect(server.room.doneActions.size).toBe(1);
    expect(await voter.send('dot:place', { ideaId, actionId: next })).toMatchObject({ ok: true, duplicate: true });
  });
});
