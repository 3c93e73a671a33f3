// The one definition of every message between the clients and the server, both ways: the
// handshake, each command with its runtime schema, roles and result, the typed ack, and every
// event the server pushes. Client and server import this same file, so a name cannot drift.

import { z } from 'zod';
import type { ViewPatch } from './viewPatch.js';
import { CHECKED_DOCUMENTS, IN_PERSON_CHANNELS } from './city/channels.js';
import { cityVoteInputSchema } from './city/schema.js';
import type { CityBallot, CityVote } from './city/vote.js';
import type { ErrorCode, ErrorParams } from './forum/errors.js';
import type { AdmissionMode, Display, IdentityMethod, IdeaStatus, JoinBurst, ModerationEntry, Phase, Priority, Rules, Structure, Timer } from './forum/types.js';
import { ADMISSION_MODES, IDENTITY_METHODS, PHASES } from './forum/types.js';
import { WALL_MAX_PAGES } from './forum/wallOrder.js';

export { FORUM_QUERY, PROTOCOL_VERSION } from './version.js';

export const LANGS = ['uk', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** `host`: a co-facilitator or table host, by invitation, within a scope. `staff`: a service point's staff in a city vote. */
export type Role = 'phone' | 'screen' | 'console' | 'host' | 'staff';

/** Sent as Socket.IO's `auth` at every (re)connect. */
export interface Handshake {
  v: number;
  role: Role;
  lang?: Lang;
  /** Phone: the device token received at join. */
  token?: string;
  /** Console: the facilitator's secret key. Projector: its display key (or the facilitator's). */
  key?: string;
  /** Phone: it can unpack a gzipped page of the wall (DecompressionStream). */
  gz?: boolean;
  /** Phone: the `tag` of the forum it holds (PhoneView.tag): the same is not sent again at connect. */
  forum?: string;
  /** Phone: the wall it shows, with the `tag` of the page it holds: answered in its greeting (PhoneGreeting.wall). */
  watch?: { priorityCode: string; query?: string; pages?: number; tag?: string };
}

export const handshakeSchema = z.object({
  v: z.number(),
  role: z.enum(['phone', 'screen', 'console', 'host', 'staff']),
  lang: z.enum(LANGS).optional(),
  token: z.string().max(200).optional(),
  key: z.string().max(200).optional(),
  gz: z.boolean().optional(),
  forum: z.string().max(64).optional(),
  /**
   * Phone: the wall it shows, as wall:watch asks for it (with the `tag` of the page it holds),
   * answered in its greeting: a phone back after a drop need not ask, nor be answered apart.
   */
  watch: z
    .object({
      priorityCode: z.string().max(64),
      query: z.string().max(400).default(''),
      pages: z.number().int().min(1).max(WALL_MAX_PAGES).default(1),
      tag: z.string().max(64).optional(),
    })
    .optional(),
});

/** What a refused connection carries in `connect_error`'s `data`. */
export interface ConnectRefusal {
  /**
   * WRONG_FORUM: the forum named in the handshake's address (`?forum=`) is not the one asked for.
   * FORUM_ELSEWHERE, FORUM_NOT_FOUND: the forum asked for is served by another server process, or by none.
   * STORAGE_UNAVAILABLE: the forum could not be opened because its store (PostgreSQL) does not answer now.
   */
  code: 'PROTOCOL_MISMATCH' | 'FORBIDDEN' | 'BAD_INPUT' | 'RATE_LIMITED' | 'CONNECTION_LIMIT' | 'WRONG_FORUM' | 'FORUM_ELSEWHERE' | 'FORUM_NOT_FOUND' | 'STORAGE_UNAVAILABLE';
  message: string;
  /** The same sentence in the other language, shown after it: a refusal before any forum is reached. */
  other?: { lang: Lang; message: string };
  serverVersion: number;
  /** For RATE_LIMITED: seconds until a new attempt can succeed. */
  retryAfter?: number;
}

// ---------------------------------------------------------------- acks

export interface AckError {
  code: ErrorCode;
  /** Already in the sender's language. */
  message: string;
  params?: ErrorParams;
}

export type Ack<T> = { ok: true; data: T; duplicate?: boolean } | { ok: false; error: AckError };

// ---------------------------------------------------------------- views pushed by the server

/** The forum as everyone may see it. */
export interface ForumInfo {
  title: string;
  vision: string;
  priorities: Priority[];
  rules: Rules;
  phase: Phase;
  revealed: string[];
  admission: AdmissionMode;
  /** In a city vote, how each person proves who they are before they get a ballot. */
  identity: IdentityMethod | null;
  /** What the projector shows, and how many top ideas its chart has. */
  display: Display;
  resultsTop: number;
  /** Whether the public results page (/results) is published: it shows revealed priorities only. */
  publicResults: boolean;
  /** The current phase's countdown, when the facilitator set one. */
  timer: Timer | null;
  /** Archived: read-only, exports still work. */
  archived: boolean;
  /** A vote-only forum: its ideas are an earlier forum's shortlist. */
  voteOnly: boolean;
  /** The forum this one was created from, in a series. */
  basedOn: { forumId: string; title: string } | null;
  /** A vote-only forum's city vote, as every voter sees it before voting (no counts ever). */
  cityVote: CityVote | null;
  /** How many times the definition was saved (0: never): a console's save names the one it edited. */
  cityVoteRevision: number;
}

/** An idea as phones and the projector see it: no author id, no counts. */
export interface PublicIdea {
  id: string;
  priorityCode: string;
  goalCode: string | null;
  title: string;
  description: string;
  place: string;
  authorName: string;
  corrected: boolean;
}

export interface ResultRow {
  ideaId: string;
  title: string;
  goalCode: string | null;
  /** Phone dots and paper stickers together: the ranking is by this. */
  dots: number;
  phoneDots: number;
  paperDots: number;
  supporters: number;
  rank: number;
}

/** One revealed priority's ranking. Only revealed priorities ever reach phones or the projector. */
export interface PriorityResult {
  priorityCode: string;
  rows: ResultRow[];
  /** On the projector: rows of this ranking left out after the first ones (server/forum/views.ts screenResult). */
  more?: number;
  /** On the projector, when the tie at its cut goes on past the rows sent: how many of those left out share the last row's rank. */
  tiedAfter?: number;
}

/** A row of a ranking as a phone gets it: what the phone shows, and no more (a reveal goes to every phone). */
export type PhoneResultRow = Pick<ResultRow, 'ideaId' | 'title' | 'dots' | 'supporters' | 'rank'>;

/** A revealed ranking as a phone gets it: its first rows (server/forum/views.ts phoneResults). */
export interface PhoneResult {
  priorityCode: string;
  rows: PhoneResultRow[];
  /** Rows of this ranking left out after the first ones. */
  more?: number;
  /** When the last row's rank is shared by rows left out: how many of them (its rank reads "=N"). */
  tiedAfter?: number;
  /** To a phone that can unpack it, large `rows` as their JSON gzipped (`rows` then empty). */
  gz?: ArrayBuffer | Uint8Array;
}

export interface MyIdea extends PublicIdea {
  status: IdeaStatus;
  hiddenReason: string | null;
  /** Merged: the idea it lives on in (after merges of merges, the one standing), marked as one's own in the results. */
  mergedInto: string | null;
}

export interface MeView {
  participantId: string;
  name: string;
  ideas: MyIdea[];
  /** Only this participant's own dots: idea id → dots placed. */
  dots: Record<string, number>;
  /** Set when the facilitator voided this ballot. */
  voided: { reason: string } | null;
  /** This participant's standing city ballots, one per budget they voted in (none: empty). */
  cityBallots: CityBallot[];
}

/**
 * The forum as a phone needs it: without what only the projector and console show (the slide,
 * which priorities are revealed, the projector's cut); its revealed results come apart, as
 * `results`, each when it changes. `publicResults` lets it link to the published results page.
 */
export type PhoneForumInfo = Omit<ForumInfo, 'revealed' | 'display' | 'resultsTop'>;

export interface PhoneView {
  forum: PhoneForumInfo;
  /** After a dropped connection, come back at a random moment within this many ms (more phones: longer). */
  reconnectWithinMs: number;
  /** The forum in short: sent back in the handshake, so a phone reconnecting is not sent the same forum again. */
  tag?: string;
}

/** How the hall joins, as the projector shows it. */
export interface JoinInfo {
  /** The address phones open; carries the code when there is one to carry. */
  joinUrl: string;
  /** The code to type: the current hall code, the fixed code, or '' with tickets. */
  joinCode: string;
  /** In the `hall` mode: when the code shown changes next (epoch ms) and how often. */
  rotation: { nextAt: number; periodMs: number } | null;
}

export interface ScreenView extends JoinInfo {
  forum: ForumInfo;
  joined: number;
  online: number;
  ideaCounts: Record<string, number>;
  newestIdeas: PublicIdea[];
  /** Voters only, never dots: how many participants have voted, overall and per priority. */
  voted: number;
  votedPerPriority: Record<string, number>;
  results: PriorityResult[];
  /**
   * Once every priority is revealed: the SHA-256 of the canonical results, for the final slide. Not
   * before, so the hall never sees a hash that a later paper count or reveal would change.
   */
  resultsHash: string | null;
}

export interface ConsoleParticipant {
  id: string;
  name: string;
  online: boolean;
  ideas: number;
  /** Dots spent; not in a host's view (server/forum/views.ts hostView). */
  dots?: number;
  joinedAt: number;
  /** The client address joined from; for the facilitator's eyes only, never exported. */
  address: string;
  ticketNumber: number | null;
  /** The reason, when voided. */
  voided: string | null;
}

/**
 * A forum of many participants (past the server's CONSOLE_PAGED_ABOVE, or any city vote): its
 * console view carries no rows, only these, and the console asks for a page of rows at a time,
 * searched on the server (participant:page). `version` goes up whenever a row may have changed:
 * the page shown is asked for again then.
 */
export interface ParticipantPages {
  pageSize: number;
  version: number;
  voided: number;
  /** Ballots with dots still to place anywhere, and with none placed (the facilitator's only). */
  unspent?: { left: number; none: number };
}

/** What the console shows about admission: the mode, the cap, tickets, and signs of stuffing. */
export interface AdmissionView {
  mode: AdmissionMode;
  /** The cap in force (0: off), and whether it is the server's default or the facilitator's. */
  maxPerAddress: number;
  maxPerAddressIsDefault: boolean;
  /** How many the hall holds (0: no limit), whether it is the server's default, and the ballots held now. */
  expectedAttendance: number;
  expectedAttendanceIsDefault: boolean;
  ballots: number;
  /** Set while new joins wait for approval: since when, and the burst that paused joining (null: by hand). */
  paused: { at: number; burst: JoinBurst | null } | null;
  /** More than `joins` joins within `windowMs` pause joining (0: never). */
  burstRule: { joins: number; windowMs: number };
  /** Devices waiting for approval, newest first (the latest 200), and how many in all. */
  waiting: WaitingJoin[];
  waitingCount: number;
  tickets: { issued: number; used: number; released: number; batches: { batch: number; count: number; at: number }[] };
  /**
   * A city vote's way of proving who one is (null: a device is a ballot), whether it can still
   * change, the voter codes issued, the eligibility list's entries, and the persons who proved
   * who they are with the devices beyond their first.
   */
  identity: {
    method: IdentityMethod | null;
    changeable: boolean;
    codes: { issued: number; batches: { batch: number; count: number; at: number }[] };
    listed: number;
    persons: number;
    devices: number;
    /** When and by whom the vote's personal data was deleted after its close (city:anonymise); null: kept. */
    anonymised: { at: number; by: 'facilitator' | 'retention' } | null;
    /** Which one-time-code providers this server has (SMTP_URL, SMS_GATEWAY_URL). */
    senders: { email: boolean; sms: boolean; oidc: boolean };
    /** OIDC_PERSON_CLAIM: the e-ID claim whose register number is the person (null: the provider's subject, which staff cannot type). */
    oidcPersonClaim: string | null;
    /**
     * What the vote's first e-ID person was keyed by, as its log records it: `claim`, the claim's
     * name, or null for the provider's subject; null: no e-ID person yet. Where it differs from
     * oidcPersonClaim, e-ID sign-ins and staff entries are refused (EID_SETTING_CHANGED).
     */
    oidcRecorded: { claim: string | null } | null;
  };
  /** Joins in each of the last 10 minutes, oldest first. */
  joinsPerMinute: number[];
  /** Refusals in the last 10 minutes, by cause. */
  refused: { addressLimit: number; wrongCode: number; rateLimited: number; connectionLimit: number };
  /** Addresses with more than one participant, most first (at most 20). */
  sharedAddresses: { address: string; participants: number }[];
  /**
   * The server's public address (PUBLIC_URL or the LAN address), no trailing slash: every link the
   * console hands to another device (a host's invitation, a new console link) starts with it, so a
   * console opened on localhost never gives a tablet an address that opens the tablet itself.
   */
  publicUrl: string;
  /** The projector's link, with its display key, on the public address. */
  screenUrl: string;
  /** The public results page's address as phones open it (live while the results are published). */
  resultsUrl: string;
  /** Whether the key comes from FACILITATOR_KEY (a rotation then lasts until the next start). */
  keyFromEnv: boolean;
}

/** A device whose code was right, waiting for the facilitator because the hall was full or joining paused. */
export interface WaitingJoin {
  id: string;
  at: number;
  address: string;
  name: string;
  why: 'full' | 'paused';
}

/** What voiding a burst takes away (a preview, or what was done). */
export interface VoidManyResult {
  participants: number;
  dots: number;
  ideas: number;
  refunded: number;
}

export type ConsoleModerationEntry = Pick<
  ModerationEntry,
  'at' | 'action' | 'ideaId' | 'participantId' | 'reason' | 'ideaIds' | 'before' | 'after' | 'count' | 'voided' | 'window' | 'range' | 'burst' | 'channel' | 'document' | 'budgetId'
> & {
  /** Who did it, by name: the facilitator, or the host's name. */
  byName: string;
  by: string;
  /** A paged console's (ParticipantPages): the name of the participant it concerns, whose row it may not hold. */
  participantName?: string;
};

export interface ConsoleIdea extends PublicIdea {
  authorId: string;
  status: IdeaStatus;
  hiddenReason: string | null;
  /** Hidden during voting: how many voters got how many dots back (the facilitator's view only; none: absent). */
  hiddenDots?: { voters: number; dots: number };
  createdAt: number;
  source: 'phone' | 'paper' | 'shortlist';
  /** Stickers entered, where any were (none: no field); not in a scoped host's view for another priority the hall has not seen. */
  paperDots?: number;
  mergedInto: string | null;
  /** The ideas merged into this one, as written, with their authors' names. */
  merged: { ideaId: string; title: string; description: string; place: string; authorName: string }[];
  /** Words of the word list found in its text: a moderator should look. */
  flagged: string[];
}

/** A group of ideas in one priority that likely say the same thing, best match first. */
export interface DuplicateGroup {
  /** The priority and the group's earliest idea: groups do not overlap, so it names one (and lets the console get only groups that changed). */
  id: string;
  priorityCode: string;
  ideaIds: string[];
  score: number;
}

/** An idea's nearest ideas in its priority, best first, each with its duplicate score: shown beside it under review. */
export interface NearestIdeas {
  /** The idea's id. */
  id: string;
  matches: { ideaId: string; score: number }[];
}

export interface ConsoleMerge {
  id: string;
  into: string;
  ideas: string[];
  at: number;
  by: string;
  undone: boolean;
  /** Dots the merge moved and gave back: a host sees them only once the priority is revealed. */
  moved?: number;
  refunded?: number;
}

export interface ConsoleHost {
  id: string;
  name: string;
  scope: string | null;
  revoked: boolean;
  online: boolean;
  /** A service point's staff: the point's name (null: a co-facilitator or table host). */
  point: string | null;
}

/** A service point's staff, as their page shows them. */
export interface StaffMe {
  staffId: string;
  name: string;
  point: string;
  /** In an e-ID vote, whether a person is their register number (OIDC_PERSON_CLAIM), which staff then type from the resident's card. */
  eIdByRegister: boolean;
}

/** Who this console is: the facilitator, or a host with a scope (null: the whole forum). */
export type ConsoleMe = { role: 'facilitator' } | { role: 'host'; hostId: string; name: string; scope: string | null };

/** How the laptop's storage is doing, for the facilitator: a fault is shown loudly. */
export interface ConsoleHealth {
  storage: { ok: boolean; cause?: 'full' | 'busy' | 'readonly' | 'io' | 'readOnlyStart'; since?: number; refused?: number };
  /** The newest backup beside the database, when there is one. */
  backup: { at: number; file: string } | null;
}

export interface ConsoleView extends JoinInfo {
  forum: ForumInfo;
  joined: number;
  online: number;
  /** Every participant's row; empty when the forum is paged (participantPages). */
  participants: ConsoleParticipant[];
  participantPages?: ParticipantPages;
  ideas: ConsoleIdea[];
  ideaCounts: Record<string, number>;
  voted: number;
  votedPerPriority: Record<string, number>;
  /** Dots placed per priority; a host's view has only the revealed priorities'. */
  dotsPerPriority: Record<string, number>;
  /**
   * Every priority's ranking, from the results phase on, so the facilitator can look before
   * revealing; a host's view has only the revealed ones, as the hall sees them.
   */
  results: PriorityResult[];
  moderation: ConsoleModerationEntry[];
  admission: AdmissionView;
  health: ConsoleHealth;
  /**
   * Whether phones on the venue's network can open the address they are given (the QR): not when
   * the server listens on a loopback address only, nor when the laptop had no network at start.
   */
  reachable: { ok: true } | { ok: false; why: 'loopback' | 'noLan'; host: string };
  me: ConsoleMe;
  duplicates: DuplicateGroup[];
  /** The same project proposed at places apart: shown to read together, never merged. */
  themes: DuplicateGroup[];
  nearest: NearestIdeas[];
  merges: ConsoleMerge[];
  hosts: ConsoleHost[];
  /** The words that flag an idea, and whether they are the default list. */
  wordList: { words: string[]; isDefault: boolean };
  /** Per priority: participants who have not yet spent all the dots they could there (empty for a host). */
  unspentPerPriority: Record<string, number>;
  /** Paper ballots handed out, as the facilitator said (null: not yet said); they bound the stickers. */
  paperBallots: number | null;
}

export interface Notice {
  code:
    | 'DOTS_REFUNDED'
    | 'DOTS_REINSTATED'
    | 'DOTS_NOT_REINSTATED'
    | 'DOTS_KEPT'
    | 'IDEA_HIDDEN'
    | 'IDEA_RESTORED'
    | 'IDEA_CORRECTED'
    | 'VOIDED'
    | 'JOIN_REFUSED'
    | 'IDEA_MERGED'
    | 'DOTS_MOVED'
    | 'MERGE_REFUNDED'
    | 'MERGE_UNDONE'
    | 'MERGE_UNDONE_SHORT';
  message: string;
  params?: ErrorParams;
}

/** An idea on a phone's page of the wall, with when it was proposed: the page is newest first while ideas are proposed. */
export interface WallIdea extends PublicIdea {
  at: number;
}


/**
 * A phone's page of the wall: the first ideas of the priority it opened (matching its search), in
 * the phase's order. `whole` replaces the page held (at a new priority, search or phase, and after
 * a reconnect); otherwise the changes to it since the last, the latest of each idea.
 */
export interface WallPage {
  priorityCode: string;
  query: string;
  whole: boolean;
  /** The priority's ideas matching the search, all of them: more than on the page when there are more pages. */
  total: number;
  /**
   * Ideas matching proposed since the page was asked for: not on it until the phone asks again.
   * Without a search the phone counts them itself (the priority's count less `total`); a change of
   * this alone is not sent.
   */
  newer: number;
  upserts: WallIdea[];
  /** To a phone that can unpack it, a large page's `upserts` as their JSON gzipped (`upserts` then empty). */
  gz?: ArrayBuffer | Uint8Array;
  removed: string[];
  /**
   * The page the phone holds once this is applied, in short: sent back with wall:watch on a new
   * connection, so that a page it holds already is not sent again.
   */
  tag?: string;
  /** The page held (the `tag` it sent with wall:watch) is the page now: the phone keeps its ideas. */
  same?: true;
}

/**
 * What a phone is sent as it connects, in one message: a phone coming back after the Wi-Fi dropped
 * costs the server a frame to send rather than three (the counts, the rankings, its own view), and
 * a thousand of them coming back at once are that many fewer sends.
 */
export interface PhoneGreeting {
  /** Active ideas per priority code, all of them. */
  counts: Record<string, number>;
  /** Revealed priorities' rankings, when any is revealed (as `results` carries them). */
  results?: PhoneResult[];
  /** Its own view (null: this device holds no ballot here). */
  me: MeView | null;
  /**
   * The answer to the wall named in the handshake (`watch`), as wall:watch's ack would be: the page
   * itself comes as a `wall:page` unless it is the page held (then here). Absent: none was named,
   * or it names no priority of the forum (the phone asks with wall:watch, and is told why not).
   */
  wall?: { priorityCode: string; query: string; pages: number; total: number; page?: WallPage };
}

/** Events the server pushes. Phones get phone/greeting/wall/me, the projector screen, the console console. */
export interface ServerToClient {
  phone: (view: PhoneView) => void;
  /** Revealed priorities' rankings (the first rows of each) that change; kept by priority (all of them come in the greeting). */
  results: (results: PhoneResult[]) => void;
  /** At connect, once, after the forum (`phone`) when the phone lacks it. */
  greeting: (greeting: PhoneGreeting) => void;
  /** Active ideas per priority code that changed, at most once a second (all of them come in the greeting). */
  'wall:counts': (counts: Record<string, number>) => void;
  /**
   * The page of the wall this phone watches (wall:watch), then its changes, within its budget of
   * bytes. The phone acks each: the next is sent once it has this one. A `same` page comes in
   * wall:watch's ack instead.
   */
  'wall:page': (page: WallPage, received?: () => void) => void;
  me: (me: MeView | null) => void;
  /** The projector's whole view, at version `v`; then changes to it (viewPatch.ts), in order. */
  screen: (view: ScreenView, v: number) => void;
  'screen:patch': (patch: ViewPatch) => void;
  /** The console's whole view, at version `v`; then changes to it, in order. */
  console: (view: ConsoleView, v: number) => void;
  'console:patch': (patch: ViewPatch) => void;
  notice: (notice: Notice) => void;
  /** The forum list, to the console at the server's address /console. */
  forums: (view: ForumsView) => void;
  /** To a service point's staff at connect: who they are; the forum comes as `phone` views. */
  staff: (me: StaffMe) => void;
}

// ---------------------------------------------------------------- commands

// Generous transport bounds: the rules give exact limits with clear messages, these only keep
// absurd payloads from reaching them.
const text = (max: number) => z.string().max(max * 4);
const id = z.string().min(1).max(64);
/** Phones attach one to every action so that a resend after a dropped connection is done once. */
const actionId = z.string().min(8).max(64).optional();

const originSchema = z.object({ forumId: id, forumTitle: text(200), ideaId: id });
const taskSchema = z.object({ title: text(200), origin: originSchema.optional() });
const goalSchema = z.object({
  code: z.string().max(64),
  title: text(200),
  tasks: z.array(taskSchema).max(100).optional(),
  origin: originSchema.optional(),
});
const prioritySchema = z.object({
  code: z.string().max(64),
  title: text(120),
  subtitle: text(300).default(''),
  color: z.string().max(32).default(''),
  goals: z.array(goalSchema).max(100).default([]),
});
export const structureSchema = z.object({
  vision: text(200),
  priorities: z.array(prioritySchema).max(100),
});
export const rulesSchema = z.object({
  ideasPerParticipant: z.number().int(),
  dotsPerPriority: z.number().int(),
  maxDotsPerIdea: z.number().int(),
});

const ideaFields = {
  goalCode: z.string().max(64).nullable().optional(),
  title: text(120),
  description: text(1000).optional(),
  place: text(200).optional(),
};

/** Which joins a void of a burst takes: a time window (epoch ms, both ends included), an address range, or both. */
const joinSelectionSchema = z.object({
  from: z.number().optional(),
  to: z.number().optional(),
  range: z.string().max(64).optional(),
});

const cityBallotInputSchema = z.object({
  kind: z.string().max(16),
  budgetId: z.string().max(64),
  projectIds: z.array(z.string().max(64)).max(2000).optional(),
  points: z.array(z.object({ projectId: z.string().max(64), points: z.number() })).max(2000).optional(),
});

/**
 * How staff identify a resident they check in person, by the vote's way (shared/forum/channels.ts):
 * the voter code from their letter; the listed number and second fact; the e-mail address or phone
 * number with the one-time code sent to it (staff:sendCode), read from the resident's own phone;
 * in an e-ID vote, the register number (РНОКПП) the provider gives, from the resident's card, or
 * where it gives none, the identity document's number.
 */
const staffProofSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('codes'), code: z.string().max(40) }),
  z.object({ method: z.literal('list'), number: z.string().max(40), fact: z.string().max(40) }),
  z.object({ method: z.literal('email'), to: z.string().max(254), code: z.string().max(12) }),
  z.object({ method: z.literal('sms'), to: z.string().max(32), code: z.string().max(12) }),
  z.object({ method: z.literal('register'), number: z.string().max(40) }),
  z.object({ method: z.literal('document'), number: z.string().max(40) }),
]);
export type StaffProof = z.input<typeof staffProofSchema>;
export type StaffProofKind = StaffProof['method'];

/** Every command: who may send it and the schema its payload must pass. */
export const COMMANDS = {
  'participant:join': {
    roles: ['phone'],
    schema: z.object({
      code: z.string().max(32),
      name: text(60).optional(),
      /** Made by the phone (32+ hex characters from crypto.getRandomValues) and kept on the device. */
      token: z.string().regex(/^[0-9a-f]{32,128}$/),
    }),
  },
  /**
   * In a city vote: a device proves who its person is and gets that person's ballot (the same one
   * on every device they prove it on). `code`: a voter code; `number` and `fact`: an entry of the
   * eligibility list (a resident-card number and, say, a birth year).
   */
  'person:prove': {
    roles: ['phone'],
    schema: z.object({
      token: z.string().regex(/^[0-9a-f]{32,128}$/),
      name: text(60).optional(),
      proof: z.discriminatedUnion('method', [
        z.object({ method: z.literal('codes'), code: z.string().max(40) }),
        z.object({ method: z.literal('list'), number: z.string().max(40), fact: z.string().max(40) }),
        z.object({ method: z.literal('email'), to: z.string().max(254), code: z.string().max(20) }),
        z.object({ method: z.literal('sms'), to: z.string().max(40), code: z.string().max(20) }),
      ]),
    }),
  },
  /** The e-ID provider's sign-in address for this device: the phone goes there, and comes back with a ballot. */
  'person:signIn': { roles: ['phone'], schema: z.object({ token: z.string().regex(/^[0-9a-f]{32,128}$/) }) },
  /** A one-time code sent to this e-mail address or phone number, to be typed back in person:prove. */
  'person:requestCode': { roles: ['phone'], schema: z.object({ token: z.string().regex(/^[0-9a-f]{32,128}$/), method: z.enum(['email', 'sms']), to: z.string().max(254) }) },
  'participant:rename': { roles: ['phone'], schema: z.object({ name: text(60), actionId }) },
  'idea:submit': {
    roles: ['phone'],
    schema: z.object({ priorityCode: z.string().max(64), ...ideaFields, actionId }),
  },
  'idea:edit': { roles: ['phone'], schema: z.object({ ideaId: id, ...ideaFields, actionId }) },
  'idea:withdraw': { roles: ['phone'], schema: z.object({ ideaId: id, actionId }) },
  /** The priority whose wall this phone shows (null: none), its search, and how many pages of it. */
  'wall:watch': {
    roles: ['phone'],
    schema: z.object({
      priorityCode: z.string().max(64).nullable(),
      query: z.string().max(400).default(''),
      pages: z.number().int().min(1).max(WALL_MAX_PAGES).default(1),
      /** The `tag` of the page this phone holds of it, after a reconnect: unchanged, it is not sent again. */
      tag: z.string().max(64).optional(),
    }),
  },
  /** Ideas by id, as on the wall (those still on it): what a phone holds dots on and has not seen on a page. */
  'wall:ideas': { roles: ['phone'], schema: z.object({ ids: z.array(id).max(500) }) },
  /** The ideas on the wall most like an idea being written, in its priority. */
  'wall:similar': {
    roles: ['phone'],
    schema: z.object({ priorityCode: z.string().max(64), title: text(200), description: text(2000).default(''), place: text(200).default('') }),
  },
  'dot:place': { roles: ['phone'], schema: z.object({ ideaId: id, actionId }) },
  'dot:remove': { roles: ['phone'], schema: z.object({ ideaId: id, actionId }) },
  'forum:setStructure': { roles: ['console'], schema: z.object({ structure: structureSchema }) },
  'forum:setRules': { roles: ['console'], schema: z.object({ rules: rulesSchema }) },
  'phase:set': { roles: ['console'], schema: z.object({ to: z.enum(PHASES) }) },
  /**
   * `voters`: how many voters' dots the moderator agreed to give back; a different figure now is
   * refused (HIDE_CONFIRM, with the figure) so the console asks again. Absent: hidden without asking.
   */
  'idea:hide': { roles: ['console', 'host'], schema: z.object({ ideaId: id, reason: text(300), voters: z.number().int().min(0).max(1_000_000).optional() }) },
  /** `dotsBack`: put back the dots given back at hiding, where each voter's budget has room. */
  'idea:restore': { roles: ['console', 'host'], schema: z.object({ ideaId: id, dotsBack: z.boolean().optional() }) },
  'idea:correct': { roles: ['console', 'host'], schema: z.object({ ideaId: id, ...ideaFields }) },
  'idea:merge': { roles: ['console', 'host'], schema: z.object({ into: id, ideas: z.array(id).min(1).max(50) }) },
  'idea:unmerge': { roles: ['console', 'host'], schema: z.object({ mergeId: id }) },
  'paper:idea': {
    roles: ['console', 'host'],
    schema: z.object({ priorityCode: z.string().max(64), ...ideaFields, author: text(60).optional() }),
  },
  'paper:dots': { roles: ['console', 'host'], schema: z.object({ ideaId: id, count: z.number().int() }) },
  /** How many paper ballots were handed out: only the facilitator says, as it bounds the stickers. */
  'paper:ballots': { roles: ['console'], schema: z.object({ count: z.number().int() }) },
  /** `point`: a service point's staff in a city vote (scope null), who open the staff page, not the console. */
  'host:invite': { roles: ['console'], schema: z.object({ name: text(60), scope: z.string().max(64).nullable(), point: text(200).optional() }) },
  'host:revoke': { roles: ['console'], schema: z.object({ hostId: id }) },
  'timer:set': { roles: ['console'], schema: z.object({ minutes: z.number().nullable() }) },
  'timer:extend': { roles: ['console'], schema: z.object({ minutes: z.number() }) },
  'wordList:set': { roles: ['console'], schema: z.object({ words: z.array(z.string().max(160)).max(1000) }) },
  'priority:reveal': { roles: ['console'], schema: z.object({ priorityCode: z.string().max(64) }) },
  'display:show': {
    roles: ['console'],
    schema: z.object({
      display: z.discriminatedUnion('slide', [
        z.object({ slide: z.literal('auto') }),
        z.object({ slide: z.literal('priority'), priorityCode: z.string().max(64) }),
        z.object({ slide: z.literal('final') }),
        z.object({ slide: z.literal('join') }),
      ]),
    }),
  },
  'display:setResultsTop': { roles: ['console'], schema: z.object({ top: z.number().int() }) },
  /** Opens or closes the public, read-only results page. */
  'results:publish': { roles: ['console'], schema: z.object({ published: z.boolean() }) },
  'session:setLanguage': { roles: ['phone', 'screen', 'console', 'host', 'staff'], schema: z.object({ lang: z.enum(LANGS) }) },
  'admission:setMode': { roles: ['console'], schema: z.object({ mode: z.enum(ADMISSION_MODES) }) },
  'admission:setAddressCap': { roles: ['console'], schema: z.object({ max: z.number().int() }) },
  'tickets:issue': { roles: ['console'], schema: z.object({ count: z.number().int() }) },
  'tickets:release': { roles: ['console'], schema: z.object({ code: z.string().max(40) }) },
  /** How people prove who they are in a vote-only forum (null: a device is a ballot), before anyone holds one. */
  'identity:setMethod': { roles: ['console'], schema: z.object({ method: z.enum(IDENTITY_METHODS).nullable() }) },
  'identity:issueCodes': { roles: ['console'], schema: z.object({ count: z.number().int() }) },
  /**
   * Rows of the eligibility list, a part of the organiser's file at a time (the console splits it):
   * each a number and a second fact, kept only as a keyed hash. `firstLine`: the file's line of the
   * first row, so a refusal names the line.
   */
  'identity:addListed': {
    roles: ['console'],
    schema: z.object({ rows: z.array(z.object({ number: z.string().max(40), fact: z.string().max(40) })).min(1).max(2000), firstLine: z.number().int().min(1).max(10_000_000) }),
  },
  /**
   * A page of participants' rows, newest first, for a paged console (ParticipantPages): those whose
   * name holds `query`, or whose ticket number, ballot receipt or voter code it is (empty: all).
   */
  'participant:page': { roles: ['console', 'host'], schema: z.object({ query: z.string().max(100).default(''), page: z.number().int().min(0).max(10_000_000).default(0) }) },
  'participant:void': { roles: ['console'], schema: z.object({ participantId: id, reason: text(300) }) },
  /** Everyone who joined within a time window and/or an address range: first what it would take away, then done in one step. */
  'participant:previewVoidMany': { roles: ['console'], schema: joinSelectionSchema },
  'participant:voidMany': { roles: ['console'], schema: joinSelectionSchema.extend({ reason: text(300) }) },
  'admission:setExpected': { roles: ['console'], schema: z.object({ expected: z.number().int() }) },
  'admission:pause': { roles: ['console'], schema: z.object({}) },
  'admission:resume': { roles: ['console'], schema: z.object({}) },
  /** Waiting devices let in, or turned away: those named, or (no ids) every one waiting. */
  'admission:approve': { roles: ['console'], schema: z.object({ ids: z.array(id).max(1000).optional() }) },
  'admission:refuse': { roles: ['console'], schema: z.object({ ids: z.array(id).max(1000).optional() }) },
  'facilitator:rotateKey': { roles: ['console'], schema: z.object({}) },
  /** A new display key for the projector; projectors opened with the old one are disconnected. */
  'display:rotateKey': { roles: ['console'], schema: z.object({}) },
  /** A short-lived grant for download links, so that no link carries the facilitator's key. */
  'export:grant': { roles: ['console'], schema: z.object({}) },
  /** A vote-only forum's city vote, defined (or again) while the forum is in the lobby. */
  /**
   * `basedOn`: the revision of the definition this console edited (ForumInfo.cityVoteRevision);
   * refused with CITY_DEFINITION_CHANGED when another console saved since. Absent: not checked.
   */
  'city:setVote': { roles: ['console'], schema: z.object({ vote: cityVoteInputSchema, basedOn: z.number().int().min(0).optional() }) },
  /**
   * A ballot for one budget (checked by shared/city/checkBallot.ts); the latest counts. `receipt`:
   * one the phone made (ten of Crockford's base32, XXXXX-XXXXX), so a resend keeps it; absent, the server makes one.
   */
  'city:cast': {
    roles: ['phone'],
    schema: z.object({
      ballot: cityBallotInputSchema,
      receipt: z.string().max(16).optional(),
      actionId,
    }),
  },
  'city:withdraw': { roles: ['phone'], schema: z.object({ budgetId: z.string().max(64), actionId }) },
  /** After the close: the vote's personal data deleted for good (person ids, list entries, addresses, pending codes). */
  'city:anonymise': { roles: ['console'], schema: z.object({}) },
  /** Staff: a one-time code sent to the resident's e-mail address or phone number (the vote's way), for staff:check. */
  'staff:sendCode': { roles: ['staff'], schema: z.object({ to: z.string().max(254) }) },
  /** Staff: whether the resident identified may vote in this channel, and the budgets they voted in here. */
  'staff:check': { roles: ['staff'], schema: z.object({ proof: staffProofSchema, channel: z.enum(IN_PERSON_CHANNELS) }) },
  /**
   * Staff: the resident's ballot for one budget, filled at the service point (`document`: the kind
   * checked) or on paper; final. `receipt`: one the page made, so a resend keeps it.
   */
  'staff:cast': {
    roles: ['staff'],
    schema: z.object({
      proof: staffProofSchema,
      channel: z.enum(IN_PERSON_CHANNELS),
      document: z.enum(CHECKED_DOCUMENTS).optional(),
      ballot: cityBallotInputSchema,
      receipt: z.string().max(16).optional(),
    }),
  },
} as const satisfies Record<string, { roles: readonly Role[]; schema: z.ZodType }>;

export type CommandName = keyof typeof COMMANDS;
export type CommandPayload<N extends CommandName> = z.input<(typeof COMMANDS)[N]['schema']>;
export type ParsedPayload<N extends CommandName> = z.output<(typeof COMMANDS)[N]['schema']>;

/** What each command's ack carries when it succeeds. */
export interface CommandResults {
  'participant:join': { me: MeView };
  'person:prove': { me: MeView };
  'person:signIn': { url: string };
  /** Where the code went, partly hidden, and how long it lasts. */
  'person:requestCode': { sentTo: string; minutes: number };
  'participant:rename': { me: MeView };
  'idea:submit': { ideaId: string; me: MeView };
  'idea:edit': { me: MeView };
  'idea:withdraw': { me: MeView };
  /** `page`: the page held (the `tag` sent) is the page now, told here rather than as a `wall:page` of its own. */
  'wall:watch': { total: number; page?: WallPage };
  'wall:ideas': { ideas: WallIdea[] };
  'wall:similar': { ideas: PublicIdea[] };
  'dot:place': { me: MeView };
  'dot:remove': { me: MeView };
  'forum:setStructure': { structure: Structure };
  'forum:setRules': { rules: Rules };
  'phase:set': { phase: Phase };
  /** Counts only in the facilitator's acks: a host acting during voting is told no tally. */
  /** `voters` whose dots went back, and the `dots` themselves. */
  'idea:hide': { voters?: number; dots?: number };
  /** Given back at hiding: `voters` and `dots`; `reinstated`: the dots put back now. */
  'idea:restore': { voters?: number; dots?: number; reinstated?: number };
  'idea:correct': Record<string, never>;
  'idea:merge': { mergeId: string; moved?: number; refunded?: number };
  'idea:unmerge': { restored?: number; reinstated?: number };
  'paper:idea': { ideaId: string };
  'paper:dots': { count: number };
  'paper:ballots': { ballots: number };
  /** The invitation's link (relative: /f/<slug>/console?host=SECRET), shown once; only its hash is kept. */
  'host:invite': { hostId: string; link: string };
  'host:revoke': Record<string, never>;
  'timer:set': { timer: Timer | null };
  'timer:extend': { timer: Timer | null };
  'wordList:set': { words: string[] };
  'priority:reveal': { revealed: string[] };
  'display:show': { display: Display };
  'display:setResultsTop': { top: number };
  'results:publish': { published: boolean };
  'session:setLanguage': { lang: Lang };
  'admission:setMode': { mode: AdmissionMode };
  'admission:setAddressCap': { max: number };
  'tickets:issue': { batch: number; count: number };
  'tickets:release': { number: number };
  'identity:setMethod': { method: IdentityMethod | null };
  /** The batch's serials are first to first + count - 1. */
  'identity:issueCodes': { batch: number; first: number; count: number };
  /** `added` new entries; `already`: rows listed before (or twice in this part), left as they were. */
  'identity:addListed': { added: number; already: number; listed: number };
  /** `matching`: rows that match in all; `page`: the one given (the last page when asked past it). */
  'participant:page': { rows: ConsoleParticipant[]; matching: number; page: number; pageSize: number };
  'participant:void': { dotsRemoved: number; ideasHidden: number };
  'participant:previewVoidMany': VoidManyResult;
  'participant:voidMany': VoidManyResult;
  'admission:setExpected': { expected: number; admitted: number };
  'admission:pause': Record<string, never>;
  'admission:resume': Record<string, never>;
  /** `failed`: devices whose join the rules now refuse (the per-address cap, a closed forum); they are told. */
  'admission:approve': { admitted: number; failed: number };
  'admission:refuse': { refused: number };
  'facilitator:rotateKey': { key: string };
  'display:rotateKey': { screenUrl: string };
  'export:grant': { grant: string; expiresAt: number };
  'city:setVote': { vote: CityVote; revision: number };
  /** `receipt`: null when the cast was a resend of one already taken (the phone kept the receipt it made). */
  'city:cast': { receipt: string | null; me: MeView };
  'city:withdraw': { me: MeView };
  'city:anonymise': { at: number };
  /** `fresh`: nobody holds this person's ballot yet; `voted`: the budgets they voted in, in this channel. */
  'staff:sendCode': { sentTo: string; minutes: number };
  'staff:check': { fresh: boolean; voted: string[] };
  /** `receipt`: the resident's to keep; `voted`: every budget they have now voted in, in this channel. */
  'staff:cast': { receipt: string; voted: string[] };
}

export type ClientToServer = {
  [N in CommandName]: (payload: CommandPayload<N>, ack: (result: Ack<CommandResults[N]>) => void) => void;
} & {
  /** A projector or console whose version does not match a patch: the whole view is sent again. */
  'view:resync': () => void;
};

// ---------------------------------------------------------------- the forum list (many forums on one server)

/** One forum in the console's list. */
export interface ForumSummary {
  id: string;
  /** Its part of the addresses: /f/<slug>/ (phones), /f/<slug>/screen, /f/<slug>/console. */
  slug: string;
  title: string;
  createdAt: number;
  phase: Phase;
  participants: number;
  ideas: number;
  archived: boolean;
  voteOnly: boolean;
  basedOn: { forumId: string; title: string } | null;
  /** Ranked ideas per priority, for choosing a shortlist or ideas to carry on: id, title, total dots, rank. Empty before the forum's results. */
  ranked: { priorityCode: string; priorityTitle: string; ideas: { id: string; title: string; dots: number; rank: number; goalCode: string | null }[] }[];
}

/** What happened to whole forums, oldest first. */
export interface ForumLogEntry {
  at: number;
  action: 'created' | 'imported' | 'archived' | 'unarchived' | 'deleted';
  forumId: string;
  title: string;
}

export interface ForumsView {
  forums: ForumSummary[];
  /** The server's public address (PUBLIC_URL or the LAN address): each forum's phone address is shown on it. */
  publicUrl: string;
  log: ForumLogEntry[];
}

const carrySchema = z.object({ ideaId: id, as: z.enum(['goal', 'task']), goalCode: z.string().max(64).nullable().optional() });

/** Commands of the forum list; only the facilitator's console sends them. */
export const LIST_COMMANDS = {
  'forums:create': {
    schema: z.object({
      title: text(200),
      from: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('template') }),
        z.object({ kind: z.literal('structure'), structure: structureSchema }),
        z.object({ kind: z.literal('forum'), forumId: id, carry: z.array(carrySchema).max(500).default([]) }),
        /** `admission`: how the vote-only forum lets people in (absent: the server's ADMISSION). */
        z.object({
          kind: z.literal('shortlist'),
          forumId: id,
          top: z.number().int().min(1).max(50).optional(),
          ideaIds: z.array(id).max(1000).optional(),
          admission: z.enum(ADMISSION_MODES).optional(),
          /** A city vote: the forum stays in the lobby until its vote is defined (city:setVote) and opened. */
          cityVote: z.boolean().optional(),
        }),
      ]),
    }),
  },
  'forums:archive': { schema: z.object({ forumId: id, archived: z.boolean() }) },
  'forums:delete': { schema: z.object({ forumId: id, title: text(200) }) },
  /** A short-lived grant for the forum list's links (a forum file to download, one to upload). */
  'forums:grant': { schema: z.object({}) },
} as const satisfies Record<string, { schema: z.ZodType }>;

export type ListCommandName = keyof typeof LIST_COMMANDS;
export type ListCommandPayload<N extends ListCommandName> = z.input<(typeof LIST_COMMANDS)[N]['schema']>;
export type ListCommandParsed<N extends ListCommandName> = z.output<(typeof LIST_COMMANDS)[N]['schema']>;

export interface ListCommandResults {
  'forums:create': { forumId: string; slug: string };
  'forums:archive': { archived: boolean };
  'forums:delete': Record<string, never>;
  'forums:grant': { grant: string; expiresAt: number };
}
