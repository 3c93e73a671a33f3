// Every rule the server enforces, whatever a client sends: each refusal reaches the sender alone,
// in the sender's language, and changes nothing (not the state, not the database).

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, PROTOCOL_VERSION, type CommandName, type ConsoleView, type PublicIdea } from '../../shared/protocol.js';
import type { ViewPatch } from '../../shared/viewPatch.js';
import { consoleView } from '../forum/views.js';
import {
  connect,
  connectConsole,
  connectScreen,
  joinPhone,
  newToken,
  ok,
  startTestServer,
  type TestClient,
  type TestPhone,
  type TestServer,
} from './harness.js';

describe('refusals', () => {
  let server: TestServer;
  let admin: TestClient;
  let screen: TestClient;
  let alice: TestPhone;
  let bob: TestPhone;
  let db: Database.Database;

  const eventCount = () => (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const snapshot = () => {
    const join = { joinUrl: '', joinCode: '', rotation: null };
    // The admission figures count refusals, which is their job; everything else must stay as it was.
    const { admission: _counts, ...view } = consoleView(server.room.state, server.room.presence, join, server.admission.view(0), { storage: { ok: true }, backup: null });
    return JSON.stringify({ ...view, online: 0, participants: view.participants.map((p) => ({ ...p, online: false })) });
  };

  /** What accepted actions change in the console's view, as the admin's console holds it and as the server has it. */
  const consoleHoldsServer = () => {
    const held = admin.received.findLast((r) => r.event === 'console')?.args[0] as ConsoleView | undefined;
    if (!held) return false;
    const fresh = consoleView(server.room.state, server.room.presence, { joinUrl: '', joinCode: '', rotation: null }, server.admission.view(0), { storage: { ok: true }, backup: null });
    const changed = (v: ConsoleView) =>
      JSON.stringify([v.forum, v.joined, v.ideas, v.ideaCounts, v.voted, v.dotsPerPriority, v.unspentPerPriority, v.moderation, v.participants.map((p) => ({ ...p, online: false }))]);
    return changed(held) === changed(fresh);
  };

  /**
   * What a client heard, less the console's admission panel on its own: its joins-per-minute chart
   * moves on when a wall-clock minute turns, whatever the test does, and the refusal counters in
   * it are its job (the snapshot leaves the panel aside for the same reason). A patch of the panel
   * alone, and the view it makes, are left out; anything else in a patch is kept.
   */
  function heardBesidesAdmission(heard: TestClient['received']) {
    const out: TestClient['received'] = [];
    let skipView = false;
    for (const r of heard) {
      if (r.event === 'console:patch') {
        const patch = r.args[0] as ViewPatch;
        skipView = Object.keys(patch.lists).length === 0 && Object.keys(patch.set).every((k) => k === 'admission');
        if (skipView) continue;
      } else if (r.event === 'console' && skipView) {
        skipView = false;
        continue;
      }
      out.push(r);
    }
    return out;
  }

  /**
   * Runs `attempt`, expects it refused with `code`, and checks that nothing changed and that no
   * other client heard of it: after the refusal a known broadcast is sent, and it must be the only
   * thing the others received.
   */
  async function expectRefusal(code: string, attempt: () => Promise<{ ok: boolean; error?: { code: string; message: string } }>) {
    // The last accepted action's broadcasts arrive first: until the console holds what the server
    // does (on a busy machine its patch can come well after the action's ack), then until nobody
    // has received anything for 60 ms.
    for (let i = 0; i < 100 && !consoleHoldsServer(); i++) await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 50; i++) {
      const heard = [admin, screen, bob].map((c) => c.received.length).join();
      await new Promise((r) => setTimeout(r, 60));
      if ([admin, screen, bob].map((c) => c.received.length).join() === heard) break;
    }
    const before = { events: eventCount(), state: snapshot() };
    const marks = [admin, screen, bob].map((c) => c.mark());
    const ack = await attempt();
    expect(ack.ok).toBe(false);
    expect(ack.error?.code).toBe(code);
    expect(ack.error?.message.length).toBeGreaterThan(5);
    expect(eventCount()).toBe(before.events);
    expect(snapshot()).toBe(before.state);
    // The barrier: a language switch broadcasts nothing, so the others must have received nothing.
    await admin.send('session:setLanguage', { lang: 'uk' });
    await new Promise((r) => setTimeout(r, 30));
    [admin, screen, bob].forEach((c, i) => expect(heardBesidesAdmission(c.received.slice(marks[i]))).toEqual([]));
    return ack;
  }

  beforeAll(async () => {
    // Updates go out at once, so that the broadcasts of accepted actions never straddle a check.
    server = await startTestServer({ displayThrottleMs: 0 });
    db = new Database(server.dbPath, { readonly: true });
    admin = await connectConsole(server);
    screen = await connectScreen(server);
    alice = await joinPhone(server, 'Аліса');
    bob = await joinPhone(server, 'Богдан');
    await new Promise((r) => setTimeout(r, 300)); // let presence broadcasts settle
  });
  afterAll(async () => {
    db?.close();
    for (const c of [admin, screen, alice, bob]) c?.close();
    await server?.stop();
  });

  it('phones and the projector cannot send any facilitator command', async () => {
    const facilitatorOnly = (Object.keys(COMMANDS) as CommandName[]).filter((n) => !(COMMANDS[n].roles as readonly string[]).includes('phone'));
    expect(facilitatorOnly).toEqual(
      expect.arrayContaining(['forum:setStructure', 'forum:setRules', 'phase:set', 'idea:hide', 'idea:restore', 'idea:correct', 'priority:reveal']),
    );
    const payloads: Record<string, unknown> = {
      'forum:setStructure': { structure: { vision: 'X', priorities: [{ code: '1', title: 'X', goals: [] }] } },
      'forum:setRules': { rules: { ideasPerParticipant: 9, dotsPerPriority: 9, maxDotsPerIdea: 9 } },
      'phase:set': { to: 'ideas' },
      'idea:hide': { ideaId: 'x', reason: 'y' },
      'idea:restore': { ideaId: 'x' },
      'idea:correct': { ideaId: 'x', title: 'y' },
      'priority:reveal': { priorityCode: '1' },
    };
    for (const name of facilitatorOnly) {
      for (const client of [alice, screen]) {
        await expectRefusal('FORBIDDEN', () => client.socket.timeout(5000).emitWithAck(name, payloads[name] ?? {}));
      }
    }
    // Phone-only commands are refused to the console and the projector too.
    await expectRefusal('FORBIDDEN', () => screen.send('dot:place', { ideaId: 'x' }));
    await expectRefusal('FORBIDDEN', () => admin.send('participant:join', { code: server.joinCode, token: newToken() }));
  });

  it('a refusal comes in the sender’s language', async () => {
    const english = await connect(server.socketUrl, { role: 'phone', token: alice.token, lang: 'en' });
    await english.next('me');
    const ack = await english.send('idea:submit', { priorityCode: '1', title: 'Too early' });
    expect(ack.ok).toBe(false);
    if (!ack.ok) expect(ack.error.message).toMatch(/^Not available right now/);
    const uk = await alice.send('idea:submit', { priorityCode: '1', title: 'Зарано' });
    if (!uk.ok) expect(uk.error.message).toContain('Збір учасників');
    ok(await english.send('session:setLanguage', { lang: 'uk' }));
    const switched = await english.send('dot:place', { ideaId: 'x' });
    if (!switched.ok) expect(switched.error.message).toContain('Зараз це недоступно');
    english.close();
  });

  it('ideas only while ideas are open; the limit, the texts and the structure are enforced', async () => {
    await expectRefusal('WRONG_PHASE', () => alice.send('idea:submit', { priorityCode: '1', title: 'Рано' }));
    ok(await admin.send('forum:setRules', { rules: { ideasPerParticipant: 2, dotsPerPriority: 3, maxDotsPerIdea: 2 } }));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    await expectRefusal('UNKNOWN_PRIORITY', () => alice.send('idea:submit', { priorityCode: '99', title: 'Ні' }));
    await expectRefusal('UNKNOWN_GOAL', () => alice.send('idea:submit', { priorityCode: '1', goalCode: '5.1', title: 'Ні' }));
    await expectRefusal('TEXT_REQUIRED', () => alice.send('idea:submit', { priorityCode: '1', title: '   \u200b ' }));
    const long = await expectRefusal('TEXT_TOO_LONG', () => alice.send('idea:submit', { priorityCode: '1', title: 'я'.repeat(121) }));
    expect(long.error?.message).toContain('121 з 120');
    await expectRefusal('TEXT_TOO_LONG', () => alice.send('idea:submit', { priorityCode: '1', title: 'Так', description: 'д'.repeat(1001) }));
    await expectRefusal('TEXT_TOO_LONG', () => alice.send('idea:submit', { priorityCode: '1', title: 'Так', place: 'м'.repeat(201) }));
    await expectRefusal('BAD_INPUT', () => alice.send('idea:submit', { priorityCode: '1', title: 'я'.repeat(10_000) }));
    await expectRefusal('WRONG_PHASE', () => admin.send('forum:setRules', { rules: { ideasPerParticipant: 5, dotsPerPriority: 3, maxDotsPerIdea: 2 } }));
    await expectRefusal('WRONG_PHASE', () =>
      admin.send('forum:setStructure', { structure: { vision: 'Нове', priorities: [{ code: '1', title: 'Одне', subtitle: '', color: '', goals: [] }] } }),
    );
    ok(await alice.send('idea:submit', { priorityCode: '1', title: 'Перша' }));
    ok(await alice.send('idea:submit', { priorityCode: '5', goalCode: '5.2', title: 'Друга' }));
    const limit = await expectRefusal('IDEA_LIMIT', () => alice.send('idea:submit', { priorityCode: '1', title: 'Третя' }));
    expect(limit.error?.message).toBe('Можна подати не більше 2 ідей.');
    ok(await bob.send('idea:submit', { priorityCode: '1', title: 'Ідея Богдана' }));
    await expectRefusal('WRONG_PHASE', () => alice.send('dot:place', { ideaId: alice.me.participantId }));
  });

  it('a resent action with the same actionId is done once', async () => {
    const ideaCount = server.room.state.ideas.size;
    const first = ok(await bob.send('idea:submit', { priorityCode: '4', title: 'Двічі надіслана', actionId: 'resend-0001' }));
    const again = await bob.send('idea:submit', { priorityCode: '4', title: 'Двічі надіслана', actionId: 'resend-0001' });
    expect(again.ok && again.duplicate).toBe(true);
    expect(again.ok && again.data.ideaId).toBe(first.ideaId);
    expect(server.room.state.ideas.size).toBe(ideaCount + 1);
    ok(await bob.send('idea:withdraw', { ideaId: first.ideaId }));
  });

  it('dots only while voting; budgets per priority, the cap per idea, no dots on hidden ideas', async () => {
    ok(await admin.send('phase:set', { to: 'review' }));
    const ideas = [...server.room.state.ideas.values()].filter((i) => i.status === 'active');
    const [p1a, p1b] = ideas.filter((i) => i.priorityCode === '1');
    const p5 = ideas.find((i) => i.priorityCode === '5')!;
    await expectRefusal('WRONG_PHASE', () => alice.send('idea:edit', { ideaId: p1a.id, title: 'Пізно' }));
    await expectRefusal('WRONG_PHASE', () => alice.send('dot:place', { ideaId: p1a.id }));
    ok(await admin.send('idea:hide', { ideaId: p5.id, reason: 'Поза темою' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    await expectRefusal('IDEA_NOT_ACTIVE', () => bob.send('dot:place', { ideaId: p5.id }));
    await expectRefusal('IDEA_NOT_FOUND', () => bob.send('dot:place', { ideaId: 'no-such-idea' }));
    await expectRefusal('NO_DOT_TO_REMOVE', () => bob.send('dot:remove', { ideaId: p1a.id }));
    ok(await bob.send('dot:place', { ideaId: p1a.id }));
    ok(await bob.send('dot:place', { ideaId: p1a.id }));
    const cap = await expectRefusal('CAP_EXCEEDED', () => bob.send('dot:place', { ideaId: p1a.id }));
    expect(cap.error?.message).toBe('На одну ідею — не більше 2 крапок.');
    ok(await bob.send('dot:place', { ideaId: p1b.id }));
    await expectRefusal('BUDGET_EXCEEDED', () => bob.send('dot:place', { ideaId: p1b.id }));
    await expectRefusal('WRONG_PHASE', () => alice.send('idea:submit', { priorityCode: '1', title: 'Пізно' }));
    await expectRefusal('BAD_TRANSITION', () => admin.send('phase:set', { to: 'ideas' }));
    await expectRefusal('WRONG_PHASE', () => admin.send('priority:reveal', { priorityCode: '1' }));
  });

  it('one participant per device token; an unknown token is not a participant', async () => {
    const joined = server.room.state.participants.size;
    const again = ok(await alice.send('participant:join', { code: server.joinCode, name: 'Інша', token: alice.token }));
    expect(again.me.participantId).toBe(alice.me.participantId);
    const second = await connect(server.socketUrl, { role: 'phone', token: alice.token });
    const me = await second.next<{ participantId: string } | null>('me');
    expect(me?.participantId).toBe(alice.me.participantId);
    second.close();
    expect(server.room.state.participants.size).toBe(joined);

    const forged = await connect(server.socketUrl, { role: 'phone', token: newToken() });
    expect(await forged.next('me')).toBeNull();
    await expectRefusal('NOT_JOINED', () => forged.send('dot:place', { ideaId: 'x' }));
    await expectRefusal('WRONG_CODE', () => forged.send('participant:join', { code: '000000', token: newToken() }));
    await expectRefusal('BAD_INPUT', () => forged.send('participant:join', { code: server.joinCode, token: 'short' }));
    await expectRefusal('TEXT_TOO_LONG', () => forged.send('participant:join', { code: server.joinCode, name: 'і'.repeat(61), token: newToken() }));
    forged.close();
  });

  it('malformed payloads and unknown commands get BAD_INPUT; without an ack nothing happens', async () => {
    const target = [...server.room.state.ideas.values()].find((i) => i.status === 'active')!;
    const raw = (event: string, ...args: unknown[]) => alice.socket.timeout(5000).emitWithAck(event, ...args);
    for (const payload of [null, 'text', 42, [], { ideaId: 5 }, { ideaId: '' }, { ideaId: 'x'.repeat(65) }, { ideaId: 'x', actionId: 'short' }]) {
      await expectRefusal('BAD_INPUT', () => raw('dot:place', payload));
    }
    await expectRefusal('BAD_INPUT', () => admin.socket.timeout(5000).emitWithAck('phase:set', { to: 'everything' }));
    await expectRefusal('BAD_INPUT', () => raw('dot:steal', { ideaId: target.id }));
    await expectRefusal('BAD_INPUT', () => admin.socket.timeout(5000).emitWithAck('forum:setRules', { rules: { ideasPerParticipant: 'many' } }));
    const before = eventCount();
    alice.socket.emit('dot:place', { ideaId: target.id });
    await alice.send('session:setLanguage', { lang: 'uk' });
    expect(eventCount()).toBe(before);
  });

  it('a connection with another protocol version, a wrong key or a garbled handshake is refused', async () => {
    const attempt = (auth: Record<string, unknown>) =>
      connect(server.socketUrl, auth as never).then(
        () => null,
        (err: Error & { data?: { code: string; serverVersion: number } }) => err.data,
      );
    expect(await attempt({ role: 'phone', v: PROTOCOL_VERSION + 1 })).toMatchObject({ code: 'PROTOCOL_MISMATCH', serverVersion: PROTOCOL_VERSION });
    // A page of the version before (its counts and view as separate messages, its page held sent
    // apart) is refused too, saying so, rather than greeted in a shape it does not read.
    const older = await attempt({ role: 'phone', v: PROTOCOL_VERSION - 1 });
    expect(older).toMatchObject({ code: 'PROTOCOL_MISMATCH', serverVersion: PROTOCOL_VERSION });
    expect((older as unknown as { message: string }).message).toBeTruthy();
    expect(await attempt({ role: 'console', key: 'guess' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await attempt({ role: 'console' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await attempt({ role: 'admin' })).toMatchObject({ code: 'BAD_INPUT' });
  });

  it('after all that, the console shows exactly the accepted actions', async () => {
    await new Promise((r) => setTimeout(r, 15));
    const view = admin.received.filter((r) => r.event === 'console').at(-1)!.args[0] as ConsoleView;
    const active = view.ideas.filter((i) => i.status === 'active').map((i: PublicIdea) => i.title).sort();
    expect(active).toEqual(['Ідея Богдана', 'Перша']);
    expect(view.dotsPerPriority['1']).toBe(3);
    expect(view.participants.map((p) => p.name).sort()).toEqual(['Аліса', 'Богдан']);
  });
});
