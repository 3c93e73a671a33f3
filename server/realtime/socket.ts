// The Socket.IO layer: checks each connection's handshake, binds it to a role (and a phone to its
// participant), sends every new connection the whole state it may see, dispatches commands to
// their handlers (validate → authorise → rule → commit → ack), and pushes changes as they happen.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import type { RuleError } from '../../shared/forum/errors.js';
import { errorMessage } from '../../shared/i18n/errors.js';
import { t, type MessageKey } from '../../shared/i18n/index.js';
import {
  COMMANDS,
  PROTOCOL_VERSION,
  handshakeSchema,
  type Ack,
  type ClientToServer,
  type CommandName,
  type ConnectRefusal,
  type Lang,
  type ServerToClient,
} from '../../shared/protocol.js';
import { HandlerContext } from '../handlers/define.js';
import { HANDLERS } from '../handlers/index.js';
import { Refusal, TOKEN_PATTERN, type Effects, type ForumRoom } from '../forum/room.js';
import { consoleView, meView, phoneView, publicIdea, publicIdeas, screenView, type Addresses } from '../forum/views.js';
import type { Logger } from '../log.js';
import type { Session } from './session.js';

export type AppServer = Server<ClientToServer, ServerToClient, Record<string, never>, { session: Session }>;
export type AppSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, { session: Session }>;

const PHONES = 'phones';
const SCREENS = 'screens';
const CONSOLES = 'consoles';
const participantRoom = (id: string) => `p:${id}`;

/** By default the projector and console are sent again at most this often while changes keep coming. */
export const DISPLAY_THROTTLE_MS = 200;

export function keyMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function refuseConnection(code: ConnectRefusal['code'], lang: Lang): Error {
  const err = new Error(code) as Error & { data: ConnectRefusal };
  err.data = { code, message: t(lang, `err.${code}` as MessageKey), serverVersion: PROTOCOL_VERSION };
  return err;
}

export function attachRealtime(
  io: AppServer,
  room: ForumRoom,
  addresses: Addresses,
  facilitatorKey: () => string,
  log: Logger,
  displayThrottleMs = DISPLAY_THROTTLE_MS,
): { close(): void } {
  io.use((socket, next) => {
    const auth = handshakeSchema.safeParse(socket.handshake.auth);
    const lang: Lang = auth.success && auth.data.lang ? auth.data.lang : 'uk';
    if (!auth.success) return next(refuseConnection('BAD_INPUT', lang));
    if (auth.data.v !== PROTOCOL_VERSION) return next(refuseConnection('PROTOCOL_MISMATCH', lang));
    if (auth.data.role === 'console' && !keyMatches(auth.data.key, facilitatorKey())) {
      return next(refuseConnection('FORBIDDEN', lang));
    }
    const session: Session = { role: auth.data.role, lang };
    const token = auth.data.token;
    if (session.role === 'phone' && token && TOKEN_PATTERN.test(token)) session.participantId = room.participantByToken(token);
    socket.data.session = session;
    next();
  });

  io.on('connection', (socket: AppSocket) => {
    const session = socket.data.session;
    const bind = (participantId: string) => {
      if (session.participantId) {
        socket.leave(participantRoom(session.participantId));
        room.disconnected(session.participantId);
      }
      session.participantId = participantId;
      socket.join(participantRoom(participantId));
      room.connected(participantId);
    };

    if (session.role === 'phone') {
      socket.join(PHONES);
      socket.emit('phone', phoneView(room.state));
      socket.emit('ideas:all', publicIdeas(room.state));
      const participantId = session.participantId;
      session.participantId = undefined;
      if (participantId) bind(participantId);
      socket.emit('me', session.participantId ? meView(room.state, session.participantId) : null);
    } else if (session.role === 'screen') {
      socket.join(SCREENS);
      socket.emit('screen', screenView(room.state, room.presence, addresses));
    } else {
      socket.join(CONSOLES);
      socket.emit('console', consoleView(room.state, room.presence, addresses));
    }

    socket.on('disconnect', () => {
      if (session.participantId) room.disconnected(session.participantId);
    });

    for (const name of Object.keys(HANDLERS) as CommandName[]) {
      socket.on(name, (payload: unknown, ack: unknown) => dispatch(name, payload, ack));
    }

    socket.onAny((event: string, ...args: unknown[]) => {
      if (Object.hasOwn(HANDLERS, event)) return;
      const ack = args.at(-1);
      if (typeof ack === 'function') ack(refusal({ code: 'BAD_INPUT', params: { field: 'command' } }));
    });

    const refusal = (error: RuleError): Ack<never> => ({
      ok: false,
      error: { code: error.code, message: errorMessage(session.lang, error), ...(error.params ? { params: error.params } : {}) },
    });

    function dispatch(name: CommandName, payload: unknown, rawAck: unknown): void {
      // Without an ack function nobody could learn the outcome; the command is refused unseen.
      if (typeof rawAck !== 'function') return;
      const ack = rawAck as (result: Ack<unknown>) => void;
      const command = COMMANDS[name];
      if (!(command.roles as readonly string[]).includes(session.role)) return ack(refusal({ code: 'FORBIDDEN' }));
      const parsed = command.schema.safeParse(payload);
      if (!parsed.success) {
        const field = parsed.error.issues[0]?.path[0];
        return ack(refusal({ code: 'BAD_INPUT', params: typeof field === 'string' ? { field } : {} }));
      }
      const data = parsed.data as { actionId?: string };
      const actionKey = session.participantId && data.actionId ? `${session.participantId}:${data.actionId}` : null;
      const ctx = new HandlerContext(room, session, actionKey, bind);
      const handler = HANDLERS[name] as (typeof HANDLERS)[CommandName];
      try {
        const done = actionKey ? room.findAction(actionKey) : undefined;
        if (done && handler.resend) {
          return ack({ ok: true, data: handler.resend(ctx, done), duplicate: true });
        }
        const result = (handler.run as (c: HandlerContext, p: unknown) => unknown)(ctx, parsed.data);
        ack({ ok: true, data: result });
      } catch (err) {
        if (err instanceof Refusal) return ack(refusal(err.error));
        log.error({ err, command: name }, 'command failed');
        ack(refusal({ code: 'INTERNAL' }));
      }
    }
  });

  // ---------------------------------------------------------------- pushing changes

  const pending = { forum: false, ideas: new Set<string>(), me: new Set<string>(), notices: [] as Effects['notices'] };
  let phoneFlush: NodeJS.Immediate | null = null;
  let displayTimer: NodeJS.Timeout | null = null;
  let lastDisplay = 0;

  const flushPhones = () => {
    phoneFlush = null;
    const state = room.state;
    if (pending.forum) io.to(PHONES).emit('phone', phoneView(state));
    if (pending.ideas.size > 0) {
      const upserts = [];
      const removed = [];
      for (const id of pending.ideas) {
        const idea = state.ideas.get(id);
        if (idea && idea.status === 'active') upserts.push(publicIdea(state, idea));
        else removed.push(id);
      }
      io.to(PHONES).emit('ideas:patch', { upserts, removed });
    }
    for (const id of pending.me) io.to(participantRoom(id)).emit('me', meView(state, id));
    for (const { participantId, notice } of pending.notices) {
      for (const socketId of io.sockets.adapter.rooms.get(participantRoom(participantId)) ?? []) {
        const s = io.sockets.sockets.get(socketId);
        if (!s) continue;
        const lang = s.data.session.lang;
        s.emit('notice', { ...notice, message: t(lang, `notice.${notice.code}` as MessageKey, notice.params) });
      }
    }
    pending.forum = false;
    pending.ideas.clear();
    pending.me.clear();
    pending.notices = [];
  };

  const flushDisplays = () => {
    displayTimer = null;
    lastDisplay = Date.now();
    if ((io.sockets.adapter.rooms.get(SCREENS)?.size ?? 0) > 0) {
      io.to(SCREENS).emit('screen', screenView(room.state, room.presence, addresses));
    }
    if ((io.sockets.adapter.rooms.get(CONSOLES)?.size ?? 0) > 0) {
      io.to(CONSOLES).emit('console', consoleView(room.state, room.presence, addresses));
    }
  };

  const unsubscribe = room.onChange((effects) => {
    pending.forum ||= effects.forum;
    for (const id of effects.ideas) pending.ideas.add(id);
    for (const id of effects.me) pending.me.add(id);
    pending.notices.push(...effects.notices);
    if (effects.forum || effects.ideas.size || effects.me.size || effects.notices.length) {
      phoneFlush ??= setImmediate(flushPhones);
    }
    if (!displayTimer) {
      const wait = Math.max(0, lastDisplay + displayThrottleMs - Date.now());
      displayTimer = setTimeout(flushDisplays, effects.forum ? 0 : wait);
    }
  });

  return {
    close() {
      unsubscribe();
      if (phoneFlush) clearImmediate(phoneFlush);
      if (displayTimer) clearTimeout(displayTimer);
    },
  };
}

