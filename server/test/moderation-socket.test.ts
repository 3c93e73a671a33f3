// Moderating during the vote, through real clients: hiding a voted idea asks with the figure of
// voters whose dots go back (and asks again when it changed), restoring puts those dots back where
// budgets have room or leaves them with their owners (each voter told which), a voter whose dots
// an undone merge could not put back is told so, a correction that changes nothing is refused
// with nothing logged or sent, and line separators in a title become spaces. Admission of a
// vote-only forum: chosen at creation (open: a phone at home joins by its link and votes), and
// changed while its vote runs.

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForumEvent } from '../../shared/forum/types.js';
import { verifyLog } from '../../shared/forum/verify.js';
import { checkFileEvent } from '../forums/fileEvents.js';
import type { Ack, ConsoleView, ForumsView, ListCommandName, ListCommandPayload, ListCommandResults, MeView, Notice } from '../../shared/protocol.js';
import { connect, connectConsole, joinPhone, ok, refused, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

const noticesOf = (phone: TestPhone, since: number) =>
  phone.received.slice(since).filter((r) => r.event === 'notice').map((r) => r.args[0] as Notice);

describe('moderating a voted idea, and corrections', () => {
  let server: TestServer;
  let admin: TestClient;
  let olena: TestPhone;
  let marko: TestPhone;
  let anna: TestPhone;
  const id = { benches: '', lights: '', trees: '', paths: '', pathsToo: '', author: '' };

  beforeAll(async () => {
    server = await startTestServer();
    admin = await connectConsole(server);
    olena = await joinPhone(server, 'Олена');
    marko = await joinPhone(server, 'Марко');
    anna = await joinPhone(server, 'Анна');
    ok(await admin.send('forum:setRules', { rules: { ideasPerParticipant: 5, dotsPerPriority: 3, maxDotsPerIdea: 2 } }));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const submit = async (phone: TestPhone, title: string) => ok(await phone.send('idea:submit', { priorityCode: '1', title })).ideaId;
    id.benches = await submit(anna, 'Лавки\u2028у парку');
    id.lights = await submit(anna, 'Ліхтарі на набережній');
    id.trees = await submit(anna, 'Дерева на Київській');
    id.paths = await submit(anna, 'Доріжки в сквері');
    id.pathsToo = await submit(marko, 'Пішохідні доріжки у сквері');
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
  });
  afterAll(async () => {
    for (const c of [admin, olena, marko, anna]) c?.close();
    await server?.stop();
  });

  it('a line separator in a title becomes a space, so its words stay apart', async () => {
    // The console's view catches up in a patch of its own, which may come after the acks.
    const view = await admin.next<ConsoleView>('console', (v) => v.ideas.some((i) => i.id === id.benches));
    expect(view.ideas.find((i) => i.id === id.benches)?.title).toBe('Лавки у парку');
    expect(server.forums.bySlug(server.slug)!.room.state.ideas.get(id.benches)?.title).toBe('Лавки у парку');
  });

  it('hiding a voted idea with the wrong figure is refused with the right one; with it, the ack counts voters and dots apart', async () => {
    ok(await olena.send('dot:place', { ideaId: id.lights }));
    ok(await olena.send('dot:place', { ideaId: id.lights }));
    ok(await marko.send('dot:place', { ideaId: id.lights }));
    const before = server.forums.bySlug(server.slug)!.room.state.moderation.length;

    const asked = await admin.send('idea:hide', { ideaId: id.lights, reason: 'Дублікат', voters: 0 });
    expect(refused(asked)).toBe('HIDE_CONFIRM');
    expect(asked.ok ? null : asked.error.params).toEqual({ voters: 2, dots: 3 });
    expect(asked.ok ? '' : asked.error.message).toBe(
      'Поки ви підтверджували, голоси змінилися: тепер крапки повернуться учасникам: 2 (крапок: 3). Підтвердьте ще раз.',
    );
    // Refused: the idea is still on the wall with its dots, and nothing was logged.
    const state = server.forums.bySlug(server.slug)!.room.state;
    expect(state.ideas.get(id.lights)?.status).toBe('active');
    expect(state.moderation.length).toBe(before);

    const marks = [olena.mark(), marko.mark()];
    expect(ok(await admin.send('idea:hide', { ideaId: id.lights, reason: 'Дублікат', voters: 2 }))).toEqual({ voters: 2, dots: 3 });
    await olena.next<Notice>('notice', (n) => n.code === 'DOTS_REFUNDED', marks[0]);
    await marko.next<Notice>('notice', (n) => n.code === 'DOTS_REFUNDED', marks[1]);
    // An idea nobody voted for hides on the figure 0 at once.
    expect(ok(await admin.send('idea:hide', { ideaId: id.trees, reason: 'Поза темою', voters: 0 }))).toEqual({ voters: 0, dots: 0 });
  });

  it('the console sees what a hidden idea gave back; a host never does', async () => {
    const hiddenBoth = (v: ConsoleView) => [id.lights, id.trees].every((idea) => v.ideas.some((i) => i.id === idea && i.status === 'hidden'));
    const view = await admin.next<ConsoleView>('console', hiddenBoth);
    expect(view.ideas.find((i) => i.id === id.lights)?.hiddenDots).toEqual({ voters: 2, dots: 3 });
    expect(view.ideas.find((i) => i.id === id.trees)?.hiddenDots).toBeUndefined();
    const invite = ok(await admin.send('host:invite', { name: 'Ведуча столу', scope: '1' }));
    const host = await connect(server.socketUrl, { role: 'host', key: new URLSearchParams(invite.link.split('?')[1]).get('host') ?? '' });
    const seen = await host.next<ConsoleView>('console');
    expect(seen.ideas.find((i) => i.id === id.lights)?.status).toBe('hidden');
    expect(seen.ideas.find((i) => i.id === id.lights)?.hiddenDots).toBeUndefined();
    // A host's figure-less hide and restore: no tally in the acks.
    expect(ok(await host.send('idea:hide', { ideaId: id.paths, reason: 'Дублікат', voters: 5 }))).toEqual({});
    expect(ok(await host.send('idea:restore', { ideaId: id.paths, dotsBack: true }))).toEqual({});
    host.close();
  });

  it('restoring with the dots put back: where a budget has room they are back, where not the voter is told', async () => {
    // Марко spends all three of his dots elsewhere meanwhile; Олена keeps room for her two.
    ok(await marko.send('dot:place', { ideaId: id.pathsToo }));
    ok(await marko.send('dot:place', { ideaId: id.pathsToo }));
    ok(await marko.send('dot:place', { ideaId: id.paths }));
    const marks = [olena.mark(), marko.mark()];
    expect(ok(await admin.send('idea:restore', { ideaId: id.lights, dotsBack: true }))).toEqual({ voters: 2, dots: 3, reinstated: 2 });
    const me = await olena.next<MeView>('me', (m) => m.dots[id.lights] === 2, marks[0]);
    expect(me.dots[id.lights]).toBe(2);
    const back = await olena.next<Notice>('notice', (n) => n.code === 'DOTS_REINSTATED', marks[0]);
    expect(back.message).toBe('Ідею «Ліхтарі на набережній» знову показано, і 2 ваші крапки, повернуті, коли її приховали, знову поставлено на неї.');
    const short = await marko.next<Notice>('notice', (n) => n.code === 'DOTS_NOT_REINSTATED', marks[1]);
    expect(short.params).toMatchObject({ title: 'Ліхтарі на набережній', count: 1 });
    expect(short.message).toContain('у вас уже немає вільних крапок');
    expect(server.forums.bySlug(server.slug)!.room.state.dots.get(marko.me.participantId)?.get(id.lights)).toBeUndefined();
  });

  it('restoring without the dots leaves them with their owners, and tells them so', async () => {
    ok(await olena.send('dot:remove', { ideaId: id.lights }));
    const marks = olena.mark();
    expect(ok(await admin.send('idea:hide', { ideaId: id.lights, reason: 'Ще раз', voters: 1 }))).toEqual({ voters: 1, dots: 1 });
    expect(ok(await admin.send('idea:restore', { ideaId: id.lights }))).toEqual({ voters: 1, dots: 1, reinstated: 0 });
    const kept = await olena.next<Notice>('notice', (n) => n.code === 'DOTS_KEPT', marks);
    expect(kept.message).toBe('Ідею «Ліхтарі на набережній» знову показано. 1 крапка, яку вам повернули, коли її приховали, лишається у вас: поставте її знову в пріоритеті «' + kept.params?.priority + '», якщо хочете.');
    expect(server.forums.bySlug(server.slug)!.room.state.dots.get(olena.me.participantId)?.get(id.lights)).toBeUndefined();
  });

  it('a voter whose dots an undone merge could not put back is told so on the phone', async () => {
    // Анна: 2 on paths, 1 on pathsToo; merged into pathsToo, the cap of 2 gives one back.
    ok(await anna.send('dot:place', { ideaId: id.paths }));
    ok(await anna.send('dot:place', { ideaId: id.paths }));
    ok(await anna.send('dot:place', { ideaId: id.pathsToo }));
    const merged = ok(await admin.send('idea:merge', { into: id.pathsToo, ideas: [id.paths] }));
    // She spends the dot given back, so at undo her budget has no room for it.
    ok(await anna.send('dot:place', { ideaId: id.benches }));
    const marks = [anna.mark(), olena.mark()];
    ok(await admin.send('idea:unmerge', { mergeId: merged.mergeId }));
    const short = await anna.next<Notice>('notice', (n) => n.code === 'MERGE_UNDONE_SHORT', marks[0]);
    expect(short.params).toMatchObject({ into: 'Пішохідні доріжки у сквері', title: 'Доріжки в сквері', count: 1 });
    expect(short.message).toBe(
      `Об’єднання з ідеєю «Пішохідні доріжки у сквері» скасовано, але 1 вашу крапку, повернуту під час об’єднання, не поставлено знову на «Доріжки в сквері»: у пріоритеті «${short.params?.priority}» у вас уже немає вільних крапок.`,
    );
    // She is not also told that everything is back where it was.
    expect(noticesOf(anna, marks[0]).map((n) => n.code)).not.toContain('MERGE_UNDONE');
  });

  it('a correction that changes nothing is refused: nothing logged, the author told nothing', async () => {
    const state = server.forums.bySlug(server.slug)!.room.state;
    const idea = state.ideas.get(id.trees)!;
    const before = state.moderation.length;
    const marks = anna.mark();
    const same = await admin.send('idea:correct', { ideaId: id.trees, goalCode: idea.goalCode, title: `  ${idea.title} `, description: idea.description, place: idea.place });
    expect(refused(same)).toBe('IDEA_UNCHANGED');
    expect(same.ok ? '' : same.error.message).toBe('Ви нічого не змінили: текст, місце й ціль ідеї такі самі. Виправлення не збережено, автору нічого не надіслано.');
    expect(state.moderation.length).toBe(before);
    expect(state.ideas.get(id.trees)?.corrected).toBe(false);
    // A real change goes through, and only that one reaches the author.
    ok(await admin.send('idea:correct', { ideaId: id.trees, goalCode: idea.goalCode, title: 'Дерева на вулиці Київській', description: '', place: '' }));
    await anna.next<Notice>('notice', (n) => n.code === 'IDEA_CORRECTED', marks);
    expect(noticesOf(anna, marks).filter((n) => n.code === 'IDEA_CORRECTED')).toHaveLength(1);
  });

  it('the log of all this passes its check and a forum file’s, and replays to the dots the server holds', () => {
    const live = server.forums.bySlug(server.slug)!.room.state;
    const db = new Database(server.dbPath, { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare('SELECT seq, type, payload FROM events WHERE forum_id = ? ORDER BY seq').all(live.id) as { seq: number; type: string; payload: string }[];
      const report = verifyLog(rows.map((r) => ({ seq: r.seq, event: { type: r.type, ...JSON.parse(r.payload) } as ForumEvent })));
      expect(report.problems).toEqual([]);
      // And a forum file carrying them is read back: each event as an import checks it.
      expect(rows.map((r) => checkFileEvent({ type: r.type, ...JSON.parse(r.payload) })).filter(Boolean)).toEqual([]);
      expect(rows.some((r) => r.type === 'ideaRestored' && JSON.parse(r.payload).reinstated?.length === 1)).toBe(true);
      const dots = (s: typeof live) => [...s.dots].map(([who, mine]) => [who, [...mine].sort()]).sort();
      expect(dots(report.state)).toEqual(dots(live));
    } finally {
      db.close();
    }
  });
});

/** The console at the server's own address: the forum list. */
async function connectList(server: TestServer): Promise<TestClient> {
  const c = await connect(server.url, { role: 'console', key: server.facilitatorKey });
  await c.next<ForumsView>('forums');
  return c;
}

function listSend<N extends ListCommandName>(c: TestClient, name: N, payload: ListCommandPayload<N>): Promise<Ack<ListCommandResults[N]>> {
  return c.socket.timeout(10_000).emitWithAck(name, payload) as Promise<Ack<ListCommandResults[N]>>;
}

describe('admission of a vote-only forum', () => {
  let server: TestServer;
  let admin: TestClient;
  let list: TestClient;
  const phones: TestPhone[] = [];

  beforeAll(async () => {
    // The server's own admission is the rotating hall code, as at an evening in a hall.
    server = await startTestServer({ admission: 'hall' });
    admin = await connectConsole(server);
    list = await connectList(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const forum = server.forums.bySlug(server.slug)!;
    const join = () => joinPhone({ socketUrl: server.socketUrl, url: server.url, joinCode: forum.attached.admission.joinInfo(Date.now()).joinCode });
    const phone = await join();
    phones.push(phone);
    ok(await phone.send('idea:submit', { priorityCode: '1', title: 'Сквер на Польовій' }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    ok(await admin.send('phase:set', { to: 'results' }));
  });
  afterAll(async () => {
    for (const c of [admin, list, ...phones]) c?.close();
    await server?.stop();
  });

  it('is chosen when it is created, and can change while its vote runs; an evening forum in voting still cannot', async () => {
    const first = server.forums.bySlug(server.slug)!.room.state;
    const created = ok(await listSend(list, 'forums:create', { title: 'Голосування тижня', from: { kind: 'shortlist', forumId: first.id, top: 3, admission: 'open' } }));
    const voteOnly = server.forums.get(created.forumId)!;
    expect(voteOnly.room.state.phase).toBe('voting');
    expect(voteOnly.room.state.admission).toBe('open');
    // A fixed code: a phone at home, days later, joins with the link it was sent, from an address
    // no phone of the hall had, and its vote counts.
    const code = voteOnly.attached.admission.joinInfo(Date.now()).joinCode;
    const at = { url: server.url, socketUrl: `${server.url}/f/${created.slug}`, facilitatorKey: server.facilitatorKey, joinCode: code };
    const home = await joinPhone(at, 'Вдома', false, '127.42.0.7');
    phones.push(home);
    expect(voteOnly.room.state.participants.get(home.me.participantId)?.address).toBe('127.42.0.7');
    const [shortlisted] = voteOnly.room.state.ideas.keys();
    ok(await home.send('dot:place', { ideaId: shortlisted }));
    expect(voteOnly.room.state.dotTotals.byIdea.get(shortlisted)).toEqual({ dots: 1, supporters: 1 });
    const console2 = await connectConsole(at);
    expect(ok(await console2.send('admission:setMode', { mode: 'tickets' }))).toEqual({ mode: 'tickets' });
    expect(voteOnly.room.state.admission).toBe('tickets');
    expect(ok(await console2.send('admission:setMode', { mode: 'open' }))).toEqual({ mode: 'open' });
    console2.close();
    // Not saying how: the server's own, as before.
    const plain = ok(await listSend(list, 'forums:create', { title: 'Ще одне', from: { kind: 'shortlist', forumId: first.id, top: 1 } }));
    expect(server.forums.get(plain.forumId)!.room.state.admission).toBe('hall');
    // The evening's forum, past its lobby, keeps its mode.
    expect(refused(await admin.send('admission:setMode', { mode: 'open' }))).toBe('WRONG_PHASE');
  });
});
