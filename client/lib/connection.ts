// One Socket.IO connection per page. The handshake is rebuilt at every reconnect, so a server
// restarted mid-forum gets the current token, key and language, and sends the whole state again.

import { io, type Socket } from 'socket.io-client';
import { create } from 'zustand';
import { t } from '../../shared/i18n/index.js';
import type {
  Ack,
  ClientToServer,
  CommandName,
  CommandPayload,
  CommandResults,
  ConnectRefusal,
  Handshake,
  Role,
  ServerToClient,
} from '../../shared/protocol.js';
import { FORUM_QUERY, PROTOCOL_VERSION } from '../../shared/version.js';
import { useLang } from './i18n.js';
import { forumSlug } from './forum.js';
import { randomHex } from './storage.js';

export type AppClientSocket = Socket<ServerToClient, ClientToServer>;

export interface ConnectionState {
  /** 'connecting' before the first connect; 'offline' when a connection was lost. */
  status: 'connecting' | 'online' | 'offline';
  /**
   * Set when the server refused this page: for good (another protocol version, a wrong key), or
   * for now (the forum on another process, its database not answering), while the page tries again.
   */
  refused: ConnectRefusal | null;
}

export const useConnection = create<ConnectionState>(() => ({ status: 'connecting', refused: null }));

/** How long a page waits to try again after its forum could not be opened for storage: from the first, doubling, to the last. */
const STORAGE_WAIT_MS = [1000, 10_000];

let socket: AppClientSocket | null = null;

export function connect(role: Role, extra: () => Partial<Handshake> = () => ({})): AppClientSocket {
  // A forum's pages talk in its namespace (/f/<slug>), naming the forum in the handshake's address
  // too (/socket.io/?forum=<slug>), which a proxy in front of several server processes routes by;
  // the forum list talks in the main one.
  const slug = forumSlug();
  socket = io(slug ? `/f/${slug}` : '/', {
    ...(slug ? { query: { [FORUM_QUERY]: slug } } : {}),
    auth: (cb) => cb({ v: PROTOCOL_VERSION, role, lang: useLang.getState().lang, ...extra() } satisfies Handshake),
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    randomizationFactor: 0.5,
  }) as AppClientSocket;
  /** The wait before the next try after a refusal for storage, doubling up to STORAGE_WAIT_MS[1]. */
  let storageWait = STORAGE_WAIT_MS[0];
  socket.on('connect', () => {
    storageWait = STORAGE_WAIT_MS[0];
    useConnection.setState({ status: 'online', refused: null });
  });
  socket.on('disconnect', (reason) => {
    useConnection.setState({ status: 'offline' });
    // Socket.IO retries on its own after a lost connection, but not when the server ended it (a
    // console after the facilitator key changed). Connecting again rebuilds the handshake: a page
    // holding the new key carries on, one holding the old key is refused and says so.
    if (reason === 'io server disconnect') socket?.connect();
  });
  socket.on('connect_error', (err: Error & { data?: ConnectRefusal }) => {
    const code = err.data?.code;
    if (code === 'RATE_LIMITED' || code === 'CONNECTION_LIMIT') {
      // Too many connections from this address for now: the page stays as it is, says it is
      // offline, and tries again when the server said it may (Socket.IO does not, after a refusal).
      useConnection.setState({ status: 'offline' });
      const wait = (err.data?.retryAfter ?? 5) * 1000 * (1 + Math.random() / 2);
      setTimeout(() => socket?.connect(), wait);
      return;
    }
    if (code === 'FORUM_ELSEWHERE') {
      // Another server process holds the forum (several behind a proxy): it is being handed to the
      // one this connection reached, or the proxy is about to send the connection there. The
      // refusal is shown until a try gets through, one every second or two (Socket.IO does not
      // try again after a refusal).
      useConnection.setState({ status: 'offline', refused: err.data });
      setTimeout(() => socket?.connect(), 1000 * (1 + Math.random()));
      return;
    }
    if (code === 'STORAGE_UNAVAILABLE') {
      // The forum could not be opened because its database did not answer (PostgreSQL restarting):
      // the refusal says so and that the page connects again by itself, which it does, further
      // apart each time, so that a city's phones do not all ask at once while it is down.
      useConnection.setState({ status: 'offline', refused: err.data });
      setTimeout(() => socket?.connect(), storageWait * (1 + Math.random() / 2));
      storageWait = Math.min(storageWait * 2, STORAGE_WAIT_MS[1]);
      return;
    }
    if (code) {
      // A refusal, not a network fault: trying again would only be refused again.
      useConnection.setState({ status: 'offline', refused: err.data });
      return;
    }
    useConnection.setState((s) => ({ status: s.status === 'connecting' ? 'connecting' : 'offline' }));
  });
  useLang.subscribe((s) => {
    if (socket?.connected) socket.emit('session:setLanguage', { lang: s.lang }, () => {});
  });
  return socket;
}

/**
 * After a dropped connection, come back at a random moment within `withinMs` (the server says how
 * long, by the size of the hall), so that a hall whose Wi-Fi failed does not return all at once.
 */
export function spreadReconnects(withinMs: number): void {
  const manager = socket?.io;
  if (!manager || !(withinMs > 0)) return;
  manager.reconnectionDelay(withinMs / 2);
  manager.randomizationFactor(1);
  manager.reconnectionDelayMax(Math.max(3000, withinMs));
}

const ACK_TIMEOUT_MS = 8000;

/** What a send that had no answer from the server is told. */
const NO_ANSWER = Symbol('no answer');
/** An emit whose connection dropped before its answer (sendOnce's `stopOnDrop`). */
const DROPPED = Symbol('dropped');

/**
 * Refusals that speak of the moment, not of the action: the server turned this arrival away before
 * looking at its id (too many at once, the disk failing, a fault). To a first arrival they mean
 * "not done"; to a resend of an action that may have arrived before they say nothing about it.
 */
const MOMENTARY = new Set(['RATE_LIMITED', 'STORAGE_UNAVAILABLE', 'INTERNAL']);
/** How long a resend waits after a momentary refusal, doubling from the first to the last. */
const MOMENTARY_WAIT_MS = [1000, 15_000];

/**
 * Sends a command and resolves with its ack. A phone action (`idempotent`, or given its own
 * `actionId`) carries an id and is sent again under that id, as often as it takes, until the server
 * answers: while no answer has come, or the server answers that it cannot yet tell (a commit that
 * failed half-way), the action may or may not be saved, and only the server can say which (a
 * resend of a saved action is answered as done, `duplicate`). It is sent again at each
 * reconnect, and after ACK_TIMEOUT_MS without an answer on a connection that stays up. Any other
 * command is sent once: without an answer in time it resolves as TIMEOUT; one sent `againOnDrop`
 * goes again, as it was, when its connection drops before the answer.
 */
export async function send<N extends CommandName>(
  name: N,
  payload: CommandPayload<N>,
  {
    idempotent = false,
    actionId,
    sentBefore = false,
    againOnDrop = false,
  }: {
    idempotent?: boolean;
    actionId?: string;
    sentBefore?: boolean;
    /** The command does the same however often it arrives (a join under the device's token): sent again when its connection drops before the answer. */
    againOnDrop?: boolean;
  } = {},
): Promise<Ack<CommandResults[N]>> {
  if (!socket) throw new Error('not connected');
  const resent = idempotent || actionId !== undefined;
  const body = resent ? { ...payload, actionId: actionId ?? randomHex(12) } : payload;
  if (!resent) {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await waitForConnection();
      const ack = await sendOnce(name, body, againOnDrop);
      if (ack === NO_ANSWER) return timeoutAck();
      // The process that had it may have died with it: the same command on the next connection.
      if (ack !== DROPPED) return ack;
    }
  }
  // Whether an earlier attempt (of this page, or of the page before a reload) may have arrived.
  let mayBeDone = sentBefore;
  let wait = MOMENTARY_WAIT_MS[0];
  for (;;) {
    await waitForConnection();
    const ack = await sendOnce(name, body, true);
    if (ack === NO_ANSWER || ack === DROPPED) {
      mayBeDone = true;
      continue;
    }
    // A commit that failed half-way: the action may be stored, and the server will know once the disk answers.
    if (!ack.ok && ack.error.code === 'STORAGE_UNAVAILABLE' && ack.error.params?.outcome === 'unknown') mayBeDone = true;
    if (ack.ok || !mayBeDone || !MOMENTARY.has(ack.error.code)) return ack;
    // The action may be done and the server has not said: ask again, under the same id, a little later.
    const seconds = Number(ack.error.params?.seconds);
    await new Promise((resolve) => setTimeout(resolve, seconds > 0 ? seconds * 1000 : wait));
    wait = Math.min(wait * 2, MOMENTARY_WAIT_MS[1]);
  }
}

/**
 * One emit, answered or not: NO_ANSWER when ACK_TIMEOUT_MS pass, or DROPPED (`stopOnDrop`) when
 * the connection drops first: its answer can no longer come on it, and a resend need not wait out
 * the timeout.
 */
function sendOnce<N extends CommandName>(name: N, body: unknown, stopOnDrop: boolean): Promise<Ack<CommandResults[N]> | typeof NO_ANSWER | typeof DROPPED> {
  const s = socket!;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (value: Ack<CommandResults[N]> | typeof NO_ANSWER | typeof DROPPED) => {
      if (settled) return;
      settled = true;
      s.off('disconnect', dropped);
      resolve(value);
    };
    const dropped = () => settle(DROPPED);
    if (stopOnDrop && s.connected) s.once('disconnect', dropped);
    // Socket.IO buffers the emit while offline and sends it on reconnect; a timed-out one leaves the buffer.
    const timed = s.timeout(ACK_TIMEOUT_MS);
    const emitWithAck = timed.emitWithAck as unknown as (event: N, payload: unknown) => Promise<Ack<CommandResults[N]>>;
    emitWithAck.call(timed, name, body).then(settle, () => settle(NO_ANSWER));
  });
}

function waitForConnection(): Promise<void> {
  if (socket?.connected) return Promise.resolve();
  return new Promise((resolve) => socket?.once('connect', () => resolve()));
}

/**
 * Worded with t, not errorMessage: the phone and projector pages carry only the few refusals they
 * word themselves, this one among them, not every err.* message errorMessage can build from a code.
 */
function timeoutAck(): Ack<never> {
  return { ok: false, error: { code: 'TIMEOUT', message: t(useLang.getState().lang, 'err.TIMEOUT') } };
}
