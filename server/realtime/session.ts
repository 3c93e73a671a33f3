// What the server knows about one connection: who it is, where it comes from, which language it
// speaks, and how much of its command budget it has spent.

import type { Lang, Role } from '../../shared/protocol.js';
import type { Bucket } from './limits.js';

export interface Session {
  role: Role;
  lang: Lang;
  participantId?: string;
  /** A host's connection: whose invitation it came with. */
  hostId?: string;
  /** A projector opened with the display key (not the facilitator's): a new display key disconnects it. */
  byScreenKey?: boolean;
  /** The client's address ('' when unknown), as the per-address limits see it. */
  address: string;
  /** This connection's command budget. */
  commands: Bucket;
  /** The device token this connection waits with for the facilitator's approval, hashed. */
  waitingFor?: string;
  /** This connection's wrong join codes, made at its first wrong one. */
  wrongCodes?: Bucket;
  /**
   * A staff page's residents proved by a one-time code to their address or number, until when: the
   * code is used up at the check, and the ballots cast after it name the same address or number.
   */
  provedHere?: Map<string, number>;
  /** A phone that unpacks a gzipped page of the wall. */
  gz?: boolean;
  /** The forum the phone holds as it connected (PhoneView.tag). */
  forumTag?: string;
  /** The wall the phone shows as it connected (Handshake.watch): answered in its greeting, then forgotten. */
  watch?: { priorityCode: string; query: string; pages: number; tag?: string };
  /** Commands refused for going too fast in the current window; a connection that keeps on is cut. */
  limited: { count: number; since: number };
}
