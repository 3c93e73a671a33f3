// Who gets a ballot, as pure rules: joining under each admission mode, the per-address cap,
// printed tickets (issued, used once, released so the ballot can move to another phone), and
// voiding a participant. What needs a clock or a secret (the hall's rotating code) is checked by
// the server before these run; everything that is recorded is decided here.

import { accept, refuse, type Decision, type RuleError } from './errors.js';
import { checkLine } from './rules.js';
import {
  ADMISSION_MODES,
  LIMITS,
  type AdmissionMode,
  type ForumEvent,
  type ForumState,
  type Ticket,
} from './types.js';

/** Only digits count in a typed code: "482 913" and "48219-93017" are the same as without spaces. */
export const codeDigits = (code: string): string => code.replace(/\D/g, '');

/** The forum's fixed code (the `open` mode), as typed. */
export function joinCodeMatches(state: ForumState, code: string): boolean {
  return codeDigits(code) === state.joinCode;
}

export function findTicket(state: ForumState, code: string): Ticket | undefined {
  const id = state.ticketsByCode.get(codeDigits(code));
  return id ? state.tickets.get(id) : undefined;
}

export interface JoinRequest {
  code: string;
  name: string;
  participantId: string;
  tokenHash: string;
  at: number;
  /** The client's address; '' when unknown. */
  address?: string;
  /** Most participants per address; 0 or absent: no limit. */
  addressCap?: number;
  /**
   * In the `hall` mode the code changes with time, so the server checks it against the current
   * codes first and says so here. The rules never see the secret the codes come from.
   */
  hallCodeValid?: boolean;
}

/**
 * A new device asks for a ballot. Gives `participantJoined`, or `ballotMoved` when it presents a
 * ticket the facilitator released (the old phone died: the same ballot continues on this one).
 */
export function decideJoin(state: ForumState, req: JoinRequest): Decision<ForumEvent[]> {
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  if (state.participantsByToken.has(req.tokenHash)) return refuse('ALREADY_JOINED');
  // A city vote's ballots are persons' (identity.ts, decidePersonJoin), never a device's by a code.
  if (state.persons.method) return refuse('IDENTITY_REQUIRED');
  const address = req.address ?? '';
  let ticket: Ticket | undefined;
  if (state.admission === 'open') {
    if (!joinCodeMatches(state, req.code)) return refuse('WRONG_CODE');
  } else if (state.admission === 'hall') {
    if (!req.hallCodeValid) return refuse('WRONG_CODE');
  } else {
    ticket = findTicket(state, req.code);
    if (!ticket) return refuse('WRONG_CODE');
    if (ticket.participantId) {
      const holder = state.participants.get(ticket.participantId);
      if (holder?.voided) return refuse('VOIDED', { reason: holder.voided.reason });
      if (!ticket.released) return refuse('TICKET_USED');
      return accept([
        { type: 'ballotMoved', participantId: ticket.participantId, ticketId: ticket.id, tokenHash: req.tokenHash, address, at: req.at },
      ]);
    }
  }
  const cap = req.addressCap ?? 0;
  if (cap > 0 && address && (state.participantsByAddress.get(address) ?? 0) >= cap) {
    return refuse('ADDRESS_LIMIT', { max: cap });
  }
  const name = checkLine('name', req.name, LIMITS.name, false);
  if (!name.ok) return name;
  return accept([
    {
      type: 'participantJoined',
      participantId: req.participantId,
      tokenHash: req.tokenHash,
      name: name.value,
      at: req.at,
      ...(address ? { address } : {}),
      ...(ticket ? { ticketId: ticket.id } : {}),
    },
  ]);
}

/**
 * Whether the admission mode can change now. An evening's forum chooses it before it opens:
 * changing it mid-evening would strand people. A vote-only forum opens straight into voting and
 * may stay open for days, away from any projector, so it can change it while the vote runs.
 */
export function admissionChangeable(state: Pick<ForumState, 'phase' | 'voteOnly'>): boolean {
  return state.phase === 'lobby' || (state.voteOnly && state.phase === 'voting');
}

export function decideAdmissionMode(state: ForumState, mode: AdmissionMode): Decision<ForumEvent[]> {
  if (!admissionChangeable(state)) return refuse('WRONG_PHASE', { phase: state.phase });
  if (!ADMISSION_MODES.includes(mode)) return refuse('BAD_INPUT', { field: 'mode' });
  if (state.admission === mode) return accept([]);
  return accept([{ type: 'admissionSet', mode }]);
}

/** The per-address cap can change at any moment (a venue behind one NAT address needs 0). */
export function decideAddressCap(state: ForumState, max: number): Decision<ForumEvent[]> {
  if (!Number.isInteger(max) || max < 0 || max > LIMITS.maxPerAddress) return refuse('BAD_INPUT', { field: 'maxPerAddress' });
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  return accept([{ type: 'addressCapSet', max }]);
}

/**
 * Issues `codes.length` new tickets (codes made by the server from a secure random source). A code
 * that is already a ticket is refused rather than silently dropped, so the caller can draw again.
 */
export function decideIssueTickets(state: ForumState, codes: readonly string[], ids: readonly string[], at: number): Decision<ForumEvent[]> {
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  const count = codes.length;
  if (count < 1 || count > LIMITS.ticketsPerBatch || ids.length !== count) return refuse('BAD_INPUT', { field: 'count' });
  if (state.tickets.size + count > LIMITS.tickets) return refuse('TICKET_LIMIT', { max: LIMITS.tickets });
  const seen = new Set<string>();
  for (const code of codes) {
    if (!/^\d{6,20}$/.test(code) || state.ticketsByCode.has(code) || seen.has(code)) return refuse('BAD_INPUT', { field: 'code' });
    seen.add(code);
  }
  let batch = 0;
  for (const t of state.tickets.values()) batch = Math.max(batch, t.batch);
  const first = state.tickets.size + 1;
  return accept([
    { type: 'ticketsIssued', batch: batch + 1, tickets: codes.map((code, i) => ({ id: ids[i], code, number: first + i })), at },
  ]);
}

/** Frees a used ticket so that the next device presenting it takes the ballot over. */
export function decideReleaseTicket(state: ForumState, code: string, at: number): Decision<ForumEvent[]> {
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  const ticket = findTicket(state, code);
  if (!ticket) return refuse('TICKET_NOT_FOUND');
  if (!ticket.participantId) return refuse('TICKET_NOT_USED');
  if (ticket.released) return accept([]);
  if (state.participants.get(ticket.participantId)?.voided) return refuse('ALREADY_VOIDED');
  return accept([{ type: 'ticketReleased', ticketId: ticket.id, at }]);
}

/** Whether voiding is still possible: not once the hall has seen results, nor in a closed forum. */
export function canVoid(state: Pick<ForumState, 'phase' | 'revealed'>): boolean {
  return state.phase !== 'closed' && state.revealed.length === 0;
}

/** Why a void is refused (see canVoid): the rankings already shown, or a closed forum. */
export function voidRefusal(state: Pick<ForumState, 'phase' | 'revealed'>): RuleError {
  return state.phase === 'closed' ? { code: 'WRONG_PHASE', params: { phase: state.phase } } : { code: 'RESULTS_SHOWN' };
}

/**
 * Voids a participant: their dots are taken off, their ideas hidden with the reason, and their
 * device refused from then on. Not once results are being revealed: the hall has seen them.
 */
export function decideVoid(state: ForumState, participantId: string, rawReason: string, at: number): Decision<ForumEvent[]> {
  const p = state.participants.get(participantId);
  if (!p) return refuse('NOT_JOINED');
  if (p.voided) return refuse('ALREADY_VOIDED');
  if (!canVoid(state)) return { ok: false, error: voidRefusal(state) };
  const reason = checkLine('reason', rawReason, LIMITS.reason, true);
  if (!reason.ok) return reason;
  return accept([{ type: 'participantVoided', participantId, reason: reason.value, at }]);
}
