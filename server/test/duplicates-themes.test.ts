// The console's duplicate suggestions on a real server: the same project at the same street is a
// group to merge, the same project at another street a theme (never a merge), and each idea comes
// with its nearest ideas, all kept up to date as ideas arrive and leave the wall; the words read
// through the dictionary's lemmas.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, fingerprintScores } from '../../shared/forum/similarity.js';
import type { ConsoleView } from '../../shared/protocol.js';
import { dictionaryFolder, ukrainianLemmatizer } from '../forum/lemmas.js';
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

  // The dictionary is optional (GPL-3.0, not a dependency; README): without it the server reads
  // words with the light stemmer alone, and this is skipped, except under CI=true (.ci/run installs it).
  const noDictionary = dictionaryFolder() === null && process.env.CI !== 'true';
  it.skipIf(noDictionary)(`reads the words through the dictionary, where it is installed: сіл and село score as one word${noDictionary ? ' (skipped: the optional dictionary-uk is not installed)' : ''}`, async () => {
    const roads = ok(await phones[0].send('idea:submit', { priorityCode: '2', title: 'Дороги до сіл громади' })).ideaId;
    const road = ok(await phones[1].send('idea:submit', { priorityCode: '2', title: 'Безпечна дорога до села для дітей' })).ideaId;
    const view = await admin.next<ConsoleView>('console', (v) => v.nearest.some((n) => n.id === roads && n.matches.length > 0));
    const score = view.nearest.find((n) => n.id === roads)!.matches.find((m) => m.ideaId === road)!.score;
    const card = (id: string, title: string) => ({ id, priorityCode: '2', title, description: '', place: '' });
    const [a, b] = [card(roads, 'Дороги до сіл громади'), card(road, 'Безпечна дорога до села для дітей')];
    const lemmaOf = (await ukrainianLemmatizer())!;
    // The server's score is the measure's with lemmas (to a hundredth), well above the stemmer's alone.
    expect(score).toBe(Math.round(fingerprintScores(fingerprint(a, lemmaOf), fingerprint(b, lemmaOf)).duplicate * 100) / 100);
    expect(score).toBeGreaterThan(fingerprintScores(fingerprint(a), fingerprint(b)).duplicate + 0.1);
  });
});
