// The forum list: the console at the server's own address (/console) connects to the main
// namespace with the facilitator's key, sees every forum (title, date, phase, participants,
// ideas) and the log of whole forums, and creates, archives and deletes them. Each forum's own
// console, projector and phones live in that forum's namespace (/f/<slug>), apart from this one.
// Its commands take the forums' own path to their handlers (dispatch.ts, receiveCommands), and what
// a new forum starts from is decided in forums/create.ts.

import type { AdmissionMode } from '../../shared/forum/types.js';
import {
  LIST_COMMANDS,
  PROTOCOL_VERSION,
  handshakeSchema,
  type ForumsView,
  type Lang,
  type ListCommandName,
  type ListCommandParsed,
  type ListCommandResults,
} from '../../shared/protocol.js';
import { Refusal } from '../forum/room.js';
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
  /** How often the list is read again from the store while a console shows it (LIST_POLL_MS). */
  listPollMs?: number;
  /**
   * Several processes share the store and open forums on demand: a forum made here is let go at
   * once, for the process the proxy routes its connections to (Forums.letGo).
   */
  handOff?: boolean;
}

const LIST = 'list';
/** Coalescing: the list is sent at most this often while forums change. */
const LIST_THROTTLE_MS = 500;
/** How often the store is read again for what other server processes changed, while a console shows the list. */
export const LIST_POLL_MS = 5_000;

/**
 * Every stored forum, read from the store (forums/summary.ts): those this process serves as they
 * are now, the others as the processes serving them last summarised them, so that the list is the
 * same whichever process a console reaches, and lists forums none has opened since it started.
 */
export async function forumsView(forums: Forums<Attached>, publicUrl: string): Promise<ForumsView> {
  const [listed, log] = await Promise.all([forums.listing(), forums.serverLog()]);
  return {
    forums: listed.map(({ publicResults: _, ...summary }) => summary),
    publicUrl,
    log: log.slice(-50).map((e) => ({ at: e.at, action: e.action, forumId: e.forumId, title: e.title })),
  };
}

/** `poke`: another process changed a forum (db/pgListen.ts): the list is read again soon. */
export function attachForumList(nsp: Namespace, deps: ForumListDeps): { close(): void; poke(): void } {
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

  let timer: NodeJS.Timeout | null = null;
  let last = 0;
  /** What the list's consoles were last sent: the store is looked at again, and the list sent only when it differs. */
  let sent = '';
  const send = () => {
    timer = null;
    last = Date.now();
    if ((nsp.adapter.rooms.get(LIST)?.size ?? 0) === 0) return;
    forumsView(forums, deps.publicUrl).then(
      (view) => {
        const body = JSON.stringify(view);
        if (body === sent) return;
        sent = body;
        nsp.to(LIST).emit('forums', view);
      },
      (err: unknown) => deps.log.warn({ err }, 'the forum list could not be read from the store'),
    );
  };
  const soon = () => {
    if (timer) return;
    timer = setTimeout(send, Math.max(0, last + LIST_THROTTLE_MS - Date.now()));
  };
  const unsubscribe = forums.onChange(soon);
  // What other processes serving forums from the same store change is read there, not told here.
  const poll = setInterval(soon, deps.listPollMs ?? LIST_POLL_MS);
  poll.unref();

  const sources: StartSources = {
    template: () => {
      try {
        return loadTemplate(deps.templatePath).structure;
      } catch {
        return null;
      }
    },
    forum: (forumId) => forums.get(forumId)?.room.shown.state,
    admission: deps.admission,
  };

  const handlers: { [N in ListCommandName]: (data: ListCommandParsed<N>) => Promise<ListCommandResults[N]> } = {
    'forums:create': async (request) => {
      const start = forumStartOf(request, sources);
      if (!start.ok) throw new Refusal(start.error);
      const created = await forums.create(start.value);
      deps.log.info({ forumId: created.room.record.id, slug: created.room.record.slug, from: request.from.kind }, 'forum created');
      if (deps.handOff) await forums.letGo(created.room.record.id);
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
    forumsView(forums, deps.publicUrl).then(
      (view) => socket.emit('forums', view),
      (err: unknown) => deps.log.warn({ err }, 'the forum list could not be read from the store'),
    );
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
      clearInterval(poll);
      if (timer) clearTimeout(timer);
    },
    poke: soon,
  };
}
