// The Socket.IO layer, wired: the handshake admits a connection (handshake.ts), the connection
// joins its rooms and receives the whole state it may see (here), commands are dispatched
// (dispatch.ts), and changes are pushed, coalesced (push.ts).

import type { Admission } from '../forum/admission.js';
import { newSecret, type ForumRoom } from '../forum/room.js';
import { meView, phoneView } from '../forum/views.js';
import type { HandlerServices } from '../handlers/define.js';
import type { Grants } from '../http/grants.js';
import type { Logger } from '../log.js';
import { handleCommands, refusalAck, type CommandSocket } from './dispatch.js';
import { handshake, OpenConnections } from './handshake.js';
import type { KeyGuard } from './keys.js';
import type { Limits } from './limits.js';
import type { Duplicates } from '../forum/duplicates.js';
import { watchRetention } from '../city/retention.js';
import { consoleViews, type HealthSource } from './consoles.js';
import type { AppNamespace, AppSocket } from './connection.js';
import { startPushing, type PushOptions } from './push.js';
import { taggedPhoneView } from './phoneTags.js';
import { HOSTS, hostRoom, participantRoom, PHONES, PHONES_GZ, SCREENS, STAFF, waitingRoom } from './rooms.js';
import { t } from '../../shared/i18n/all.js';
import type { Ack, CommandResults, PhoneGreeting, PhoneResult } from '../../shared/protocol.js';
import { fullBucket } from './limits.js';
import type { Session } from './session.js';

/** Projectors opened with the display key, not the facilitator's: a new display key disconnects them. */
const SCREEN_KEY_HOLDERS = 'screens:by-key';

export interface RealtimeDeps {
  room: ForumRoom;
  /** The facilitator's key, the same for every forum on the server. */
  facilitatorKey: () => string;
  /** Makes a new facilitator key, and disconnects every console that used the old one. */
  rotateKey: () => Promise<string>;
  admission: Admission;
  limits: Limits;
  keys: KeyGuard;
  grants: Grants;
  log: Logger;
  /** TRUST_PROXY: how many reverse proxies stand in front (0: none). */
  trustProxy: number;
  push?: PushOptions;
  health: HealthSource;
  duplicates: Duplicates;
  /** Told of every command's answer (the metrics count them). */
  answered?: (result: Ack<unknown>) => void;
}

/** A join sent by the phone page's form, before its script came (http/phonePage.ts). */
export interface PageJoin {
  /** The HTTP connection it came on: its wrong codes are counted as one Socket.IO connection's are. */
  connection: object;
  address: string;
  token: string;
  code: string;
  name: string;
}

export interface Realtime {
  /**
   * Runs a page's join down the same path as a connection's `participant:join` (dispatch.ts): the
   * same budgets, rules, refusals and wrong-code buckets, answered once it is on disk.
   */
  joinFromPage(join: PageJoin): Promise<Ack<CommandResults['participant:join']>>;
  /** The rankings a phone is sent now (none before the first reveal). */
  phoneResults(): PhoneResult[];
  close(): void;
}

export function attachRealtime(io: AppNamespace, deps: RealtimeDeps): Realtime {
  const { room, admission, log } = deps;
  const open = new OpenConnections();
  io.use(handshake(deps, open));
  const consoles = consoleViews(io, room, admission, deps.health, deps.duplicates, deps.push?.consoleRowsPerPart, deps.push?.consolePagedAbove);
  const pushing = startPushing(io, room, admission, consoles, deps.push);
  const stopRetention = watchRetention(room, () => admission.oneTimeCodes.forgetAll(), deps.push?.retentionCheckMs);

  /** The connections bound to a participant. */
  const socketsOf = (participantId: string): AppSocket[] =>
    [...(io.adapter.rooms.get(participantRoom(participantId)) ?? [])]
      .map((id) => io.sockets.get(id))
      .filter((s): s is AppSocket => s !== undefined);

  /** The phones waiting with a device's token for the facilitator's approval. */
  const waitingSockets = (tokenHash: string): AppSocket[] =>
    [...(io.adapter.rooms.get(waitingRoom(tokenHash)) ?? [])]
      .map((id) => io.sockets.get(id))
      .filter((s): s is AppSocket => s !== undefined);

  /** Binds a connection to a participant: it acts for them, and is sent their view. */
  const bindSocket = (socket: AppSocket, participantId: string) => {
    const session = socket.data.session;
    // A command that waited behind one holding the forum (a large merge) may run after its
    // connection closed: the join is kept, but a closed connection is nobody online, and its
    // disconnect, already handled, would never take it off again.
    if (!socket.connected) {
      session.participantId = participantId;
      return;
    }
    if (session.participantId) {
      socket.leave(participantRoom(session.participantId));
      room.disconnected(session.participantId);
    }
    session.participantId = participantId;
    socket.join(participantRoom(participantId));
    room.connected(participantId);
  };

  /**
   * What a command's handler may do, for a connection, or (socket null) for a page's form: its join
   * binds only the page's session, since nobody is online on a page without its script.
   */
  const services = (socket: AppSocket | null, session: Session): HandlerServices => {
    const bind = (participantId: string) => (socket ? bindSocket(socket, participantId) : void (session.participantId = participantId));
    return {
      admission,
      limits: deps.limits,
      grants: deps.grants,
      bind,
      awaitApproval(tokenHash) {
        socket?.join(waitingRoom(tokenHash));
      },
      admitWaiting(tokenHash, participantId) {
        // Bound now, before the join is written: the push of the new participant's view, which
        // follows the write, then reaches these phones, and they show the ballot without a rescan.
        for (const waiting of waitingSockets(tokenHash)) {
          waiting.leave(waitingRoom(tokenHash));
          bindSocket(waiting, participantId);
        }
      },
      refuseWaiting(tokenHash) {
        for (const waiting of waitingSockets(tokenHash)) {
          waiting.leave(waitingRoom(tokenHash));
          const lang = waiting.data.session.lang;
          waiting.emit('notice', { code: 'JOIN_REFUSED', message: t(lang, 'notice.JOIN_REFUSED') });
        }
      },
      evict(participantId) {
        for (const other of socketsOf(participantId)) {
          if (other.id === socket?.id) continue;
          other.leave(participantRoom(participantId));
          other.data.session.participantId = undefined;
          room.disconnected(participantId);
          other.emit('me', null);
        }
      },
      rotateKey: deps.rotateKey,
      async rotateScreenKey() {
        await room.updateSecrets({ screenKey: newSecret() });
        deps.log.info('display key rotated; projectors with the old key are disconnected');
        // After the ack; the consoles are sent the new link with their next view.
        setImmediate(() => io.in(SCREEN_KEY_HOLDERS).disconnectSockets(true));
        room.changed();
        return admission.screenUrl();
      },
      ackingMe: (view) => socket && pushing.ackingMe(socket.id, view),
      wall: {
        watch: (watch, tag) => (socket ? pushing.watchWall(socket.id, watch, () => session.participantId, session.gz === true, tag) : null),
        ideas: (ids) => pushing.wallIdeas(ids),
        list: (priorityCode) => pushing.wallList(priorityCode),
      },
      disconnectHost(hostId) {
        // After the ack: the revoked host's consoles reconnect, and are refused.
        setImmediate(() => io.in(hostRoom(hostId)).disconnectSockets(true));
      },
    };
  };

  /** A staff page's views: the forum as phones see it (no count of the vote), and who they are. */
  const sendStaff = (socket: AppSocket) => {
    const state = room.shown.state;
    const host = state.hosts.get(socket.data.session.hostId ?? '');
    if (!host || host.point === undefined) return;
    socket.emit('staff', { staffId: host.id, name: host.name, point: host.point, eIdByRegister: Boolean(admission.signIn?.personClaim) });
    socket.emit('phone', phoneView(state, io.adapter.rooms.get(PHONES)?.size ?? 0));
  };

  /**
   * Phones whose first views wait for the next turn of the event loop: a thousand phones coming
   * back at once after the Wi-Fi dropped are sent the forum (several KB) and the counts encoded
   * once for all of them, not once each.
   */
  let greeting: AppSocket[] = [];
  /**
   * The wall a phone named in its handshake, watched as wall:watch would (a page it lacks is sent
   * as a `wall:page`), for its greeting: the page held, when it is the page, in the greeting.
   */
  const watchedWall = (socket: AppSocket): { wall?: PhoneGreeting['wall'] } => {
    const session = socket.data.session;
    const watch = session.watch;
    session.watch = undefined;
    if (!watch || !room.shown.state.structure.priorities.some((p) => p.code === watch.priorityCode)) return {};
    const { priorityCode, query, pages } = watch;
    const page = pushing.watchWall(socket.id, { priorityCode, query, pages }, () => session.participantId, session.gz === true, watch.tag);
    return { wall: { priorityCode, query, pages, total: page?.total ?? 0, ...(page?.same ? { page } : {}) } };
  };
  const greetPhones = () => {
    const sockets = greeting.filter((s) => s.connected);
    greeting = [];
    if (sockets.length === 0) return;
    for (const socket of sockets) {
      socket.join(PHONES);
      if (socket.data.session.gz) socket.join(PHONES_GZ);
    }
    // Each connection is in a room of its own id: one broadcast, one encoding. A phone that holds
    // this forum already (its tag in the handshake) is not sent it again.
    const view = taggedPhoneView(phoneView(room.shown.state, io.adapter.rooms.get(PHONES)?.size ?? 0));
    const lacking = sockets.filter((s) => s.data.session.forumTag !== view.tag).map((s) => s.id);
    if (lacking.length > 0) io.to(lacking).emit('phone', view);
    // The rest in one message each: the counts, the rankings, its own view, and the answer for the
    // wall its handshake names (a page it lacks goes just before, as a wall:page). Each frame is a
    // send of its own, and in a storm the sends are most of the server's work: a frame each for the
    // counts (one encoding for all), the rankings and the view cost more than the counts' JSON
    // encoded once per phone.
    const counts = pushing.wallCounts();
    for (const socket of sockets) {
      const session = socket.data.session;
      // Nothing that would change nothing: no rankings before the first reveal (a page starts
      // with none, and none is ever taken back).
      const results = pushing.phoneResults(session.gz === true);
      const me = session.participantId ? meView(room.shown.state, session.participantId) : null;
      socket.emit('greeting', { counts, ...(results.length > 0 ? { results } : {}), me, ...watchedWall(socket) });
    }
  };

  io.on('connection', (socket: AppSocket) => {
    const session = socket.data.session;
    open.opened(session.address);
    const own = services(socket, session);

    if (session.role === 'phone') {
      // Bound at once, so that a command it sends straight away acts for its participant.
      const participantId = session.participantId;
      session.participantId = undefined;
      if (participantId) own.bind(participantId);
      // The views sent show only what is on disk: once the batch being gathered is written (at once
      // when there is none). Writing it now instead would make each of a thousand phones coming
      // back after the Wi-Fi dropped a write of its own, and the sync to disk blocks everything.
      room.afterFlush(() => {
        if (!socket.connected) return;
        if (greeting.length === 0) setImmediate(greetPhones);
        greeting.push(socket);
      });
    } else {
      // The projector's and console's first view, as the phones', shows only what is stored.
      room.afterFlush(() => {
        if (!socket.connected) return;
        if (session.role === 'screen') {
          const { view, v } = pushing.screenFor();
          socket.emit('screen', view, v);
          socket.join(SCREENS);
          if (session.byScreenKey) socket.join(SCREEN_KEY_HOLDERS);
        } else if (session.role === 'staff' && session.hostId) {
          sendStaff(socket);
          socket.join(STAFF);
          socket.join(hostRoom(session.hostId));
          pushing.refreshDisplays();
        } else if (session.role === 'host' && session.hostId) {
          const { view, v } = consoles.viewFor(session);
          socket.emit('console', view, v);
          socket.join(HOSTS);
          socket.join(hostRoom(session.hostId));
          pushing.refreshDisplays();
        } else {
          consoles.open(socket);
        }
      });
    }

    socket.on('disconnect', () => {
      open.closed(session.address);
      // The facilitator sees who of the hosts is connected.
      if (session.role === 'host' || session.role === 'staff') pushing.refreshDisplays();
      if (session.role === 'phone') pushing.forgetPhone(socket.id);
      if (session.participantId) room.disconnected(session.participantId);
    });

    // A projector or console that missed a patch asks for the whole view again.
    if (session.role !== 'phone') {
      socket.on('view:resync', () =>
        room.afterFlush(() => {
          if (!socket.connected) return;
          if (session.role === 'screen') {
            const { view, v } = pushing.screenFor();
            socket.emit('screen', view, v);
          } else if (session.role === 'staff') {
            sendStaff(socket);
          } else if (session.role === 'host') {
            const { view, v } = consoles.viewFor(session);
            socket.emit('console', view, v);
          } else {
            consoles.open(socket);
          }
        }),
      );
    }

    handleCommands(socket, { room, log, services: () => own, answered: deps.answered });
  });

  // A join the disk refused is taken back, but its connection was bound when it was taken: it would
  // be counted online in the name of nobody, and refused a second try as already holding a ballot.
  const unbindUndone = room.onChange((effects) => {
    for (const participantId of effects.me) {
      if (room.state.participants.has(participantId)) continue;
      for (const socket of socketsOf(participantId)) {
        socket.leave(participantRoom(participantId));
        socket.data.session.participantId = undefined;
        room.disconnected(participantId);
        socket.emit('me', null);
      }
    }
  });

  /**
   * A page's join form holds a session per HTTP connection and client address (a proxy in front
   * carries many phones on one connection), as a Socket.IO connection does: its commands and wrong
   * codes count against it. A new one is a new phone's connection, and takes from the address's
   * budget of them as the handshake does, so a guesser gains nothing by posting the form.
   */
  const pageSessions = new WeakMap<object, Map<string, Session>>();
  function pageSession(connection: object, address: string): Session | Ack<never> {
    let byAddress = pageSessions.get(connection);
    if (!byAddress) pageSessions.set(connection, (byAddress = new Map()));
    const known = byAddress.get(address);
    if (known) {
      // Each post is its own device's, known by the token it carries: what an earlier post on this
      // connection joined or waits for is not this one's (a connection's one device is the socket's rule).
      known.participantId = undefined;
      known.waitingFor = undefined;
      return known;
    }
    const now = Date.now();
    if (admission.maxConnectionsPerAddress() > 0 && address) {
      const rate = deps.limits.connections.take(address, now);
      if (!rate.ok) {
        admission.refused('rateLimited', now);
        return refusalAck('uk', { code: 'RATE_LIMITED', params: { seconds: rate.retryAfter } });
      }
    }
    const session: Session = { role: 'phone', lang: 'uk', address, commands: fullBucket(deps.limits.settings.commandsPerConnection, now), limited: { count: 0, since: now } };
    byAddress.set(address, session);
    return session;
  }

  function joinFromPage(join: PageJoin): Promise<Ack<CommandResults['participant:join']>> {
    const session = pageSession(join.connection, join.address);
    if (!('role' in session)) return Promise.resolve(session);
    let command: ((event: string, ...args: unknown[]) => void) | undefined;
    const page: CommandSocket = {
      data: { session },
      onAny: (listener) => (command = listener),
      // A form posting fast enough to be cut is answered with its refusals all the same.
      disconnect: () => page as AppSocket,
    };
    handleCommands(page, { room, log, services: () => services(null, session), answered: deps.answered });
    return new Promise((resolve) => {
      command!('participant:join', { code: join.code, name: join.name, token: join.token }, (ack: Ack<CommandResults['participant:join']>) => {
        resolve(ack);
      });
    });
  }

  return {
    joinFromPage,
    phoneResults: () => pushing.phoneResults(false),
    close: () => {
      unbindUndone();
      pushing.close();
      stopRetention();
    },
  };
}
