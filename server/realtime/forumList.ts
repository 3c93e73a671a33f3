// The forum list: the console at the server's own address (/console) connects to the main
// namespace with the facilitator's key, sees every forum (title, date, phase, participants,
// ideas) and the log of whole forums, and creates, archives and deletes them. Each forum's own
// console, projector and phones live in that forum's namespace (/f/<slug>), apart from this one.
// Its commands take the forums' own path to their handlers (dispatch.ts, receiveCommands), and what
// a new forum starts from is decided in forums/create.ts.

import { countDots, tallyPriority } from '../../shared/forum/tally.js';
import type { AdmissionMode } from '../../shared/forum/types.js';
import {
  LIST_COMMANDS,
  PROTOCOL_VERSION,
  handshakeSchema,
  type ForumSummary,
  type ForumsView,
  type Lang,
  type ListCommandName,
  type ListCommandParsed,
  type ListCommandResults,
} from '../../shared/protocol.js';
import { Refusal, type ForumRoom } from '../forum/room.js';
import { loadTemplate } from '../forum/template.js';
import { forumStartOf, type StartSources } from '../forums/create.js';
import type { Attached, Forums } from '../forums/registry.js';
import { EVERY_FORUM, type Grants } from '../http/grants.js';
import type { Logger } from '../log.js';
import { receiveCommands, refusalAck, refusalOf } from './dispatch.js';
import { addressOf, refuseConnection } from './handshake.js';
import type { KeyGuard } from './keys.js';
import { fullBucket, take, type Limits } from './limits.js';
import type { Namespace, Socket } from 'socket.io';

export interface ForumListDeps {
  forums: Forums<Attached>;
  limits: Limits;
  keys: KeyGuard;
  grants: Grants;
  log: Logger;
  trustProxy: number;
  /** How a new forum admits people (ADMISSION). */
  admission: AdmissionMode;
  /** The server's public address, on which the list shows each forum's phone address. */
  publicUrl: string;
  templatePath: string;
}

const LIST = 'list';
/** Coalescing: the list is sent at most this often while forums change. */
const LIST_THROTTLE_MS = 500;

export function summary(room: ForumRoom): ForumSummary {
  const s = room.shown.state;
  const counts = countDots(s);
  let ideas = 0;
  for (const idea of s.ideas.values()) if (idea.status === 'active') ideas++;
  return {
    id: s.id,
    slug: room.record.slug,
    title: s.title,
    createdAt: s.createdAt,
    phase: s.phase,
    participants: s.participants.size - s.voidedCount,
    ideas,
    archived: s.archived,
    voteOnly: s.voteOnly,
    basedOn: s.basedOn,
    // Rankings only once a forum has its results: what a shortlist or the next forum is made from.
    ranked: !['results', 'closed'].includes(s.phase) ? [] : s.structure.priorities.map((p) => ({
      priorityCode: p.code,
      priorityTitle: p.title,
      ideas: tallyPriority(s, p.code, counts).map((r) => ({
        id: r.ideaId,
        title: s.ideas.get(r.ideaId)?.title ?? '',
        dots: r.dots,
        rank: r.rank,
        goalCode: s.ideas.get(r.ideaId)?.goalCode ?? null,
      })),
    })),
  };
}

/**
 * Every forum open here, and (forums opened on demand) each closed one as it was when it closed
 * (`closed`); one never opened since the start is not listed until it is. A list over several
 * processes would need each forum's summary in the store, written by its owner with its batches.
 */
export function forumsView(forums: Forums<Attached>, publicUrl: string, closed: ReadonlyMap<string, ForumSummary> = new Map()): ForumsView {
  const listed: ForumSummary[] = [];
  for (const record of forums.records()) {
    const live = forums.get(record.id);
    const known = live ? summary(live.room) : closed.get(record.id);
    if (known) listed.push(known);
  }
  return {
    forums: listed,
    publicUrl,
    log: forums
      .serverLog()
      .slice(-50)
      .map((e) => ({ at: e.at, action: e.action, forumId: e.forumId, title: e.title })),
  };
}

export function attachForumList(nsp: Namespace, deps: ForumListDeps): { close(): void } {
  const { forums, limits, keys } = deps;

  nsp.use((socket: Socket, next: (err?: Error) => void) => {
    const auth = handshakeSchema.safeParse(socket.handshake.auth);
    const lang: Lang = auth.success && auth.data.lang ? auth.data.lang : 'uk';
    if (!auth.success) return next(refuseConnection('BAD_INPUT', lang));
    if (auth.data.v !== PROTOCOL_VERSION) return next(refuseConnection('PROTOCOL_MISMATCH', lang));
    // Only the facilitator's console opens the list; phones and projectors belong to a forum.
    if (auth.data.role !== 'console') return next(refuseConnection('FORBIDDEN', lang));
    const address = addressOf(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], deps.trustProxy);
    keys.check(auth.data.key, () => [forums.facilitatorKey], address, 'console').then((check) => {
      if (!check.ok) return next(check.retryAfter ? refuseConnection('RATE_LIMITED', lang, check.retryAfter) : refuseConnection('FORBIDDEN', lang));
      socket.data.lang = lang;
      socket.data.commands = fullBucket(limits.settings.commandsPerConnection, Date.now());
      next();
    }, next);
  });

  /** The last summary of each forum closed for being idle: the list keeps showing it. */
  const closed = new Map<string, ForumSummary>();
  const stopUnloads = forums.onUnload((f) => closed.set(f.room.record.id, summary(f.room)));
  let timer: NodeJS.Timeout | null = null;
  let last = 0;
  const send = () => {
    timer = null;
    last = Date.now();
    if ((nsp.adapter.rooms.get(LIST)?.size ?? 0) === 0) return;
    nsp.to(LIST).emit('forums', forumsView(forums, deps.publicUrl, closed));
  };
  const unsubscribe = forums.onChange(() => {
    if (timer) return;
    timer = setTimeout(send, Math.max(0, last + LIST_THROTTLE_MS - Date.now()));
  });

  const sources: StartSources = {
    template: () => {
      try {
        return loadTemplate(deps.templatePath).structure;
      } catch {
        return null;
      }
    },
    forum: (forumId) => forums.get(forumId)?.room.state,
    admission: deps.admission,
  };

  const handlers: { [N in ListCommandName]: (data: ListCommandParsed<N>) => Promise<ListCommandResults[N]> } = {
    'forums:create': async (request) => {
      const start = forumStartOf(request, sources);
      if (!start.ok) throw new Refusal(start.error);
      const created = await forums.create(start.value);
      deps.log.info({ forumId: created.room.record.id, slug: created.room.record.slug, from: request.from.kind }, 'forum created');
      return { forumId: created.room.record.id, slug: created.room.record.slug };
    },
    'forums:archive': async ({ forumId, archived }) => {
      await forums.setArchived(forumId, archived);
      deps.log.info({ forumId, archived }, archived ? 'forum archived' : 'forum taken out of the archive');
      return { archived };
    },
    'forums:delete': async ({ forumId, title }) => {
      await forums.delete(forumId, title);
      deps.log.warn({ forumId }, 'forum deleted');
      return {};
    },
    // The list's links download forum files, of any forum on the list.
    'forums:grant': async () => deps.grants.issue(EVERY_FORUM, ['forumFile']),
  };

  nsp.on('connection', (socket: Socket) => {
    socket.join(LIST);
    socket.emit('forums', forumsView(forums, deps.publicUrl, closed));
    receiveCommands<ListCommandName>(socket, {
      commands: LIST_COMMANDS,
      sender: { role: 'console', lang: socket.data.lang as Lang },
      withinLimits: () => take(socket.data.commands, limits.settings.commandsPerConnection, Date.now()),
      run(name, data, ack) {
        Promise.resolve()
          .then(() => (handlers[name] as (data: unknown) => Promise<unknown>)(data))
          .then(
            (result) => ack({ ok: true, data: result }),
            (err: unknown) => ack(refusalAck(socket.data.lang as Lang, refusalOf(err, (e) => deps.log.error({ err: e, command: name }, 'forum list command failed')))),
          );
      },
    });
  });

  return {
    close() {
      unsubscribe();
      stopUnloads();
      if (timer) clearTimeout(timer);
    },
  };
}
