// A city's vote for tests: a server whose first forum runs a short evening (two ideas, a dot, its
// results), and a vote-only forum made from its shortlist through the forum list, as the console
// makes one. Used by the tests of who may vote (voter codes, the eligibility list).

import type { Ack, ListCommandName, ListCommandPayload, ListCommandResults } from '../../shared/protocol.js';
import { connect, connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestServer } from './harness.js';
import type { ServerConfig } from '../main.js';

export interface CityVote {
  server: TestServer;
  /** The vote-only forum, as the harness's connect helpers take it. */
  vote: { url: string; socketUrl: string; facilitatorKey: string; slug: string; forumId: string };
  admin: TestClient;
  /** Its shortlisted ideas' ids. */
  ideaIds: string[];
  close(): Promise<void>;
}

function listSend<N extends ListCommandName>(c: TestClient, name: N, payload: ListCommandPayload<N>): Promise<Ack<ListCommandResults[N]>> {
  return c.socket.timeout(10_000).emitWithAck(name, payload) as Promise<Ack<ListCommandResults[N]>>;
}

export async function startCityVote(overrides: Partial<ServerConfig> = {}): Promise<CityVote> {
  const server = await startTestServer(overrides);
  const evening = await connectConsole(server);
  const phone = await joinPhone(server, 'Оксана');
  ok(await evening.send('phase:set', { to: 'ideas' }));
  const a = ok(await phone.send('idea:submit', { priorityCode: '1', title: 'Сквер на Польовій', description: '', place: 'Житомир' })).ideaId;
  ok(await phone.send('idea:submit', { priorityCode: '2', title: 'Курси для старших', description: '', place: '' }));
  ok(await evening.send('phase:set', { to: 'review' }));
  ok(await evening.send('phase:set', { to: 'voting' }));
  ok(await phone.send('dot:place', { ideaId: a }));
  ok(await evening.send('phase:set', { to: 'results' }));
  phone.close();
  evening.close();

  const list = await connect(server.url, { role: 'console', key: server.facilitatorKey });
  const first = server.forums.bySlug('1')!.room.state;
  const created = ok(await listSend(list, 'forums:create', { title: 'Громадський бюджет міста', from: { kind: 'shortlist', forumId: first.id, top: 1 } }));
  list.close();
  const vote = { url: server.url, socketUrl: `${server.url}/f/${created.slug}`, facilitatorKey: server.facilitatorKey, slug: created.slug, forumId: created.forumId };
  const admin = await connectConsole(vote);
  const ideaIds = [...server.forums.get(created.forumId)!.room.state.ideas.keys()];
  return {
    server,
    vote,
    admin,
    ideaIds,
    async close() {
      admin.close();
      await server.stop();
    },
  };
}
