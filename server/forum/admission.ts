// The server's side of admission: the hall's rotating join codes (drawn from a secret, so they
// survive a restart without being stored), what the projector shows to let the hall in, the cap
// per client address in force, a count of recent refusals for the facilitator, the recent joins a
// burst is seen in, and the devices waiting for the facilitator's approval.

import { createHmac, randomInt, randomUUID } from 'node:crypto';
import { codeDigits } from '../../shared/forum/admission.js';
import { burstAt, EXPECTED_ATTENDANCE_DEFAULT, JOIN_BURST_DEFAULT, type BurstRule } from '../../shared/forum/attendance.js';
import { ballotCount } from '../../shared/forum/state.js';
import { TICKET_CODE_DIGITS, type JoinBurst } from '../../shared/forum/types.js';
import type { AdmissionView, JoinInfo, WaitingJoin } from '../../shared/protocol.js';
import { claimOfEIdKey, eIdKeyOf, identityChangeable, voterCodesIssued } from '../../shared/forum/identity.js';
import type { CodeSender } from './codeSenders.js';
import { OneTimeCodes } from './oneTimeCodes.js';
import type { OidcSignIn } from './signIn.js';
import type { PersonKeys } from './persons.js';
import { Refusal, type ForumRoom } from './room.js';

/** How often the hall code changes, and for how many periods a code stays valid (4 × 30 s = 2 min). */
export const HALL_CODE_PERIOD_MS = 30_000;
export const HALL_CODE_VALID_PERIODS = 4;
/** Codes older than that, up to this many periods back, are answered "expired" rather than "wrong". */
const HALL_CODE_REMEMBERED_PERIODS = 120;

export type HallCodeCheck = 'valid' | 'expired' | 'wrong';

export type RefusalCause = keyof AdmissionView['refused'];

/** Counts per minute over the last `minutes`, in a ring: memory does not grow with traffic. */
class PerMinute {
  private readonly counts: number[];
  private readonly minutes: number[];
  constructor(private readonly size = 10) {
    this.counts = new Array(size).fill(0);
    this.minutes = new Array(size).fill(-1);
  }
  add(now: number, n = 1): void {
    const minute = Math.floor(now / 60_000);
    const i = minute % this.size;
    if (this.minutes[i] !== minute) {
      this.minutes[i] = minute;
      this.counts[i] = 0;
    }
    this.counts[i] += n;
  }
  total(now: number): number {
    const minute = Math.floor(now / 60_000);
    let sum = 0;
    for (let i = 0; i < this.size; i++) if (minute - this.minutes[i] < this.size) sum += this.counts[i];
    return sum;
  }
}

/**
 * A device waiting for approval, with what its join carried: approving it joins it as the join
 * would have, without its code being asked again (it was right when it came).
 */
export interface Waiting extends WaitingJoin {
  tokenHash: string;
  code: string;
  hallCodeValid: boolean;
}

/**
 * Most devices kept waiting. A script from many addresses fills this, and then is refused; the
 * hall's own latecomers are a few dozen at most.
 */
export const MAX_WAITING = 1000;
/** Devices the facilitator turned away are told so when they ask again; the oldest are forgotten past this. */
const REFUSED_REMEMBERED = 5000;

export interface AdmissionOptions {
  /**
   * The server's public address (PUBLIC_URL or the LAN address; no trailing slash): every address
   * the console hands to another device starts with it, never with the console's own origin.
   */
  publicUrl: string;
  /** The base address phones open (no trailing slash). */
  baseUrl: string;
  /** The projector page's address, on the public address, without its key. */
  screenBaseUrl: string;
  /** The forum's voter codes, list entries and person ids (its keys derived from the server's person key). */
  personKeys: () => PersonKeys;
  /** Who carries one-time codes: e-mail (SMTP_URL), SMS (SMS_GATEWAY_URL); absent: not set up. */
  codeSenders?: { email?: CodeSender; sms?: CodeSender };
  /** Sign-in with an e-ID (OIDC_ISSUER); absent: not set up. */
  signIn?: OidcSignIn;
  /** MAX_PARTICIPANTS_PER_ADDRESS: the cap until the facilitator sets one. */
  defaultMaxPerAddress: number;
  keyFromEnv: boolean;
  periodMs?: number;
  /** EXPECTED_ATTENDANCE: the hall's size until the facilitator sets one; 0: no limit. */
  defaultExpectedAttendance?: number;
  /** JOIN_BURST: joins within a time that pause joining. */
  burst?: BurstRule;
}

export class Admission {
  readonly periodMs: number;
  private readonly refusals = {
    addressLimit: new PerMinute(),
    wrongCode: new PerMinute(),
    rateLimited: new PerMinute(),
    connectionLimit: new PerMinute(),
  } satisfies Record<RefusalCause, PerMinute>;

  readonly burstRule: BurstRule;
  /** Joins admitted lately (oldest first), for seeing a burst; kept no longer than the burst window. */
  private recentJoins: { at: number; address: string }[] = [];
  /** Waiting devices by token hash, oldest first (a Map keeps the order they came in). */
  private readonly waiting = new Map<string, Waiting>();
  /** Waiting devices per address, so that the per-address cap bounds the queue as it bounds ballots. */
  private readonly waitingByAddress = new Map<string, number>();
  private readonly refusedTokens = new Set<string>();

  constructor(
    private readonly room: ForumRoom,
    private readonly options: AdmissionOptions,
  ) {
    this.periodMs = options.periodMs ?? HALL_CODE_PERIOD_MS;
    this.burstRule = options.burst ?? JOIN_BURST_DEFAULT;
  }

  /** The forum's voter codes, list entries and person ids. */
  get personKeys(): PersonKeys {
    return this.options.personKeys();
  }

  /**
   * The person keys, for a proof or for what it is checked against: refused when the vote's persons
   * were hashed under another server's key (a vote moved by its forum file), where a returning
   * person would be taken for a new one and get a second ballot.
   */
  personKeysHere(): PersonKeys {
    const keys = this.personKeys;
    const recorded = this.room.state.persons.key;
    if (recorded !== null && recorded !== keys.fingerprint()) throw new Refusal({ code: 'IDENTITY_KEY_ELSEWHERE' });
    return keys;
  }

  /** One-time codes sent by e-mail or SMS and not yet typed back. */
  readonly oneTimeCodes = new OneTimeCodes();

  codeSender(method: 'email' | 'sms'): CodeSender | undefined {
    return this.options.codeSenders?.[method];
  }

  get signIn(): OidcSignIn | undefined {
    return this.options.signIn;
  }

  /**
   * What this server keys e-ID persons by (shared/forum/identity.ts, EID_KEY): OIDC_PERSON_CLAIM's
   * register number, else the provider's subject (and at a voting point the document's number).
   */
  eIdKey(): string {
    return eIdKeyOf(this.options.signIn?.personClaim ?? null);
  }

  /** The hall's size in force; 0 means no limit. */
  expectedAttendance(): number {
    return this.room.state.expectedAttendance ?? this.options.defaultExpectedAttendance ?? EXPECTED_ATTENDANCE_DEFAULT;
  }

  /** Whether one more join now would make a burst (see burstAt), and which. */
  burstNow(now: number): JoinBurst | null {
    return burstAt(this.recentJoins, now, this.burstRule);
  }

  /** A join went through: remembered for seeing a burst. */
  joined(at: number, address: string): void {
    const since = at - this.burstRule.windowMs;
    let drop = 0;
    while (drop < this.recentJoins.length && this.recentJoins[drop].at <= since) drop++;
    if (drop > 0) this.recentJoins = this.recentJoins.slice(drop);
    this.recentJoins.push({ at, address });
  }

  /** Joining resumed: the facilitator has seen the burst, so the count of recent joins starts afresh. */
  burstSeen(): void {
    this.recentJoins = [];
  }

  waitingFor(tokenHash: string): Waiting | undefined {
    return this.waiting.get(tokenHash);
  }

  wasRefused(tokenHash: string): boolean {
    return this.refusedTokens.has(tokenHash);
  }

  /** Puts a device in the queue; false when the queue is full. */
  enqueue(join: Omit<Waiting, 'id'>): boolean {
    if (this.waiting.has(join.tokenHash)) return true;
    if (this.waiting.size >= MAX_WAITING) return false;
    this.waiting.set(join.tokenHash, { id: randomUUID(), ...join });
    if (join.address) this.waitingByAddress.set(join.address, this.waitingFrom(join.address) + 1);
    this.room.changed();
    return true;
  }

  /** How many devices from `address` wait for approval. */
  waitingFrom(address: string): number {
    return this.waitingByAddress.get(address) ?? 0;
  }

  /** The waiting devices with these ids (all of them without ids), oldest first. */
  waitingOnes(ids?: readonly string[]): Waiting[] {
    const all = [...this.waiting.values()];
    if (!ids) return all;
    const wanted = new Set(ids);
    return all.filter((w) => wanted.has(w.id));
  }

  /** A device leaves the queue: approved (it joined), or refused (and told so if it asks again). */
  settle(tokenHash: string, refused: boolean): void {
    const address = this.waiting.get(tokenHash)?.address;
    this.waiting.delete(tokenHash);
    if (address) {
      const n = this.waitingFrom(address) - 1;
      if (n > 0) this.waitingByAddress.set(address, n);
      else this.waitingByAddress.delete(address);
    }
    if (refused) {
      this.refusedTokens.add(tokenHash);
      if (this.refusedTokens.size > REFUSED_REMEMBERED) this.refusedTokens.delete(this.refusedTokens.values().next().value!);
    }
    this.room.changed();
  }

  /** The six-digit hall code of one period: HMAC of the period number under the forum's secret. */
  hallCode(period: number): string {
    const mac = createHmac('sha256', this.room.record.joinSecret).update(`hall:${period}`).digest();
    return String(100000 + (mac.readUInt32BE(0) % 900000));
  }

  period(now: number): number {
    return Math.floor(now / this.periodMs);
  }

  checkHallCode(code: string, now: number): HallCodeCheck {
    const digits = codeDigits(code);
    if (digits.length !== 6) return 'wrong';
    const current = this.period(now);
    for (let p = current; p > current - HALL_CODE_REMEMBERED_PERIODS; p--) {
      if (this.hallCode(p) === digits) return current - p < HALL_CODE_VALID_PERIODS ? 'valid' : 'expired';
    }
    return 'wrong';
  }

  /**
   * How the hall joins right now, as the projector and the console show it. A closed forum takes no
   * one (only its results are open to all): no code, and none worked out on the clock.
   */
  joinInfo(now: number): JoinInfo {
    const base = this.options.baseUrl;
    const state = this.room.state;
    if (state.admission === 'tickets' || state.phase === 'closed') return { joinUrl: `${base}/`, joinCode: '', rotation: null };
    if (state.admission === 'open') return { joinUrl: `${base}/?c=${state.joinCode}`, joinCode: state.joinCode, rotation: null };
    const period = this.period(now);
    const code = this.hallCode(period);
    return { joinUrl: `${base}/?c=${code}`, joinCode: code, rotation: { nextAt: (period + 1) * this.periodMs, periodMs: this.periodMs } };
  }

  /**
   * The per-address cap in force; 0 means none. None in a vote where people prove who they are:
   * there a ballot is a person's, and a city's voters share carriers' addresses by the thousand.
   */
  maxPerAddress(): number {
    const settings = this.room.admissionSettings;
    if (settings.identity) return 0;
    return settings.maxPerAddress ?? this.options.defaultMaxPerAddress;
  }

  /** Open connections allowed per address: ten per participant allowed there, none when the cap is off. */
  maxConnectionsPerAddress(): number {
    const cap = this.maxPerAddress();
    return cap === 0 ? 0 : 10 * cap;
  }

  screenUrl(): string {
    return `${this.options.screenBaseUrl}?key=${encodeURIComponent(this.room.record.screenKey)}`;
  }

  refused(cause: RefusalCause, now = Date.now()): void {
    this.refusals[cause].add(now);
  }

  /** New ticket codes: random digits, none already a ticket. */
  newTicketCodes(count: number): string[] {
    const taken = this.room.state.ticketsByCode;
    const codes = new Set<string>();
    while (codes.size < count) {
      let code = String(randomInt(1, 10));
      for (let i = 1; i < TICKET_CODE_DIGITS; i++) code += String(randomInt(0, 10));
      if (!taken.has(code)) codes.add(code);
    }
    return [...codes];
  }

  view(now: number): AdmissionView {
    const state = this.room.state;
    const minute = Math.floor(now / 60_000);
    const joinsPerMinute = new Array(10).fill(0) as number[];
    for (const p of state.participants.values()) {
      const ago = minute - Math.floor(p.joinedAt / 60_000);
      if (ago >= 0 && ago < 10) joinsPerMinute[9 - ago]++;
    }
    const batches = new Map<number, { batch: number; count: number; at: number }>();
    let used = 0;
    let released = 0;
    // Tickets come batch after batch: the batch's record is looked up when the batch changes, not per ticket.
    let last: { batch: number; count: number; at: number } | undefined;
    for (const t of state.tickets.values()) {
      if (last?.batch !== t.batch) {
        last = batches.get(t.batch);
        if (!last) batches.set(t.batch, (last = { batch: t.batch, count: 0, at: t.issuedAt }));
      }
      last.count++;
      if (t.participantId) used++;
      if (t.released) released++;
    }
    // Only the addresses shared are copied out: 5,000 addresses of one device each made 5,000 pairs at every console update.
    const shared: [string, number][] = [];
    for (const [address, n] of state.participantsByAddress) if (n > 1) shared.push([address, n]);
    const sharedAddresses = shared
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 20)
      .map(([address, participants]) => ({ address, participants }));
    return {
      mode: state.admission,
      maxPerAddress: this.maxPerAddress(),
      maxPerAddressIsDefault: state.maxPerAddress === null,
      expectedAttendance: this.expectedAttendance(),
      expectedAttendanceIsDefault: state.expectedAttendance === null,
      ballots: ballotCount(state),
      paused: state.joiningPaused,
      burstRule: { ...this.burstRule },
      // Newest first: the resident who comes up to say "my phone is waiting" came after the burst.
      waiting: this.waitingOnes()
        .slice(-200)
        .reverse()
        .map(({ id, at, address, name, why }) => ({ id, at, address, name, why })),
      waitingCount: this.waiting.size,
      tickets: { issued: state.tickets.size, used, released, batches: [...batches.values()] },
      identity: {
        method: state.persons.method,
        changeable: identityChangeable(state),
        codes: { issued: voterCodesIssued(state), batches: state.persons.codeBatches.map(({ batch, count, at }) => ({ batch, count, at })) },
        listed: state.persons.listed.size,
        persons: state.persons.byPerson.size,
        devices: state.persons.devices.size,
        anonymised: state.persons.anonymised,
        senders: { email: Boolean(this.options.codeSenders?.email), sms: Boolean(this.options.codeSenders?.sms), oidc: Boolean(this.options.signIn) },
        oidcPersonClaim: this.options.signIn?.personClaim ?? null,
        oidcRecorded: state.persons.eIdKey === null ? null : { claim: claimOfEIdKey(state.persons.eIdKey) },
      },
      joinsPerMinute,
      refused: {
        addressLimit: this.refusals.addressLimit.total(now),
        wrongCode: this.refusals.wrongCode.total(now),
        rateLimited: this.refusals.rateLimited.total(now),
        connectionLimit: this.refusals.connectionLimit.total(now),
      },
      sharedAddresses,
      publicUrl: this.options.publicUrl,
      screenUrl: this.screenUrl(),
      resultsUrl: `${this.options.baseUrl}/results`,
      keyFromEnv: this.options.keyFromEnv,
    };
  }
}
