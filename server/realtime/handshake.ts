// Admitting a connection: the handshake is checked (protocol version, the forum its address names,
// role, keys), the client's address found, and phones' connections per address capped and slowed,
// before any state is sent.

import type { Socket } from 'socket.io';
import { t, type MessageKey } from '../../shared/i18n/all.js';
import { FORUM_QUERY, PROTOCOL_VERSION, handshakeSchema, type ConnectRefusal, type Lang } from '../../shared/protocol.js';
import type { Admission } from '../forum/admission.js';
import type { ForumRoom } from '../forum/room.js';
import { TOKEN_PATTERN } from '../forum/room.js';
import { hashHostSecret } from '../handlers/host/invite.js';
import { keyMatches, type KeyGuard } from './keys.js';
import { fullBucket, type Limits } from './limits.js';
import type { Session } from './session.js';

export function refuseConnection(code: ConnectRefusal['code'], lang: Lang, retryAfter?: number): Error {
  const err = new Error(code) as Error & { data: ConnectRefusal };
  const message = t(lang, `err.${code}` as MessageKey, { seconds: retryAfter ?? 0 });
  err.data = { code, message, serverVersion: PROTOCOL_VERSION, ...(retryAfter ? { retryAfter } : {}) };
  return err;
}

/** "::ffff:192.168.1.20" and "192.168.1.20" are the same phone. */
export const normalizeAddress = (address: string): string => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

/**
 * The client's address. Behind a reverse proxy (TRUST_PROXY = the number of proxies in front),
 * the address the nearest trusted proxy saw, from X-Forwarded-For; otherwise the socket's peer.
 */
export function addressOf(peerAddress: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: number): string {
  const peer = normalizeAddress(peerAddress ?? '');
  if (trustProxy <= 0) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')).split(',').map((h) => h.trim()).filter(Boolean);
  const chain = [...hops, peer];
  return normalizeAddress(chain[Math.max(0, chain.length - 1 - trustProxy)] ?? peer);
}

const clientAddress = (socket: Pick<Socket, 'handshake'>, trustProxy: number): string =>
  addressOf(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], trustProxy);

export interface HandshakeDeps {
  room: ForumRoom;
  facilitatorKey: () => string;
  admission: Admission;
  limits: Limits;
  keys: KeyGuard;
  trustProxy: number;
}

/** Open connections per address, kept up to date as sockets come and go. */
export class OpenConnections {
  private readonly byAddress = new Map<string, number>();
  count(address: string): number {
    return this.byAddress.get(address) ?? 0;
  }
  opened(address: string): void {
    this.byAddress.set(address, this.count(address) + 1);
  }
  closed(address: string): void {
    const n = this.count(address) - 1;
    if (n > 0) this.byAddress.set(address, n);
    else this.byAddress.delete(address);
  }
}

/** The middleware that checks a connection before it is accepted; sets `socket.data.session`. */
export function handshake(deps: HandshakeDeps, open: OpenConnections) {
  const { room, admission, limits, keys } = deps;
  return (socket: Socket, next: (err?: Error) => void) => {
    const auth = handshakeSchema.safeParse(socket.handshake.auth);
    const lang: Lang = auth.success && auth.data.lang ? auth.data.lang : 'uk';
    if (!auth.success) return next(refuseConnection('BAD_INPUT', lang));
    if (auth.data.v !== PROTOCOL_VERSION) return next(refuseConnection('PROTOCOL_MISMATCH', lang));
    // The pages name their forum in the handshake's address (/socket.io/?forum=<slug>), so that a
    // proxy in front of several server processes can send it to the one holding the forum: it must
    // be the forum this connection asks for. A client naming none (a script) is served as before.
    const named = socket.handshake.query[FORUM_QUERY];
    if (named !== undefined && named !== room.record.slug) return next(refuseConnection('WRONG_FORUM', lang));
    const address = clientAddress(socket, deps.trustProxy);
    const now = Date.now();

    const data = auth.data;
    const { role, key } = data;
    let hostId: string | undefined;
    if (role === 'host' || role === 'staff') {
      // A host's invitation secret: only its hash is stored; a revoked one no longer maps. A service
      // point's staff open the staff page only, and a host the console only.
      hostId = key ? room.state.hostsBySecret.get(hashHostSecret(key)) : undefined;
      if (hostId && (room.state.hosts.get(hostId)?.point !== undefined) !== (role === 'staff')) hostId = undefined;
      if (!hostId) {
        const check = keys.wrong(address, role, now);
        return next(!check.ok && check.retryAfter ? refuseConnection('RATE_LIMITED', lang, check.retryAfter) : refuseConnection('FORBIDDEN', lang));
      }
    }
    if (role === 'console' || role === 'screen') {
      // The projector sees the hall's current join code, so it needs its own key (or the facilitator's).
      const expected = () => (role === 'console' ? [deps.facilitatorKey()] : [room.record.screenKey, deps.facilitatorKey()]);
      keys.check(key, expected, address, role).then((check) => {
        if (!check.ok) return next(check.retryAfter ? refuseConnection('RATE_LIMITED', lang, check.retryAfter) : refuseConnection('FORBIDDEN', lang));
        admit(role === 'screen' && !keyMatches(key, deps.facilitatorKey()));
      }, next);
      return;
    }
    admit(false);

    function admit(byScreenKey: boolean): void {
      // Phones only: a connection that proved a key is the facilitator's, a projector or a host, and
      // the phones of a guest network it shares an address with must not use up its connections.
      const maxOpen = admission.maxConnectionsPerAddress();
      if (role === 'phone' && maxOpen > 0 && address) {
        const rate = limits.connections.take(address, now);
        if (!rate.ok) {
          admission.refused('rateLimited', now);
          return next(refuseConnection('RATE_LIMITED', lang, rate.retryAfter));
        }
        if (open.count(address) >= maxOpen) {
          admission.refused('connectionLimit', now);
          return next(refuseConnection('CONNECTION_LIMIT', lang));
        }
      }

      const session: Session = {
        role,
        lang,
        address,
        commands: fullBucket(limits.settings.commandsPerConnection, now),
        limited: { count: 0, since: now },
        ...(hostId ? { hostId } : {}),
        ...(byScreenKey ? { byScreenKey } : {}),
      };
      const token = data.token;
      if (role === 'phone' && token && TOKEN_PATTERN.test(token)) session.participantId = room.participantByToken(token);
      if (role === 'phone' && data.gz === true) session.gz = true;
      if (role === 'phone' && data.forum) session.forumTag = data.forum;
      if (role === 'phone' && data.watch) session.watch = data.watch;
      socket.data.session = session;
      next();
    }
  };
}
