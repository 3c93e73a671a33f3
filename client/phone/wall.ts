// The page of the wall of ideas this phone shows: it asks the server for one priority's page (with
// its search, and how many pages), is sent it, then its changes. Asked again at every reconnect
// with the tag of the page held: sent whole then only if it changed meanwhile. Pages of another priority or search, answering a request made before the
// last, are left aside. A large page comes gzipped to a browser that can unpack it; pages are
// applied in the order they came, one unpacked before the next.

import { deviceOrder, newestFirst } from '../../shared/forum/wallOrder.js';
import type { Phase } from '../../shared/forum/types.js';
import type { PhoneGreeting, WallIdea, WallPage } from '../../shared/protocol.js';
import { send, useConnection } from '../lib/connection.js';
import { gunzipJson } from './gunzip.js';
import { usePhone } from './store.js';

/** Shows this priority's wall, with this search and this many pages (null: no wall). */
export function watchWall(priorityCode: string | null, query = '', pages = 1): void {
  usePhone.setState((s) => {
    if (priorityCode === null) return { wall: null };
    const same = s.wall?.priorityCode === priorityCode && s.wall.query === query;
    return { wall: { priorityCode, query, pages, ideas: same ? s.wall!.ideas : [], total: same ? s.wall!.total : 0, newer: 0, tag: same ? s.wall!.tag : undefined, loading: true, error: null } };
  });
  // Offline: asked as the connection comes back (askAgain).
  if (useConnection.getState().status === 'online') void ask();
}

/** The wall named in the last handshake: its greeting answers for it, if it is still the one shown. */
let named: { priorityCode: string; query: string; pages: number } | null = null;

/**
 * The wall shown, for the handshake (Handshake.watch), with the tag of the page held: its greeting
 * answers, and a phone back after a drop sends nothing more for it. Without the tag while pages of
 * the last connection wait to be applied: the page then held is not yet known, and comes whole.
 */
export function wallForHandshake(): { priorityCode: string; query: string; pages: number; tag?: string } | undefined {
  const wall = usePhone.getState().wall;
  named = wall ? { priorityCode: wall.priorityCode, query: wall.query, pages: wall.pages } : null;
  if (!wall) return undefined;
  return { ...named!, ...(wall.tag && applying === 0 ? { tag: wall.tag } : {}) };
}

/** The greeting's answer for the wall named in the handshake; if the wall shown is another now (or none was answered), it is asked for. */
export function greeted(answer: PhoneGreeting['wall']): void {
  const wall = usePhone.getState().wall;
  if (!wall) return;
  const asked = named;
  named = null;
  if (!answer || !asked || asked.priorityCode !== wall.priorityCode || asked.query !== wall.query || asked.pages !== wall.pages) return askAgain();
  // The page held is the page now (`same`, never packed): applied in its turn; a page it lacks comes as a wall:page.
  if (answer.page) void receivePage(answer.page, () => {});
  usePhone.setState((s) => (s.wall ? { wall: { ...s.wall, loading: false, error: null } } : {}));
}

/** The wall watched, asked for again on a new connection, saying which page it holds: it is sent whole only if that changed. */
export function askAgain(): void {
  const wall = usePhone.getState().wall;
  if (wall) {
    usePhone.setState({ wall: { ...wall, loading: true, error: null } });
    void ask(true);
  }
}

async function ask(again = false): Promise<void> {
  // The pages of the last connection applied first: the tag sent is of the page then held.
  if (again) await queue;
  const asked = usePhone.getState().wall;
  const tag = again ? asked?.tag : undefined;
  const ack = await send('wall:watch', { priorityCode: asked?.priorityCode ?? null, query: asked?.query ?? '', pages: asked?.pages ?? 1, ...(tag ? { tag } : {}) });
  // The page held is the page now (`same`, never packed): told in the ack, applied in its turn.
  if (ack.ok && ack.data.page) void receivePage(ack.data.page, () => {});
  usePhone.setState((s) => {
    // Answered after another request: that one's answer says how it went.
    if (!s.wall || s.wall.priorityCode !== asked?.priorityCode || s.wall.query !== asked.query || s.wall.pages !== asked.pages) return {};
    return { wall: { ...s.wall, loading: false, error: ack.ok ? null : ack.error.message } };
  });
}

export { canGunzip } from './gunzip.js';

let queue: Promise<void> = Promise.resolve();
/** Pages received and not yet applied. */
let applying = 0;

/** A page as it comes, applied after those before it; resolves once applied. `reconnect`: to be sent pages plain. */
export function receivePage(page: WallPage, reconnect: () => void): Promise<void> {
  applying++;
  queue = queue
    .then(async () => {
      if (!page.gz) return apply(page);
      try {
        apply({ ...page, upserts: await gunzipJson<WallIdea[]>(page.gz) });
      } catch {
        // Not unpacked: connect again, saying so (gunzip.ts), and the page comes plain.
        reconnect();
      }
    })
    .catch(() => {})
    .finally(() => void applying--);
  return queue;
}

function apply(page: WallPage): void {
  usePhone.setState((s) => {
    if (!s.wall || s.wall.priorityCode !== page.priorityCode || s.wall.query !== page.query) return {};
    // The page held is the page now (`same`): kept as it is.
    if (page.same) return { wall: { ...s.wall, total: page.total, newer: page.newer, tag: page.tag } };
    const byId = new Map(page.whole ? [] : s.wall.ideas.map((i) => [i.id, i]));
    for (const id of page.removed) byId.delete(id);
    const known = { ...s.known };
    for (const idea of page.upserts) {
      byId.set(idea.id, idea);
      known[idea.id] = idea;
    }
    return { wall: { ...s.wall, ideas: [...byId.values()], total: page.total, newer: page.newer, tag: page.tag }, known };
  });
}

/** Ideas this phone holds dots on and has not seen: asked for by id (after a reload, say). */
export async function learnIdeas(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const ack = await send('wall:ideas', { ids });
  if (!ack.ok) return;
  usePhone.setState((s) => {
    const known = { ...s.known };
    for (const idea of ack.data.ideas) known[idea.id] = idea;
    return { known };
  });
}

/** A page's ideas in the phase's order, as the server pages them: the phone's own while voting, newest first otherwise. */
export function ordered(ideas: readonly WallIdea[], phase: Phase, participantId: string, priorityCode: string): WallIdea[] {
  if (phase === 'voting') return deviceOrder(ideas, participantId, priorityCode);
  return [...ideas].sort((a, b) => newestFirst({ createdAt: a.at, id: a.id }, { createdAt: b.at, id: b.id }));
}
