// Tallies stay on the server until revealed: no message to a phone or the projector carries
// anyone else's dot counts for a priority before the facilitator reveals it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneResult, PhoneView, ScreenView } from '../../shared/protocol.js';
import { connectConsole, connectScreen, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

/** Every path in a message whose key names a count of dots or support, e.g. "results.0.rows.2.dots". */
function countPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => countPaths(v, `${path}${i}.`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      // The rules (dots per priority, most dots per idea) are public settings, not counts.
      ...(/dots|supporters|rank|tally|votes/i.test(k) && !path.endsWith('rules.') ? [`${path}${k}`] : []),
      ...countPaths(v, `${path}${k}.`),
    ]);
  }
  return [];
}

describe('tallies stay on the server until revealed', () => {
  let server: TestServer;
  let admin: TestClient;
  let screen: TestClient;
  const phones: TestPhone[] = [];
  const ownDots = new Map<TestPhone, Record<string, number>>();

  beforeAll(async () => {
    server = await startTestServer();
    admin = await connectConsole(server);
    screen = await connectScreen(server);
    for (let i = 0; i < 6; i++) phones.push(await joinPhone(server, `Р${i}`));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    for (const [i, p] of phones.entries()) ok(await p.send('idea:submit', { priorityCode: i % 2 ? '1' : '4', title: `Ідея ${i}` }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    const ideas = [...server.room.state.ideas.values()];
    for (const [i, p] of phones.entries()) {
      const mine: Record<string, number> = {};
      for (const idea of [ideas[i % ideas.length], ideas[(i + 1) % ideas.length], ideas[i % ideas.length]]) {
        const res = ok(await p.send('dot:place', { ideaId: idea.id }));
        mine[idea.id] = (mine[idea.id] ?? 0) + 1;
        expect(res.me.dots).toEqual(mine);
      }
      ownDots.set(p, mine);
    }
    // A phone that connects mid-vote gets the whole state at once: it must not carry tallies either.
    phones.push(await joinPhone(server, 'Пізній'));
    ok(await admin.send('phase:set', { to: 'results' }));
    await screen.next<ScreenView>('screen', (v) => v.forum.phase === 'results');
    await Promise.all(phones.map((p) => p.next<PhoneView>('phone', (v) => v.forum.phase === 'results')));
  });
  afterAll(async () => {
    for (const c of [admin, screen, ...phones]) c?.close();
    await server?.stop();
  });

  it('before any reveal, phones carry only their own dots and the projector none', () => {
    for (const p of phones) {
      for (const { event, args } of p.received) {
        // A greeting's parts are recorded one by one after it (harness.ts), and checked so.
        if (event === 'greeting') continue;
        const paths = countPaths(args[0]);
        if (event === 'me' && args[0]) {
          expect(paths.every((x) => x === 'dots' || x.startsWith('dots.'))).toBe(true);
          const me = args[0] as { dots: Record<string, number> };
          for (const [ideaId, n] of Object.entries(me.dots)) expect(n).toBeLessThanOrEqual(ownDots.get(p)?.[ideaId] ?? 0);
        } else {
          expect({ event, paths }).toEqual({ event, paths: [] });
        }
      }
    }
    for (const { event, args } of screen.received) expect({ event, paths: countPaths(args[0]) }).toEqual({ event, paths: [] });
  });

  it('a reveal sends that priority’s ranking, and only that one', async () => {
    const marks = phones.map((p) => p.mark());
    const screenMark = screen.mark();
    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    const view = await screen.next<ScreenView>('screen', (v) => v.results.length > 0, screenMark);
    expect(view.results.map((r) => r.priorityCode)).toEqual(['1']);
    const inPriority1 = (id: string) => server.room.state.ideas.get(id)?.priorityCode === '1';
    const placed = [...ownDots.values()].flatMap((m) => Object.entries(m)).filter(([id]) => inPriority1(id)).reduce((n, [, k]) => n + k, 0);
    expect(view.results[0].rows.reduce((n, r) => n + r.dots, 0)).toBe(placed);
    for (const [i, p] of phones.entries()) {
      const v = await p.next<PhoneResult[]>('results', (x) => x.length > 0, marks[i]);
      expect(v.map((r) => r.priorityCode)).toEqual(['1']);
      const ideasOf4 = [...server.room.state.ideas.values()].filter((x) => x.priorityCode === '4').map((x) => x.id);
      for (const { args } of p.received.slice(marks[i])) {
        expect(JSON.stringify(args[0] ?? null)).not.toMatch(new RegExp(ideasOf4.map((id) => `"ideaId":"${id}"`).join('|')));
      }
    }
  });
});
