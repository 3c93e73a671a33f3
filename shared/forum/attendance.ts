// The hall's size and what is done about joins beyond it, as pure rules: the expected attendance
// (joins past it wait for the facilitator), a burst of joins far above a hall's rate (joining
// pauses), and the void of everyone who joined in a chosen window or address range, in one step.
// The server keeps the clock and the waiting phones; everything recorded is decided here.

import { canVoid, voidRefusal } from './admission.js';
import { accept, refuse, type Decision } from './errors.js';
import { checkLine } from './rules.js';
import { ballotCount, type HeldDots } from './state.js';
import { LIMITS, type ForumEvent, type ForumState, type JoinBurst, type JoinWindow } from './types.js';

/**
 * How many joins within how long count as a burst. A real hall: about 130 residents scanning the
 * projector's QR over some 5 minutes, 13 joins per 30 s on average; even if the whole hall scanned
 * in its first two minutes it would be about 33 per 30 s, and a person needs ten seconds or more to
 * open the page and press «Приєднатися». Sixty within 30 s is twice that worst honest peak; a
 * script from many addresses (250 in 3 s) crosses it within its first second.
 */
export const JOIN_BURST_DEFAULT: BurstRule = { joins: 60, windowMs: 30_000 };

/** Expected attendance until the facilitator sets one: a hall of 130 with room to spare. */
export const EXPECTED_ATTENDANCE_DEFAULT = 150;

export interface BurstRule {
  /** More than this many joins within `windowMs` is a burst; 0 turns the check off. */
  joins: number;
  windowMs: number;
}

/** The facilitator sets how many the hall holds; 0: no limit. Any time before the forum closes. */
export function decideExpectedAttendance(state: ForumState, expected: number): Decision<ForumEvent[]> {
  if (!Number.isInteger(expected) || expected < 0 || expected > LIMITS.expectedAttendance) return refuse('BAD_INPUT', { field: 'expected' });
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  if (state.expectedAttendance === expected) return accept([]);
  return accept([{ type: 'attendanceSet', expected }]);
}

/** Joining pauses: after a burst (the server saw it), or by the facilitator's hand (no burst). */
export function decidePauseJoining(state: ForumState, at: number, burst?: JoinBurst): Decision<ForumEvent[]> {
  if (state.phase === 'closed') return refuse('WRONG_PHASE', { phase: state.phase });
  if (state.joiningPaused) return accept([]);
  return accept([{ type: 'joiningPaused', at, ...(burst ? { burst } : {}) }]);
}

export function decideResumeJoining(state: ForumState, at: number): Decision<ForumEvent[]> {
  if (!state.joiningPaused) return accept([]);
  return accept([{ type: 'joiningResumed', at }]);
}

/**
 * Whether a new device, whose code was right, must wait for the facilitator: joining is paused, or
 * the hall is full (`expected` in force; 0: no limit). Printed tickets are a limit of their own:
 * each is a ballot the facilitator handed out, so a ticket holder never waits.
 */
export function joinMustWait(state: ForumState, expected: number): 'paused' | 'full' | null {
  if (state.admission === 'tickets') return null;
  if (state.joiningPaused) return 'paused';
  if (expected > 0 && ballotCount(state) >= expected) return 'full';
  return null;
}

/**
 * Whether one more join at `now` makes a burst, given the joins admitted before it (oldest first;
 * older than the rule's window are ignored). The burst spans the joins in the window.
 */
export function burstAt(recent: readonly { at: number; address: string }[], now: number, rule: BurstRule): JoinBurst | null {
  if (rule.joins <= 0) return null;
  const inWindow = recent.filter((j) => j.at > now - rule.windowMs && j.at <= now);
  if (inWindow.length + 1 <= rule.joins) return null;
  return { from: inWindow[0].at, to: now, joins: inWindow.length, addresses: new Set(inWindow.map((j) => j.address)).size };
}

// ---------------------------------------------------------------- voiding a burst

/**
 * An address range as typed: IPv4 CIDR (`127.1.0.0/16`), or leading octets (`127.1`, `127.1.`,
 * `127.1.*`), or for IPv6 the leading characters (`fd00:1:`). Null when it is none of these.
 */
export type AddressRange = { kind: 'v4'; base: number; bits: number } | { kind: 'text'; prefix: string };

/**
 * One to four dot-separated numbers of one to three digits, each at most 255; null for anything
 * else. Read a character at a time: a void of a burst reads every participant's address, and
 * split and a regex per part took 15 to 20 ms for the 5,000 of the largest forum (scripts/stalls.ts).
 */
const octets = (s: string): number[] | null => {
  const parts: number[] = [];
  let n = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || parts.length === 4) return null;
      parts.push(n);
      n = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      n = n * 10 + (c - 0x30);
      digits++;
      if (n > 255) return null;
    } else return null;
  }
  return parts;
};
const v4 = (o: number[]): number => ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;

export function parseAddressRange(raw: string): AddressRange | null {
  const range = raw.trim().toLowerCase();
  if (!range || range.length > 64) return null;
  if (range.includes(':')) return /^[0-9a-f:]+$/.test(range) ? { kind: 'text', prefix: range } : null;
  const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(range);
  if (cidr) {
    const o = octets(cidr[1]);
    const bits = Number(cidr[2]);
    if (!o || o.length !== 4 || bits > 32) return null;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return { kind: 'v4', base: (v4(o) & mask) >>> 0, bits };
  }
  const o = octets(range.replace(/\.\*?$/, ''));
  if (!o) return null;
  const bits = o.length * 8;
  while (o.length < 4) o.push(0);
  return { kind: 'v4', base: v4(o), bits };
}

export function inAddressRange(address: string, range: AddressRange): boolean {
  if (range.kind === 'text') return address.toLowerCase().startsWith(range.prefix);
  const o = octets(address);
  if (!o || o.length !== 4) return false;
  const mask = range.bits === 0 ? 0 : (~0 << (32 - range.bits)) >>> 0;
  return ((v4(o) & mask) >>> 0) === range.base;
}

/** Which joins to void: a time window, an address range, or both (then both must hold). */
export interface JoinSelection {
  window?: JoinWindow;
  range?: string;
}

/** The participants, not yet voided, who joined within the selection, in the order they joined. */
export function selectJoined(state: ForumState, selection: JoinSelection): Decision<string[]> {
  const { window } = selection;
  if (!window && !selection.range) return refuse('BAD_INPUT', { field: 'window' });
  if (window && (!Number.isFinite(window.from) || !Number.isFinite(window.to) || window.from > window.to)) return refuse('BAD_INPUT', { field: 'window' });
  const range = selection.range ? parseAddressRange(selection.range) : null;
  if (selection.range && !range) return refuse('BAD_INPUT', { field: 'range' });
  const ids: string[] = [];
  for (const p of state.participants.values()) {
    if (p.voided) continue;
    if (window && (p.joinedAt < window.from || p.joinedAt > window.to)) continue;
    if (range && !inAddressRange(p.address, range)) continue;
    ids.push(p.id);
  }
  return accept(ids);
}

/** What voiding these participants would take away: their dots, their ideas, and others' dots on those ideas. */
export interface VoidImpact {
  participants: number;
  /** Their own dots that come off. */
  dots: number;
  /** Their active ideas that are hidden. */
  ideas: number;
  /** Dots of others on those ideas, given back to them. */
  refunded: number;
}

/** What a void of many takes away (its impact), and the dots of others it gives back (state.ts HeldDots). */
export interface VoidPlan {
  impact: VoidImpact;
  held: HeldDots;
}

export function voidPlan(state: ForumState, participantIds: readonly string[]): VoidPlan {
  const steps = voidPlanInSteps(state, participantIds, Infinity);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** voidPlan, yielding after every `ballotsPerStep` ballots looked at (see decideMergeInSteps). */
export function* voidPlanInSteps(state: ForumState, participantIds: readonly string[], ballotsPerStep: number): Generator<void, VoidPlan, void> {
  const voiding = new Set(participantIds);
  let dots = 0;
  let refunded = 0;
  const hidden = new Set<string>();
  const held = new Map<string, string[]>();
  for (const id of voiding) {
    for (const n of state.dots.get(id)?.values() ?? []) dots += n;
    for (const idea of state.ideasByAuthor.get(id) ?? []) if (idea.status === 'active') hidden.add(idea.id);
  }
  // Others' dots on those ideas, in one pass over the ballots (one pass an idea: 180 ms for the
  // 250 authors of the largest forum, scripts/stalls.ts).
  if (hidden.size > 0) {
    let looked = 0;
    for (const [owner, mine] of state.dots) {
      if (++looked % ballotsPerStep === 0) yield;
      if (voiding.has(owner)) continue;
      let theirs: string[] | undefined;
      for (const [ideaId, n] of mine) {
        if (!hidden.has(ideaId)) continue;
        refunded += n;
        (theirs ??= []).push(ideaId);
      }
      if (theirs) held.set(owner, theirs);
    }
  }
  return { impact: { participants: voiding.size, dots, ideas: hidden.size, refunded }, held };
}

/**
 * Voids everyone the selection finds, as one event: each leaves the forum exactly as a single
 * void would leave them (state.ts voidParticipant), and the log gets one entry with the count and
 * the window or range chosen. Refused when it finds nobody, and once results are being revealed.
 */
export function decideVoidMany(state: ForumState, selection: JoinSelection, rawReason: string, at: number): Decision<ForumEvent[]> {
  if (!canVoid(state)) return { ok: false, error: voidRefusal(state) };
  const chosen = selectJoined(state, selection);
  if (!chosen.ok) return chosen;
  if (chosen.value.length === 0) return refuse('NONE_SELECTED');
  const reason = checkLine('reason', rawReason, LIMITS.reason, true);
  if (!reason.ok) return reason;
  const range = selection.range?.trim();
  return accept([
    {
      type: 'participantsVoided',
      participantIds: chosen.value,
      reason: reason.value,
      at,
      ...(selection.window ? { window: { from: selection.window.from, to: selection.window.to } } : {}),
      ...(range ? { range } : {}),
    },
  ]);
}
