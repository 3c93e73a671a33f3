// Helpers the city vote's server tests share: a forum run to its results to shortlist from, a
// vote-only forum for a city vote made of its shortlist, and a definition over its ideas.

import type { CityVoteInput } from '../../shared/forum/city.js';
import type { Ack, ListCommandName, ListCommandPayload, ListCommandResults } from '../../shared/protocol.js';
import { connect, connectConsole, joinPhone, ok, type TestClient, type TestServer } from './harness.js';

export function listSend<N extends ListCommandName>(c: TestClient, name: N, payload: ListCommandPayload<N>): Promise<Ack<ListCommandResults[N]>> {
  return c.socket.timeout(10_000).emitWithAck(name, payload) as Promise<Ack<ListCommandResults[N]>>;
}

/** A forum of this server, as the harness's connect helpers take it. */
export const forumAt = (server: TestServer, slug: string) => {
  const forum = server.forums.bySlug(slug)!;
  return {
    url: server.url,
    socketUrl: `${server.url}/f/${slug}`,
    facilitatorKey: server.facilitatorKey,
    screenUrl: forum.attached.admission.screenUrl(),
    get joinCode() {
      return forum.attached.admission.joinInfo(Date.now()).joinCode;
    },
  };
};

/** Forum 1 run to its results with three ideas (two in priority 1, one in 2): a shortlist to make city forums from. */
export async function firstForum(server: TestServer, keep: <T extends TestClient>(c: T) => T): Promise<string[]> {
  const f1 = forumAt(server, '1');
  const admin = keep(await connectConsole(f1));
  const phone = keep(await joinPhone(f1, 'Оксана'));
  ok(await admin.send('phase:set', { to: 'ideas' }));
  const titles: [string, string][] = [
    ['1', 'Сквер на Польовій з лавками, деревами й освітленням для вечірніх прогулянок'],
    ['1', 'Велодоріжка до Гідропарку'],
    ['2', 'Курси для старших'],
  ];
  const first: string[] = [];
  for (const [priorityCode, title] of titles) first.push(ok(await phone.send('idea:submit', { priorityCode, title, description: `Опис: ${title}`, place: 'Житомир, центр' })).ideaId);
  ok(await admin.send('phase:set', { to: 'review' }));
  ok(await admin.send('phase:set', { to: 'voting' }));
  for (const ideaId of first) ok(await phone.send('dot:place', { ideaId }));
  ok(await admin.send('phase:set', { to: 'results' }));
  return first;
}

/** A vote-only forum for a city vote made from forum 1's shortlist, still in the lobby: its slug, and its idea ids by title. */
export async function newCityForum(server: TestServer, keep: <T extends TestClient>(c: T) => T, first: string[]): Promise<{ slug: string; ideas: Record<string, string> }> {
  const list = keep(await connect(server.url, { role: 'console', key: server.facilitatorKey }));
  await list.next('forums');
  const forumId = server.forums.bySlug('1')!.room.state.id;
  const created = ok(await listSend(list, 'forums:create', { title: 'Бюджет участі 2027', from: { kind: 'shortlist', forumId, ideaIds: first, cityVote: true } }));
  const state = server.forums.bySlug(created.slug)!.room.state;
  return { slug: created.slug, ideas: Object.fromEntries([...state.ideas.values()].map((i) => [i.title, i.id])) };
}

/** Forum 1 to its results, and forum 2 a city forum of its shortlist: forum 2's idea ids by title. */
export async function cityForum(server: TestServer, keep: <T extends TestClient>(c: T) => T): Promise<Record<string, string>> {
  return (await newCityForum(server, keep, await firstForum(server, keep))).ideas;
}

/** A definition of two budgets over forum 2's ideas and two projects typed in. */
export function definition(ideas: Record<string, string>, overrides: Partial<CityVoteInput> = {}): CityVoteInput {
  return {
    title: 'Громадський бюджет Житомира 2027',
    budgets: [
      { id: 'centre', name: 'Центр', amount: 1_000_000 },
      { id: 'city', name: 'Загальноміський', amount: 500_000 },
    ],
    projects: [
      { id: 'square', budgetId: 'centre', cost: 600_000, ideaId: ideas['Сквер на Польовій з лавками, деревами й освітленням для вечірніх прогулянок'] },
      { id: 'bike', budgetId: 'centre', cost: 400_000, ideaId: ideas['Велодоріжка до Гідропарку'], title: 'Велодоріжка (перший етап)' },
      { id: 'lamps', budgetId: 'centre', cost: 150_000, title: 'Ліхтарі у дворах', description: 'Сорок ліхтарів', place: 'Вул. Київська' },
      { id: 'courses', budgetId: 'city', cost: 200_000, ideaId: ideas['Курси для старших'] },
      { id: 'library', budgetId: 'city', cost: 300_000, title: 'Книги для бібліотек' },
    ],
    ballot: { kind: 'knapsack' },
    counting: { kind: 'greedy' },
    tie: { kind: 'cheaperThenListed' },
    ...overrides,
  };
}

