// The console's duplicate suggestions on a real server: the same project at the same street is a
// group to merge, the same project at another street a theme (never a merge), and each idea comes
// with its nearest ideas, all kept up to date as ideas arrive and leave the wall.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView } from '../../shared/protocol.js';
import { connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

describe('duplicates and themes in the console', () => {
  let server: TestServer;
  let admin: TestClient;
  const phones: TestPhone[] = [];

  beforeAll(async () => {
    server = await startTestServer({ displayThrottleMs: 0 });
    admin = await connectConsole(server);
    for (const name of ['Олена', 'Марко', 'Іван', 'Анна']) phones.push(await joinPhone(server, name));
    ok(await admin.send('phase:set', { to: 'ideas' }));
  });
  afterAll(async () => {
    for (const c of [...phones, admin]) c?.close();
    await server?.stop();
  });

  it('keeps the same project at another street as a theme, not a duplicate, and names each idea’s nearest', async () => {
    const submit = async (phone: TestPhone, title: string, place = '') =>
      ok(await phone.send('idea:submit', { priorityCode: '1', title, place })).ideaId;
    const kyivska = await submit(phones[0], 'Відремонтувати тротуари на Київській');
    const kyivskaToo = await submit(phones[1], 'Ремонт тротуарів', 'вул. Київська');
    const chudnivska = await submit(phones[2], 'Відремонтувати тротуари на Чуднівській');
    const pool = await submit(phones[3], 'Басейн для дітей');

    const view = await admin.next<ConsoleView>('console', (v) => v.ideas.length === 4 && v.themes.length > 0);
    expect(view.duplicates.map((g) => [...g.ideaIds].sort())).toEqual([[kyivska, kyivskaToo].sort()]);
    expect(view.themes).toHaveLength(1);
    expect([...view.themes[0].ideaIds].sort()).toEqual([kyivska, kyivskaToo, chudnivska].sort());
    expect(view.themes[0].priorityCode).toBe('1');

    const nearest = (v: ConsoleView, ideaId: string) => v.nearest.find((n) => n.id === ideaId)?.matches.map((m) => m.ideaId) ?? [];
    // The duplicate first, then the same project elsewhere; the pool shares nothing.
    expect(nearest(view, kyivska)).toEqual([kyivskaToo, chudnivska]);
    expect(nearest(view, pool)).toEqual([]);
    for (const n of view.nearest) expect(n.matches.length).toBeLessThanOrEqual(3);

    // Withdrawn: the idea leaves the theme and every nearest list.
    const mark = admin.mark();
    ok(await phones[2].send('idea:withdraw', { ideaId: chudnivska }));
    const after = await admin.next<ConsoleView>('console', (v) => v.themes.length === 0 && v.nearest.length === 3, mark);
    expect(nearest(after, kyivska)).toEqual([kyivskaToo]);
    expect(after.duplicates).toHaveLength(1);
  });
});
