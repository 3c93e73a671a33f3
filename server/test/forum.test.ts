// A whole forum on a real server: a console, a projector and 20 phones, from joining to revealed
// results and export, checking each ack and what every other client receives.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView, MeView, PhoneResult, PhoneView, PublicIdea, ScreenView } from '../../shared/protocol.js';
import { parseCsv } from './csv.js';
import { connect, connectConsole, connectScreen, joinPhone, ok, refused, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

const PHONES = 20;

describe('a whole forum, end to end', () => {
  let server: TestServer;
  let consoleClient: TestClient;
  let screen: TestClient;
  const phones: TestPhone[] = [];
  const ideaIds: string[][] = []; // per phone
  /** Dots acknowledged, idea → participant → count, as the test itself counts them. */
  const acked = new Map<string, Map<string, number>>();

  beforeAll(async () => {
    server = await startTestServer();
    consoleClient = await connectConsole(server);
    screen = await connectScreen(server);
  });
  afterAll(async () => {
    for (const p of phones) p.close();
    consoleClient?.close();
    screen?.close();
    await server?.stop();
  });

  it('phones join with the code, optionally named; the projector and console count them', async () => {
    for (let i = 0; i < PHONES; i++) phones.push(await joinPhone(server, i % 3 === 0 ? '' : `Учасник ${i + 1}`));
    expect(new Set(phones.map((p) => p.me.participantId)).size).toBe(PHONES);
    expect(phones[1].me.name).toBe('Учасник 2');
    expect(phones[0].me.name).toBe('');
    await screen.next<ScreenView>('screen', (v) => v.joined === PHONES && v.online === PHONES);
    const view = await consoleClient.next<ConsoleView>('console', (v) => v.participants.length === PHONES);
    expect(view.participants.every((p) => p.online)).toBe(true);
    expect(view.joinCode).toMatch(/^\d{6}$/);
  });

  it('the lobby refuses ideas; the console opens ideas and every screen follows', async () => {
    expect(refused(await phones[0].send('idea:submit', { priorityCode: '1', title: 'Рано' }))).toBe('WRONG_PHASE');
    const marks = phones.map((p) => p.mark());
    expect(ok(await consoleClient.send('phase:set', { to: 'ideas' }))).toEqual({ phase: 'ideas' });
    await Promise.all([
      ...phones.map((p, i) => p.next<PhoneView>('phone', (v) => v.forum.phase === 'ideas', marks[i])),
      screen.next<ScreenView>('screen', (v) => v.forum.phase === 'ideas'),
      consoleClient.next<ConsoleView>('console', (v) => v.forum.phase === 'ideas'),
    ]);
  });

  it('phones submit ideas; the others see them arrive, the projector counts them per priority', async () => {
    const others = phones.slice(1);
    const marks = others.map((p) => p.mark());
    const first = ok(await phones[0].send('idea:submit', { priorityCode: '5', goalCode: '5.4', title: 'Сквер біля річки', description: 'Лавки й дерева', place: 'Набережна' }));
    // The others open priority 5's wall.
    for (const p of others) ok(await p.send('wall:watch', { priorityCode: '5', query: '', pages: 1 }));
    expect(first.me.ideas).toHaveLength(1);
    expect(first.me.ideas[0]).toMatchObject({ id: first.ideaId, priorityCode: '5', goalCode: '5.4', status: 'active' });
    await Promise.all(
      others.map((p, i) =>
        p.next<{ upserts: PublicIdea[] }>('wall:page', (x) => x.upserts.some((u) => u.id === first.ideaId && u.title === 'Сквер біля річки'), marks[i]),
      ),
    );
    ideaIds.push([first.ideaId]);
    // Everyone else proposes one idea in priority 1 or 4, a few propose a second.
    for (let i = 1; i < PHONES; i++) {
      const mine = [ok(await phones[i].send('idea:submit', { priorityCode: i % 2 ? '1' : '4', title: `Ідея ${i}` })).ideaId];
      if (i % 5 === 0) mine.push(ok(await phones[i].send('idea:submit', { priorityCode: '1', title: `Друга ідея ${i}` })).ideaId);
      ideaIds.push(mine);
    }
    const total = ideaIds.flat().length;
    const view = await screen.next<ScreenView>('screen', (v) => Object.values(v.ideaCounts).reduce((a, b) => a + b, 0) === total);
    expect(view.ideaCounts['5']).toBe(1);
    expect(view.ideaCounts['1']).toBe(ideaIds.flat().length - 1 - 9);
    expect(view.newestIdeas[0].title).toBe('Ідея 19');
    expect(view.newestIdeas.map((i) => i.title)).toContain('Друга ідея 15');
    const consoleView = await consoleClient.next<ConsoleView>('console', (v) => v.ideas.length === total);
    expect(consoleView.ideas.find((i) => i.id === first.ideaId)?.authorId).toBe(phones[0].me.participantId);
  });

  it('a participant who joined without a name adds one; the others see it on the idea', async () => {
    const mark = phones[5].mark();
    const renamed = ok(await phones[0].send('participant:rename', { name: '  Марта  ' }));
    expect(renamed.me.name).toBe('Марта');
    const patch = await phones[5].next<{ upserts: PublicIdea[] }>('wall:page', (x) => x.upserts.some((u) => u.authorName === 'Марта'), mark);
    expect(patch.upserts.map((u) => u.id)).toEqual(ideaIds[0]);
    expect(refused(await phones[0].send('participant:rename', { name: 'М'.repeat(61) }))).toBe('TEXT_TOO_LONG');
  });

  it('authors edit and withdraw their own ideas; others cannot', async () => {
    const [ideaId] = ideaIds[2];
    expect(refused(await phones[3].send('idea:edit', { ideaId, title: 'Чужа правка' }))).toBe('NOT_AUTHOR');
    const edited = ok(await phones[2].send('idea:edit', { ideaId, title: 'Ідея 2, уточнена', place: 'Центр' }));
    expect(edited.me.ideas[0]).toMatchObject({ title: 'Ідея 2, уточнена', place: 'Центр' });
    ok(await phones[7].send('wall:watch', { priorityCode: '4', query: '', pages: 1 }));
    const mark = phones[7].mark();
    const [withdrawnId] = ideaIds[4];
    ok(await phones[4].send('idea:withdraw', { ideaId: withdrawnId }));
    await phones[7].next<{ removed: string[] }>('wall:page', (x) => x.removed.includes(withdrawnId), mark);
    ideaIds[4] = [];
  });

  it('review: the facilitator hides, corrects and restores; authors are told', async () => {
    ok(await consoleClient.send('phase:set', { to: 'review' }));
    const [hiddenId] = ideaIds[6];
    const mark = phones[6].mark();
    expect(ok(await consoleClient.send('idea:hide', { ideaId: hiddenId, reason: 'Не стосується теми' }))).toEqual({ voters: 0, dots: 0 });
    const notice = await phones[6].next<{ code: string; message: string }>('notice', (n) => n.code === 'IDEA_HIDDEN', mark);
    expect(notice.message).toContain('Не стосується теми');
    const me = await phones[6].next<MeView>('me', (m) => m.ideas.some((i) => i.status === 'hidden'), mark);
    expect(me.ideas[0].hiddenReason).toBe('Не стосується теми');

    const [fixId] = ideaIds[8];
    ok(await consoleClient.send('idea:correct', { ideaId: fixId, title: 'Ідея 8 (виправлено)', goalCode: null }));
    const corrected = await consoleClient.next<ConsoleView>('console', (v) => v.ideas.some((i) => i.id === fixId && i.corrected));
    expect(corrected.ideas.find((i) => i.id === fixId)?.authorId).toBe(phones[8].me.participantId);
    expect(corrected.moderation.map((m) => m.action)).toEqual(['hide', 'correct']);

    // Back to ideas and forward again is allowed from review.
    ok(await consoleClient.send('phase:set', { to: 'ideas' }));
    ok(await consoleClient.send('phase:set', { to: 'review' }));
  });

  it('voting: phones spend dots within budgets, see only their own, and the projector counts voters', async () => {
    ok(await consoleClient.send('phase:set', { to: 'voting' }));
    const p1 = ideaIds.flat().filter((id) => server.room.state.ideas.get(id)?.priorityCode === '1' && server.room.state.ideas.get(id)?.status === 'active');
    for (let i = 0; i < PHONES; i++) {
      // Each phone puts two dots on one idea and one on the next (budget 3, cap 2).
      const a = p1[i % p1.length];
      const b = p1[(i + 1) % p1.length];
      for (const ideaId of [a, a, b]) {
        const res = ok(await phones[i].send('dot:place', { ideaId }));
        const forIdea = acked.get(ideaId) ?? new Map<string, number>();
        forIdea.set(phones[i].me.participantId, (forIdea.get(phones[i].me.participantId) ?? 0) + 1);
        acked.set(ideaId, forIdea);
        expect(res.me.dots[ideaId]).toBe(forIdea.get(phones[i].me.participantId));
      }
      expect(refused(await phones[i].send('dot:place', { ideaId: p1[(i + 2) % p1.length] }))).toBe('BUDGET_EXCEEDED');
    }
    // One phone changes its mind.
    const change = ok(await phones[0].send('dot:remove', { ideaId: p1[1] }));
    expect(change.me.dots[p1[1]]).toBeUndefined();
    acked.get(p1[1])!.delete(phones[0].me.participantId);

    const view = await screen.next<ScreenView>('screen', (v) => v.voted === PHONES);
    expect(view.votedPerPriority['1']).toBe(PHONES);
    expect(view.votedPerPriority['5']).toBe(0);
    // Views are coalesced: one sent before the last change may still arrive; the last one tells.
    const c = await consoleClient.next<ConsoleView>('console', (v) => v.voted === PHONES && v.dotsPerPriority['1'] === PHONES * 3 - 1);
    expect(c.dotsPerPriority['1']).toBe(PHONES * 3 - 1);
  });

  it("a dot's new view reaches the phone once, in its ack; another connection of the same ballot is pushed it", async () => {
    const phone = phones[0];
    const other = await connect(server.socketUrl, { role: 'phone', token: phone.token });
    await other.next<MeView>('me');
    const target = [...acked.keys()].find((id) => acked.get(id)!.has(phone.me.participantId))!;
    const mark = phone.mark();
    const otherMark = other.mark();
    const removed = ok(await phone.send('dot:remove', { ideaId: target }));
    // Pushes go out before the acks of their batch: had one been sent to this connection, it would be here.
    expect(phone.received.slice(mark).filter((r) => r.event === 'me')).toHaveLength(0);
    expect(await other.next<MeView>('me', (m) => m.dots[target] === removed.me.dots[target], otherMark)).toEqual(removed.me);
    ok(await phone.send('dot:place', { ideaId: target }));
    expect(phone.received.slice(mark).filter((r) => r.event === 'me')).toHaveLength(0);
    other.close();
  });

  it('hiding an idea during voting gives its dots back to their owners', async () => {
    const [target] = [...acked.entries()].sort((x, y) => y[1].size - x[1].size)[0];
    const owners = [...acked.get(target)!.keys()];
    const ownerPhones = phones.filter((p) => owners.includes(p.me.participantId));
    const marks = ownerPhones.map((p) => p.mark());
    const res = ok(await consoleClient.send('idea:hide', { ideaId: target, reason: 'Дублікат' }));
    expect(res.voters).toBe(owners.length);
    await Promise.all(
      ownerPhones.map(async (p, i) => {
        const me = await p.next<MeView>('me', (m) => !(target in m.dots), marks[i]);
        expect(me.dots[target]).toBeUndefined();
        const notice = await p.next<{ code: string }>('notice', (n) => n.code === 'DOTS_REFUNDED', marks[i]);
        expect(notice.code).toBe('DOTS_REFUNDED');
      }),
    );
    expect(refused(await ownerPhones[0].send('dot:place', { ideaId: target }))).toBe('IDEA_NOT_ACTIVE');
    acked.delete(target);
  });

  it('results: the console sees rankings, phones and projector only what is revealed', async () => {
    ok(await consoleClient.send('phase:set', { to: 'results' }));
    const c = await consoleClient.next<ConsoleView>('console', (v) => v.forum.phase === 'results' && v.results.length === 6);
    const ranking = c.results.find((r) => r.priorityCode === '1')!.rows;
    for (const row of ranking) {
      const counted = acked.get(row.ideaId);
      expect(row.dots).toBe(counted ? [...counted.values()].reduce((a, b) => a + b, 0) : 0);
      expect(row.supporters).toBe(counted?.size ?? 0);
    }
    for (let i = 1; i < ranking.length; i++) expect(ranking[i].dots).toBeLessThanOrEqual(ranking[i - 1].dots);

    const marks = phones.map((p) => p.mark());
    ok(await consoleClient.send('priority:reveal', { priorityCode: '1' }));
    const shown = await screen.next<ScreenView>('screen', (v) => v.results.length === 1);
    expect(shown.results[0]).toEqual({ priorityCode: '1', rows: ranking });
    await Promise.all(
      phones.map(async (p, i) => {
        const v = await p.next<PhoneResult[]>('results', (x) => x.length === 1, marks[i]);
        // A phone gets what it shows of each row, and nothing more.
        expect(v[0].rows).toEqual(ranking.map(({ ideaId, title, dots, supporters, rank }) => ({ ideaId, title, dots, supporters, rank })));
      }),
    );
    expect(refused(await consoleClient.send('priority:reveal', { priorityCode: '1' }))).toBe('ALREADY_REVEALED');
  });

  it('exports JSON and CSV that agree with the acknowledged dots', async () => {
    // The key travels in a header, or a short-lived grant in the link; never the key in a link.
    expect((await fetch(`${server.url}/api/export.json?key=${encodeURIComponent(server.facilitatorKey)}`)).status).toBe(403);
    const json = await fetch(`${server.url}/api/export.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
    expect(json.status).toBe(200);
    const data = (await json.json()) as {
      forum: { title: string };
      priorities: { code: string; goals: unknown[]; ideas: { id: string; status: string; dots: number; supporters: number; rank: number | null; goalCode: string | null }[] }[];
      turnout: { joined: number; voted: number };
    };
    expect(data.forum.title).toBe('Житомир 2030');
    expect(data.turnout).toMatchObject({ joined: PHONES, voted: PHONES });
    expect(data.priorities.map((p) => p.code)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(data.priorities[4].goals).toHaveLength(4);
    const all = data.priorities.flatMap((p) => p.ideas);
    expect(all).toHaveLength(ideaIds.flat().length);
    for (const idea of all) {
      if (idea.status === 'hidden') {
        expect(idea.rank).toBeNull();
        continue;
      }
      const counted = acked.get(idea.id);
      expect(idea.dots).toBe(counted ? [...counted.values()].reduce((a, b) => a + b, 0) : 0);
      expect(idea.supporters).toBe(counted?.size ?? 0);
      expect(idea.rank).toBeGreaterThanOrEqual(1);
    }
    expect(all.filter((i) => i.status === 'hidden')).toHaveLength(2);

    const { grant } = ok(await consoleClient.send('export:grant', {}));
    const csv = await fetch(`${server.url}/api/export.csv?grant=${grant}`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder().decode(bytes), ';');
    expect(rows[0].slice(0, 5)).toEqual(['Код пріоритету', 'Пріоритет', 'Код цілі', 'Ціль', 'Назва ідеї']);
    const ideaRows = rows.slice(1, 1 + all.length);
    expect(ideaRows.every((r) => r.length === rows[0].length)).toBe(true);
    expect(ideaRows.some((r) => r.includes('Сквер біля річки') && r.includes('Зелене місто') && r.includes('5.4'))).toBe(true);
    expect(ideaRows.filter((r) => r.includes('прихована'))).toHaveLength(2);
    // Turnout follows the table after an empty line.
    expect(rows[1 + all.length]).toEqual(['']);
    expect(rows.find((r) => r[0] === 'Учасників')).toEqual(['Учасників', String(PHONES)]);
    expect(rows.find((r) => r[0] === 'Проголосували')).toEqual(['Проголосували', String(PHONES)]);

    expect((await fetch(`${server.url}/api/export.json`, { headers: { 'x-facilitator-key': 'wrong' } })).status).toBe(403);
    expect((await fetch(`${server.url}/api/export.csv?grant=forged`)).status).toBe(403);
    expect((await fetch(`${server.url}/api/export.csv`)).status).toBe(403);
  });

  it('closes the forum', async () => {
    ok(await consoleClient.send('phase:set', { to: 'closed' }));
    await screen.next<ScreenView>('screen', (v) => v.forum.phase === 'closed');
    expect(refused(await consoleClient.send('phase:set', { to: 'voting' }))).toBe('BAD_TRANSITION');
  });
});
