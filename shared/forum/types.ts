// The forum's data model: what a forum is made of, shared by the rules, the server and the clients.
// Pure types and constants, no I/O.

import type { StoredCast } from '../city/latestBallots.js';
import type { CityBallot, CityVote } from '../city/vote.js';
import type { CheckedDocument, InPersonChannel } from '../city/channels.js';

export const PHASES = ['lobby', 'ideas', 'review', 'voting', 'results', 'closed'] as const;
export type Phase = (typeof PHASES)[number];

/** Where something came from in an earlier forum of a series: a forum's idea. */
export interface Origin {
  forumId: string;
  forumTitle: string;
  ideaId: string;
}

/** A task under a strategic goal; one made from an earlier forum's idea says which. */
export interface Task {
  title: string;
  origin?: Origin;
}

export interface Goal {
  code: string;
  title: string;
  /** Tasks under the goal (a later forum of a series adds them). */
  tasks?: Task[];
  /** Set when the goal was made from an earlier forum's idea. */
  origin?: Origin;
}

export interface Priority {
  code: string;
  title: string;
  subtitle: string;
  /** A CSS colour (#rrggbb) used for the priority on every screen. */
  color: string;
  goals: Goal[];
}

export interface Structure {
  vision: string;
  priorities: Priority[];
}

export interface Rules {
  /** How many ideas one participant may have at once (withdrawn ones do not count). */
  ideasPerParticipant: number;
  /** Dots each participant may spend within one priority. */
  dotsPerPriority: number;
  /** Most dots one participant may stack on a single idea. */
  maxDotsPerIdea: number;
}

export const DEFAULT_RULES: Rules = {
  ideasPerParticipant: 5,
  dotsPerPriority: 3,
  maxDotsPerIdea: 2,
};

/** Text limits, in characters, applied to everything a person types. */
export const LIMITS = {
  title: 120,
  description: 1000,
  place: 200,
  name: 60,
  reason: 300,
  vision: 200,
  priorityTitle: 120,
  prioritySubtitle: 300,
  goalTitle: 200,
  code: 16,
  priorities: 20,
  goalsPerPriority: 20,
  tasksPerGoal: 50,
  ideasPerParticipantMax: 50,
  dotsPerPriorityMax: 50,
  /** Most tickets printed at once, and in one forum. */
  ticketsPerBatch: 500,
  tickets: 10_000,
  /** Highest per-address participant cap the console accepts (0 turns it off). */
  maxPerAddress: 1000,
  /** Highest expected attendance the console accepts (0 turns the hall's size off). */
  expectedAttendance: 100_000,
} as const;

/** Most sticker dots one idea may get on paper; timers from a minute to three hours. */
export const PAPER_DOTS_MAX = 100_000;
/** Most paper ballots the facilitator may say were handed out in one forum (as many as tickets). */
export const PAPER_BALLOTS_MAX = 10_000;
export const TIMER_MIN_MS = 60_000;
export const TIMER_MAX_MS = 3 * 60 * 60_000;

/** Digits of a printed ticket's code: long enough that guessing one is hopeless under the rate limits. */
export const TICKET_CODE_DIGITS = 10;

/** `merged`: folded into another idea, which keeps its author and text (see Idea.merged). */
export type IdeaStatus = 'active' | 'hidden' | 'withdrawn' | 'merged';

/** Who did a moderation step: `facilitator`, or a table host's id. */
export type Actor = string;
export const FACILITATOR: Actor = 'facilitator';

/** Dots of one participant on one idea, moved or given back by a merge or its undo. */
export interface DotMove {
  participantId: string;
  ideaId: string;
  count: number;
}

/** An idea folded into another, kept as it was written. */
export interface MergedText {
  ideaId: string;
  title: string;
  description: string;
  place: string;
  /** The participant who wrote it; '' for a paper card. */
  authorId: string;
  paperAuthor: string;
}

export interface Merge {
  id: string;
  into: string;
  ideas: string[];
  /** Dots that moved onto `into`, from where. */
  moved: DotMove[];
  /** Dots over the per-idea cap, given back to their owners. */
  refunded: DotMove[];
  at: number;
  by: Actor;
  undone: boolean;
}

/** A co-facilitator or table host, invited by link, within a scope. */
export interface Host {
  id: string;
  name: string;
  /** A priority's code, or null for the whole forum. */
  scope: string | null;
  /** SHA-256 of the invitation's secret; the secret itself is never stored. */
  secretHash: string;
  invitedAt: number;
  revoked: boolean;
  /**
   * Set for a service point's staff (shared/forum/channels.ts): the point's name. Staff cast
   * ballots for residents they check in person, and nothing else; they never open the console.
   */
  point?: string;
}

/** A countdown for the current phase, shown on the projector and phones. */
export interface Timer {
  phase: Phase;
  endsAt: number;
  durationMs: number;
}

/**
 * What the projector shows. `auto` follows the phase (the QR in the lobby, the wall of ideas, the
 * latest revealed priority); the facilitator can instead put up a revealed priority again, the
 * final slide of every revealed priority's winners, or the join QR.
 */
export type Display = { slide: 'auto' } | { slide: 'priority'; priorityCode: string } | { slide: 'final' } | { slide: 'join' };

/** How many of a priority's top ideas the projector's chart shows by default, and at most. */
export const RESULTS_TOP_DEFAULT = 10;
export const RESULTS_TOP_MAX = 20;

export interface Idea {
  id: string;
  authorId: string;
  priorityCode: string;
  goalCode: string | null;
  title: string;
  description: string;
  place: string;
  status: IdeaStatus;
  hiddenReason: string | null;
  /**
   * The dots its voters had on it when a moderator hid it (during voting), given back to them
   * then: a restore may put them back where each voter's budget still has room. Absent when none.
   */
  hiddenDots?: DotMove[];
  /** Set when a facilitator corrected the text. */
  corrected: boolean;
  createdAt: number;
  /**
   * `paper`: typed in from a paper card by a table host; `shortlist`: brought from an earlier
   * forum's results into a vote-only forum. Neither has a participant as author.
   */
  source: 'phone' | 'paper' | 'shortlist';
  /** For a shortlisted idea: the idea of the earlier forum it is. */
  origin: Origin | null;
  /** The name written on a paper card, if any; a shortlisted idea's author's name. */
  paperAuthor: string;
  /** Set when the idea was merged into another. */
  mergedInto: string | null;
  /** The ideas merged into this one, with their authors and texts, oldest first. */
  merged: MergedText[];
  /** Sticker dots counted on paper after voting, entered by a table host; kept apart from phone dots. */
  paperDots: number;
  /** Submission order, used to break display ties deterministically. */
  seq: number;
}

export interface Participant {
  id: string;
  /** SHA-256 of the device token, hex. The token itself is never stored. */
  tokenHash: string;
  name: string;
  joinedAt: number;
  /** The client address the participant joined from ('' when unknown), for the per-address cap. */
  address: string;
  /** The ticket this ballot was admitted with, in the `tickets` admission mode. */
  ticketId: string | null;
  /** Set when the facilitator voided this participant: their dots are gone and their token refused. */
  voided: { reason: string; at: number } | null;
}

/**
 * How people get a ballot. `hall`: a code that changes every 30 s on the projector, so only those
 * in the room can join. `tickets`: printed single-use tickets. `open`: one fixed code, for demos.
 */
export const ADMISSION_MODES = ['hall', 'tickets', 'open'] as const;
export type AdmissionMode = (typeof ADMISSION_MODES)[number];

/**
 * How a person proves who they are in a city's vote, so that a ballot is a person's, not a
 * device's (shared/forum/identity.ts). `codes`: a single-use voter code sent to each resident.
 * `list`: a listed resident's number and a second fact, checked against the organiser's list.
 * `email`, `sms`: a one-time code sent to an address or number, each of which is one person.
 * `oidc`: sign-in with a state or bank e-ID through OpenID Connect; its subject is the person.
 */
export const IDENTITY_METHODS = ['codes', 'list', 'email', 'sms', 'oidc'] as const;
export type IdentityMethod = (typeof IDENTITY_METHODS)[number];

/** Who has proved who they are, and what they can prove it with; only keyed hashes, never what was typed. */
export interface Persons {
  /** null: a device is a ballot (the hall's ways of admission). */
  method: IdentityMethod | null;
  /** A fingerprint of the key the persons are hashed under, so that another server's key is noticed. */
  key: string | null;
  /**
   * What an e-ID person is keyed by in this vote (shared/forum/identity.ts, EID_KEY): `claim:<name>`
   * (OIDC_PERSON_CLAIM, a register number) or `subject` (the provider's subject), recorded with the
   * vote's first e-ID person; null: none yet. A server set up otherwise takes no e-ID person.
   */
  eIdKey: string | null;
  /** Person id (a keyed hash) → the participant holding their ballot. */
  byPerson: Map<string, string>;
  /** A person's further devices: device-token hash → participant (the first is Participant.tokenHash). */
  devices: Map<string, string>;
  /** Voter codes issued, batch by batch: serials first to first + count - 1. */
  codeBatches: { batch: number; first: number; count: number; at: number }[];
  /** The eligibility list: keyed hashes of (number, second fact). */
  listed: Set<string>;
  listBatches: number;
  /** When and by whom the vote's personal data was deleted after its close (personsAnonymised); null: kept. */
  anonymised: PersonsAnonymised | null;
}

/** Who deleted a closed vote's personal data: the facilitator, or the server when the retention date passed. */
export type AnonymisedBy = 'facilitator' | 'retention';
export interface PersonsAnonymised {
  at: number;
  by: AnonymisedBy;
}

/** A printed single-use ticket: its short code binds to the first device that presents it. */
export interface Ticket {
  id: string;
  /** The digits printed on the ticket and carried by its QR. */
  code: string;
  /** Its number within the forum, printed on the card (1, 2, 3…). */
  number: number;
  batch: number;
  issuedAt: number;
  /** The participant whose ballot the ticket holds, once used. */
  participantId: string | null;
  /** Released by the facilitator: the next device presenting it takes the ballot over. */
  released: boolean;
}

export interface ModerationEntry {
  at: number;
  action: 'hide' | 'restore' | 'correct' | 'void' | 'voidMany' | 'pauseJoining' | 'resumeJoining' | 'releaseTicket' | 'merge' | 'unmerge' | 'paperIdea' | 'paperDots' | 'paperBallots' | 'inPersonBallot';
  /** The idea acted on (a merge's surviving idea); null for actions on a participant or a ticket. */
  ideaId: string | null;
  /** For 'void' and 'releaseTicket': whose ballot. */
  participantId?: string;
  /** For 'merge' and 'unmerge': the ideas folded in. */
  ideaIds?: string[];
  reason: string | null;
  /** Who did it: the facilitator, or a table host's id. */
  by?: Actor;
  /** For 'correct': the text before and after; for 'paperDots' and 'paperBallots': the counts. */
  before?: { title: string; description: string; place: string };
  after?: { title: string; description: string; place: string };
  count?: { before: number; after: number };
  /** For 'voidMany': how many were voided, and the joins chosen (a time window, an address range). */
  voided?: number;
  window?: JoinWindow;
  range?: string;
  /** For 'pauseJoining': the burst that paused joining, when it was not paused by hand. */
  burst?: JoinBurst;
  /** For 'inPersonBallot': the channel, the document staff checked and the budget; never the ballot, never the person. */
  channel?: InPersonChannel;
  document?: CheckedDocument;
  budgetId?: string;
}

/** A stretch of time (epoch ms, both ends included) in which participants joined. */
export interface JoinWindow {
  from: number;
  to: number;
}

/** Joins far above a hall's normal rate: when, how many, from how many addresses. */
export interface JoinBurst extends JoinWindow {
  joins: number;
  addresses: number;
}

/** The whole state of one forum, rebuilt from its events. */
export interface ForumState {
  id: string;
  title: string;
  /** Given its own title when created (in a series); otherwise the forum is called by its vision. */
  titleFixed: boolean;
  /** Archived: read-only, exports still work. */
  archived: boolean;
  /** A vote-only forum: its ideas are a shortlist of an earlier forum's; no new ideas. */
  voteOnly: boolean;
  /** The forum this one was created from, in a series. */
  basedOn: { forumId: string; title: string } | null;
  joinCode: string;
  structure: Structure;
  rules: Rules;
  phase: Phase;
  revealed: string[];
  display: Display;
  /** How many top ideas the projector's chart shows (ties at the cut are kept whole). */
  resultsTop: number;
  /** Whether the public results page (/results) is open to anyone, as the facilitator set it. */
  publicResults: boolean;
  /** When the public results page was first published: the evening the results were announced. */
  resultsPublishedAt: number | null;
  admission: AdmissionMode;
  /** Most participants per client address, as the facilitator set it; null: the server's default. */
  maxPerAddress: number | null;
  /** How many the hall holds, as the facilitator set it (0: no limit); null: the server's default. */
  expectedAttendance: number | null;
  /** Set while new joins wait for the facilitator (a burst, or paused by hand). */
  joiningPaused: { at: number; burst: JoinBurst | null } | null;
  participants: Map<string, Participant>;
  participantsByToken: Map<string, string>;
  /** How many participants joined from each client address (voided ones included). */
  participantsByAddress: Map<string, number>;
  voidedCount: number;
  /**
   * Participants who joined once voting had closed (to see the results on their phone): they hold
   * no say in them, so the results' turnout leaves them out and a late join cannot change the hash.
   */
  joinedAfterVoting: Set<string>;
  tickets: Map<string, Ticket>;
  /** Ticket code → ticket id. */
  ticketsByCode: Map<string, string>;
  persons: Persons;
  ideas: Map<string, Idea>;
  /** Author's participant id → their ideas, in submission order, whatever their status (paper cards: ''). */
  ideasByAuthor: Map<string, Idea[]>;
  /** dots.get(participantId).get(ideaId) = how many dots that participant placed on that idea. */
  dots: Map<string, Map<string, number>>;
  /**
   * Kept with `dots` as they change (state.ts setDots), so that the hall's voting progress is not
   * counted again from every ballot at each update of the projector: dots per priority code of
   * each participant, and the hall's totals.
   */
  dotTotals: DotTotals;
  moderation: ModerationEntry[];
  merges: Map<string, Merge>;
  hosts: Map<string, Host>;
  hostsBySecret: Map<string, string>;
  timer: Timer | null;
  /** Words that flag an idea for review on the console; null: the default list. */
  wordList: string[] | null;
  /**
   * Paper ballots handed out, as the facilitator said: they bound the stickers that may be entered
   * (facilitation.ts, paperBound). null: never said, and no sticker may be entered yet.
   */
  paperBallots: number | null;
  nextIdeaSeq: number;
  createdAt: number;
  /**
   * A vote-only forum's city vote (shared/forum/city.ts): its definition, set before it opens, and
   * every cast in the order stored (a cast's seq is its place here, from 1).
   */
  /** `revision`: how many definitions were stored (cityVoteSet), so that a save made on an older one is noticed. */
  city: { vote: CityVote | null; casts: StoredCast[]; revision: number };
}

export interface DotTotals {
  /** Participant id → priority code → the dots they placed there (no entry: none). */
  byBallot: Map<string, Map<string, number>>;
  /**
   * Idea id → its dots from phones and the ballots that placed them (no entry: none), as the
   * results count them: counted again from every ballot, a hall of 5,000 held the server up 23 ms
   * at the switch to results and at each reveal (scripts/stalls.ts).
   */
  byIdea: Map<string, { dots: number; supporters: number }>;
  /** Participants with a dot anywhere. */
  voted: number;
  /** Priority code → participants with a dot there (no entry: none). */
  votedPerPriority: Map<string, number>;
  /** Priority code → dots placed there in all (no entry: none). */
  dotsPerPriority: Map<string, number>;
}

export type EditableIdeaFields = Pick<Idea, 'title' | 'description' | 'place'>;

/**
 * Every change to a forum is one of these events. They are what the store persists, in order;
 * replaying them over a fresh state gives back the forum exactly.
 */
export type ForumEvent =
  | {
      type: 'forumCreated';
      id: string;
      title: string;
      joinCode: string;
      structure: Structure;
      rules: Rules;
      at: number;
      /** Absent in forums created before admission modes existed: they keep their fixed code. */
      admission?: AdmissionMode;
      /** Set when the forum was given its own title (a forum of a series); absent: called by its vision. */
      titled?: boolean;
      voteOnly?: boolean;
      basedOn?: { forumId: string; title: string };
    }
  /** A shortlisted idea of an earlier forum, brought into a vote-only forum when it is created. */
  | {
      type: 'ideaImported';
      ideaId: string;
      priorityCode: string;
      goalCode: string | null;
      title: string;
      description: string;
      place: string;
      author: string;
      origin: Origin;
      at: number;
    }
  | { type: 'forumArchived'; at: number }
  | { type: 'forumUnarchived'; at: number }
  | { type: 'structureSet'; structure: Structure }
  | { type: 'rulesSet'; rules: Rules }
  | { type: 'phaseChanged'; from: Phase; to: Phase }
  | {
      type: 'participantJoined';
      participantId: string;
      tokenHash: string;
      name: string;
      at: number;
      address?: string;
      ticketId?: string;
      /** In a city's vote: the keyed hash of the person who proved who they are. */
      personId?: string;
      /** A resident checked in person by staff (`by`, a service point's host id): no device holds this ballot. */
      channel?: InPersonChannel;
      by?: string;
      /** On the first e-ID person of a vote: what its e-ID persons are keyed by from now on (Persons.eIdKey). */
      eIdKey?: string;
    }
  | { type: 'participantRenamed'; participantId: string; name: string }
  | {
      type: 'ideaSubmitted';
      ideaId: string;
      /** '' for a paper card. */
      authorId: string;
      priorityCode: string;
      goalCode: string | null;
      title: string;
      description: string;
      place: string;
      at: number;
      /** A paper card typed in by a table host (`by`), with the name written on it. */
      source?: 'paper';
      paperAuthor?: string;
      by?: Actor;
    }
  | {
      type: 'ideaEdited';
      ideaId: string;
      goalCode: string | null;
      title: string;
      description: string;
      place: string;
      /** 'author' for the author's own edit, 'facilitator' for a correction. */
      by: 'author' | 'facilitator';
      at: number;
      /** Who corrected it, when it was a correction. */
      actor?: Actor;
    }
  | { type: 'ideaWithdrawn'; ideaId: string }
  | { type: 'ideaHidden'; ideaId: string; reason: string; at: number; by?: Actor }
  /** `reinstated`: the dots given back at hiding that the restore put back (absent: the restore left them with their owners). */
  | { type: 'ideaRestored'; ideaId: string; at: number; by?: Actor; reinstated?: DotMove[] }
  | { type: 'dotPlaced'; participantId: string; ideaId: string }
  | { type: 'dotRemoved'; participantId: string; ideaId: string }
  | { type: 'priorityRevealed'; priorityCode: string }
  | { type: 'displaySet'; display: Display }
  | { type: 'resultsTopSet'; top: number }
  /** The public results page opened (published) or closed again by the facilitator. */
  | { type: 'resultsPublished'; published: boolean; at: number }
  | { type: 'admissionSet'; mode: AdmissionMode }
  | { type: 'addressCapSet'; max: number }
  | { type: 'attendanceSet'; expected: number }
  /** New joins wait for the facilitator's approval: after a burst of joins, or by hand (no burst). */
  | { type: 'joiningPaused'; at: number; burst?: JoinBurst }
  | { type: 'joiningResumed'; at: number }
  | { type: 'ticketsIssued'; batch: number; tickets: { id: string; code: string; number: number }[]; at: number }
  | { type: 'ticketReleased'; ticketId: string; at: number }
  /** A released ticket presented by another device: the ballot (ideas, dots) moves to it. */
  | { type: 'ballotMoved'; participantId: string; ticketId: string; tokenHash: string; address: string; at: number }
  /** How people prove who they are in this vote (null: devices are ballots again). */
  | { type: 'identitySet'; method: IdentityMethod | null; at: number; key?: string }
  | { type: 'voterCodesIssued'; batch: number; first: number; count: number; at: number }
  | { type: 'eligibleListed'; batch: number; entries: string[]; at: number }
  /** A person seen before proved who they are on another device: it holds the same ballot. */
  | { type: 'deviceLinked'; participantId: string; personId: string; tokenHash: string; at: number }
  /**
   * A closed vote's personal data deleted: from here on no person id, list entry or address is
   * held, and the store rewrites the events before it so that they hold none either (redaction.ts).
   */
  | { type: 'personsAnonymised'; at: number; by: AnonymisedBy }
  | { type: 'participantVoided'; participantId: string; reason: string; at: number }
  /** Everyone who joined in a chosen window and/or address range, voided in one step, as each single void would. */
  | { type: 'participantsVoided'; participantIds: string[]; reason: string; at: number; window?: JoinWindow; range?: string }
  | { type: 'ideasMerged'; mergeId: string; into: string; ideas: string[]; moved: DotMove[]; refunded: DotMove[]; at: number; by: Actor }
  /** `restored`: dots moved back to the idea they came from; `reinstated`: refunded dots put back. */
  | { type: 'mergeUndone'; mergeId: string; restored: DotMove[]; reinstated: DotMove[]; at: number; by: Actor }
  | { type: 'paperDotsSet'; ideaId: string; count: number; at: number; by: Actor }
  /** How many paper ballots were handed out, as the facilitator said (only the facilitator says it). */
  | { type: 'paperBallotsSet'; count: number; at: number }
  /** `point`: a service point's staff, by the point's name (absent: a co-facilitator or table host). */
  | { type: 'hostInvited'; hostId: string; name: string; scope: string | null; secretHash: string; at: number; point?: string }
  | { type: 'hostRevoked'; hostId: string; at: number }
  | { type: 'timerSet'; phase: Phase; endsAt: number; durationMs: number; at: number }
  | { type: 'timerCleared'; at: number }
  | { type: 'wordListSet'; words: string[] }
  /** A vote-only forum's city vote defined (or defined again) before it opens. */
  | { type: 'cityVoteSet'; vote: CityVote; at: number }
  /** A city ballot for one budget cast, or (ballot null, no receipt) withdrawn; the latest counts. */
  | {
      type: 'cityBallotCast';
      participantId: string;
      budgetId: string;
      ballot: CityBallot | null;
      receiptHash: string | null;
      at: number;
      /** Cast by staff (`by`) for a resident checked in person, with the kind of document checked at a service point; absent: online. */
      channel?: InPersonChannel;
      by?: string;
      document?: CheckedDocument;
    };
