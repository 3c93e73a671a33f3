// Connections to a forum's namespace (/f/<slug>) that no open forum here has. With forums opened on
// demand, the forum is opened first, and the connection goes to its namespace. Otherwise (another
// server process serves it, there is no such forum, or the store cannot be reached to open it) the
// connection is refused with a sentence saying which, in the asker's language and the other one,
// which the pages show, and by whose code they know whether to try again; Socket.IO alone would
// answer "Invalid namespace", which no page can word and no client tries again after.
//
// Socket.IO refuses a connection with words only from a namespace's middleware, so a refused name
// gets a namespace of its own for the moment of its refusal (a child of the parent namespace made
// here), dropped again as soon as it has refused: a forum opened later under that name gets a
// namespace of its own.

import type { Namespace, Server, Socket } from 'socket.io';
import { t, type MessageKey } from '../../shared/i18n/all.js';
import { StorageUnavailable } from '../errors.js';
import { PROTOCOL_VERSION, handshakeSchema, type ConnectRefusal, type Lang } from '../../shared/protocol.js';
import { Refusal } from '../forum/room.js';
import type { Attached, Forums } from '../forums/registry.js';
import type { Logger } from '../log.js';

type NotServedCode = Extract<ConnectRefusal['code'], 'FORUM_ELSEWHERE' | 'FORUM_NOT_FOUND' | 'STORAGE_UNAVAILABLE'>;

const REFUSAL_KEYS = {
  FORUM_ELSEWHERE: 'refusal.socket.elsewhere',
  FORUM_NOT_FOUND: 'refusal.socket.notFound',
  STORAGE_UNAVAILABLE: 'refusal.socket.storage',
} as const satisfies Record<NotServedCode, MessageKey>;

const FORUM_NAMESPACE = /^\/f\/([0-9a-z-]{1,40})$/;

/** Said in the asker's language first, then in the other: the page may be in neither yet. */
export function refuseNotServed(code: NotServedCode, lang: Lang): Error {
  const err = new Error(code) as Error & { data: ConnectRefusal };
  const other: Lang = lang === 'uk' ? 'en' : 'uk';
  const key = REFUSAL_KEYS[code];
  err.data = { code, message: t(lang, key), other: { lang: other, message: t(other, key) }, serverVersion: PROTOCOL_VERSION };
  return err;
}

/** Drops a namespace left by a refusal under this name, before a forum takes the name here. */
export function dropNamespace(io: Server, name: string): void {
  const left = io._nsps.get(name);
  if (!left) return;
  io._nsps.delete(name);
  left.removeAllListeners();
}

export interface NotServedDeps {
  /** Forums are opened on a connection's first use of them (LOAD_FORUMS=on-demand). */
  onDemand: boolean;
  /** The registry, once the forums are open (a connection before then finds no forum). */
  forums: () => Forums<Attached> | undefined;
  log: Logger;
}

/** How often each kind of refusal of a forum is logged (worthLogging, below). */
const LOG_EVERY_MS = 10_000;

export function attachNotServed(io: Server, deps: NotServedDeps): void {
  /** Why each refused connection is refused, by its handshake's auth object (the same through Socket.IO). */
  const refusals = new WeakMap<object, NotServedCode>();
  /**
   * Each kind of refusal of each forum is logged at most once every LOG_EVERY_MS, with how many
   * went unlogged since: in an outage, thousands of phones retrying would otherwise each write two lines.
   */
  const logged = new Map<string, { at: number; unlogged: number }>();
  const worthLogging = (slug: string, kind: string): { unlogged: number } | null => {
    const key = `${slug}\n${kind}`;
    const now = Date.now();
    const last = logged.get(key);
    if (last && now - last.at < LOG_EVERY_MS) {
      last.unlogged++;
      return null;
    }
    logged.set(key, { at: now, unlogged: 0 });
    if (logged.size > 10_000) logged.delete(logged.keys().next().value!);
    return { unlogged: last?.unlogged ?? 0 };
  };

  const parent = io.of((name, auth, next) => {
    const slug = FORUM_NAMESPACE.exec(name)?.[1];
    const forums = deps.forums();
    // Not a forum's name at all: Socket.IO's own refusal, as for any unknown namespace.
    if (!/^\/f\//.test(name) || !forums) return next(null, false);
    const refuse = (code: NotServedCode) => {
      refusals.set(auth, code);
      next(null, true);
    };
    if (!slug) return refuse('FORUM_NOT_FOUND');
    const opened: Promise<unknown> = deps.onDemand
      ? forums.useSlug(slug)
      : // Every forum served here is open: one known is served elsewhere.
        forums.recordOf(slug).then((record) => {
          if (record) throw new Refusal({ code: 'FORUM_ELSEWHERE' });
          return undefined;
        });
    opened.then(
      // Opened: its namespace exists now, and Socket.IO hands the connection to it.
      (forum) => (forum ? next(null, true) : refuse('FORUM_NOT_FOUND')),
      (err: unknown) => {
        const code = err instanceof Refusal ? err.error.code : null;
        const said = worthLogging(slug, String(code));
        if (said) deps.log.info({ forum: slug, code, unlogged: said.unlogged }, 'connection to a forum not served here');
        if (code === 'FORUM_ELSEWHERE' || code === 'FORUM_NOT_FOUND') return refuse(code);
        // PostgreSQL (or the disk) not answering now: its lock, its record or its log could not be
        // read. The clients try again, further apart each time, and get in once it answers.
        if (err instanceof StorageUnavailable) {
          if (said) deps.log.warn({ forum: slug, err: err.message, unlogged: said.unlogged }, 'a forum could not be opened for a connection: storage unavailable');
          return refuse('STORAGE_UNAVAILABLE');
        }
        deps.log.error({ err, forum: slug }, 'a forum could not be opened for a connection');
        next(null, false);
      },
    );
  });

  parent.use((socket: Socket, next: (err?: Error) => void) => {
    const auth = handshakeSchema.safeParse(socket.handshake.auth);
    const lang: Lang = auth.success && auth.data.lang ? auth.data.lang : 'uk';
    const code = refusals.get(socket.handshake.auth) ?? 'FORUM_NOT_FOUND';
    // Its namespace has done its work: the next connection by this name is looked at afresh.
    const nsp: Namespace = socket.nsp;
    if (io._nsps.get(nsp.name) === nsp) io._nsps.delete(nsp.name);
    // Socket.IO keeps every child a parent made (no public way to let one go): one per refusal would pile up.
    (parent as unknown as { children?: Set<Namespace> }).children?.delete(nsp);
    next(refuseNotServed(code, lang));
  });
}
