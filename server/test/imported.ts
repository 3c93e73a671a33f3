// A forum made of given events, brought into a test server as a sealed forum file with the
// facilitator's key, as an organiser's import does: for tests that need a large forum at once.

import { Recorder } from '../../shared/forum/testing.js';
import type { ForumEvent } from '../../shared/forum/types.js';
import { forumFileOf } from '../forums/transfer.js';
import type { TestServer } from './harness.js';

/** Imports the forum `events` make and returns its slug; throws with the server's answer if refused. */
export async function importEvents(server: TestServer, events: readonly ForumEvent[]): Promise<string> {
  const r = new Recorder();
  r.apply([...events]);
  const res = await fetch(`${server.url}/api/forums/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-facilitator-key': server.facilitatorKey },
    body: await forumFileOf(r.state, events, 'sealed', server.facilitatorKey),
  });
  const reply = (await res.json()) as { ok: boolean; data?: { slug: string } };
  if (!reply.ok || !reply.data) throw new Error(`the import was refused: ${res.status} ${JSON.stringify(reply)}`);
  return reply.data.slug;
}
