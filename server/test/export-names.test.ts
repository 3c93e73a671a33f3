// Exports for publication leave authors' names out (`names=0`), and the notice of dots given back
// names the priority of the hidden idea. A real server, real phones, real files.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notice } from '../../shared/protocol.js';
import { parseCsv } from './csv.js';
import { connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

describe('exports without names, and the refund notice', () => {
  let server: TestServer;
  let admin: TestClient;
  let olena: TestPhone;
  let marko: TestPhone;
  let anon: TestPhone;
  let voided: TestPhone;
  const ideas: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer();
    admin = await connectConsole(server);
    olena = await joinPhone(server, 'Олена Коваль');
    marko = await joinPhone(server, 'Марко Ткачук');
    anon = await joinPhone(server, '');
    voided = await joinPhone(server, 'Степан Двічі');
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const submit = async (phone: TestPhone, priorityCode: string, title: string) => {
      const { me } = ok(await phone.send('idea:submit', { priorityCode, title, description: 'Опис', place: 'Центр' }));
      ideas[title] = me.ideas.find((i) => i.title === title)!.id;
    };
    await submit(olena, '5', 'Сквер біля річки');
    await submit(marko, '5', 'Лавки на набережній');
    await submit(anon, '3', 'Скейт-парк');
    await submit(voided, '1', 'Ярмарок');
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    ok(await olena.send('dot:place', { ideaId: ideas['Лавки на набережній'] }));
    ok(await anon.send('dot:place', { ideaId: ideas['Сквер біля річки'] }));
    ok(await anon.send('dot:place', { ideaId: ideas['Сквер біля річки'] }));
    ok(await admin.send('participant:void', { participantId: voided.me.participantId, reason: 'Другий голос' }));
  });
  afterAll(async () => {
    for (const p of [olena, marko, anon, voided]) p?.close();
    admin?.close();
    await server?.stop();
  });

  const get = (path: string) => fetch(`${server.url}${path}`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
  const NAMES = ['Олена Коваль', 'Марко Ткачук', 'Степан Двічі'];

  it('the organisers’ JSON and CSV carry the names', async () => {
    const json = await (await get('/api/export.json')).text();
    for (const name of NAMES) expect(json).toContain(name);
    const rows = parseCsv(await (await get('/api/export.csv')).text(), ';');
    const author = rows[0].indexOf('Автор');
    expect(rows.find((r) => r.includes('Сквер біля річки'))![author]).toBe('Олена Коваль');
    // The audit log names whose ballot was voided, and that the facilitator did it.
    const { moderation } = JSON.parse(json) as { moderation: Record<string, unknown>[] };
    expect(moderation.find((m) => m.action === 'void')).toMatchObject({ by: 'facilitator', participant: 'Степан Двічі', reason: 'Другий голос', idea: null });
    const logRow = rows.find((r) => r[1] === 'учасника анульовано');
    expect(logRow).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT/), 'учасника анульовано', 'фасилітатор', '', 'Другий голос', '', '', '', '', '', 'Степан Двічі']);
  });

  it('names=0 leaves the CSV’s author column empty and the JSON without authorName', async () => {
    const res = await get('/api/export.json?names=0');
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const name of NAMES) expect(text).not.toContain(name);
    const data = JSON.parse(text) as {
      priorities: { ideas: Record<string, unknown>[] }[];
      voided: Record<string, unknown>[];
      turnout: { joined: number; voided: number };
      moderation: Record<string, unknown>[];
    };
    const all = data.priorities.flatMap((p) => p.ideas);
    expect(all.length).toBe(4);
    for (const idea of all) expect(idea).not.toHaveProperty('authorName');
    // What is not a name stays: dots, the voided participant's reason, the turnout.
    expect(all.find((i) => i.title === 'Сквер біля річки')).toMatchObject({ dots: 2, supporters: 1 });
    expect(data.voided).toEqual([{ reason: 'Другий голос', at: expect.any(String) }]);
    expect(data.turnout).toMatchObject({ joined: 3, voided: 1 });
    // The log keeps the step and its reason, not whose ballot it was.
    const step = data.moderation.find((m) => m.action === 'void');
    expect(step).toMatchObject({ by: 'facilitator', reason: 'Другий голос' });
    expect(step).not.toHaveProperty('participant');

    for (const [lang, sep, header] of [
      ['uk', ';', 'Автор'],
      ['en', ',', 'Author'],
    ] as const) {
      const csv = await (await get(`/api/export.csv?names=0&lang=${lang}`)).text();
      for (const name of NAMES) expect(csv).not.toContain(name);
      const rows = parseCsv(csv, sep);
      const author = rows[0].indexOf(header);
      expect(author).toBeGreaterThan(0);
      const ideaRows = rows.slice(1, 5);
      expect(ideaRows.map((r) => r[author])).toEqual(['', '', '', '']);
      expect(ideaRows.every((r) => r.length === rows[0].length)).toBe(true);
    }
  });

  it('a grant link takes names=0 too', async () => {
    const { grant } = ok(await admin.send('export:grant', {}));
    const csv = await (await fetch(`${server.url}/api/export.csv?grant=${grant}&names=0`)).text();
    expect(csv).toContain('Сквер біля річки');
    for (const name of NAMES) expect(csv).not.toContain(name);
  });

  it('dots given back name the idea’s priority, in each phone’s language', async () => {
    const marks = [olena.mark(), anon.mark()];
    const { voters } = ok(await admin.send('idea:hide', { ideaId: ideas['Сквер біля річки'], reason: 'Дублікат' }));
    expect(voters).toBe(1);
    const notice = await anon.next<Notice>('notice', (n) => n.code === 'DOTS_REFUNDED', marks[1]);
    expect(notice.message).toBe('Ідею «Сквер біля річки» у пріоритеті «Зелене місто» приховано, тож 2 ваші крапки повернуто.');
    expect(notice.params).toMatchObject({ title: 'Сквер біля річки', priority: 'Зелене місто', count: 2 });

    ok(await olena.send('session:setLanguage', { lang: 'en' }));
    ok(await admin.send('idea:hide', { ideaId: ideas['Лавки на набережній'], reason: 'Дублікат' }));
    const english = await olena.next<Notice>('notice', (n) => n.code === 'DOTS_REFUNDED', marks[0]);
    expect(english.message).toBe('The idea “Лавки на набережній” in the priority “Зелене місто” was hidden, so your 1 dot was given back.');
  });
});
