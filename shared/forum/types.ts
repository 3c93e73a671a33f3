// The forum's data model: what a forum is made of, shared by the rules, the server and the clients.
// Pure types and constants, no I/O.

export const PHASES = ['lobby', 'ideas', 'review', 'voting', 'results', 'closed'] as const;
export type Phase = (typeof PHASES)[number];

export interface Goal {
  code: string;
  title: string;
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
  ideasPerParticipantMax: 50,
  dotsPerPriorityMax: 50,
  /** Most tickets printed at once, and in one forum. */
  ticketsPerBatch: 500,
  tickets: 10_000,
  /** Highest per-address participant cap the console accepts (0 turns it off). */
  maxPerAddress: 1000,
} as const;

/** Digits of a printed ticket's code: long enough that guessing one is hopeless under the rate limits. */
export const TICKET_CODE_DIGITS = 10;

export type IdeaStatus = 'active' | 'hidden' | 'withdrawn';

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
  /** Set when a facilitator corrected the text. */
  corrected: boolean;
  createdAt: number;
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
  action: 'hide' | 'restore' | 'correct' | 'void' | 'releaseTicket';
  /** The idea acted on; null for actions on a participant or a ticket. */
  ideaId: string | null;
  /** For 'void' and 'releaseTicket': whose ballot. */
  participantId?: string;
  reason: string | null;
  /** For 'correct': the text before the correction. */
  before?: { title: string; description: string; place: string };
}

/** The whole state of one forum, rebuilt from its events. */
export interface ForumState {
  id: string;
  title: string;
  joinCode: string;
  structure: Structure;
  rules: Rules;
  phase: Phase;
  revealed: string[];
  display: Display;
  /** How many top ideas the projector's chart shows (ties at the cut are kept whole). */
  resultsTop: number;
  admission: AdmissionMode;
  /** Most participants per client address, as the facilitator set it; null: the server's default. */
  maxPerAddress: number | null;
  participants: Map<string, Participant>;
  participantsByToken: Map<string, string>;
  /** How many participants joined from each client address (voided ones included). */
  participantsByAddress: Map<string, number>;
  voidedCount: number;
  tickets: Map<string, Ticket>;
  /** Ticket code → ticket id. */
  ticketsByCode: Map<string, string>;
  ideas: Map<string, Idea>;
  /** dots.get(participantId).get(ideaId) = how many dots that participant placed on that idea. */
  dots: Map<string, Map<string, number>>;
  moderation: ModerationEntry[];
  nextIdeaSeq: number;
  createdAt: number;
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
    }
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
    }
  | { type: 'participantRenamed'; participantId: string; name: string }
  | {
      type: 'ideaSubmitted';
      ideaId: string;
      authorId: string;
      priorityCode: string;
      goalCode: string | null;
      title: string;
      description: string;
      place: string;
      at: number;
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
    }
  | { type: 'ideaWithdrawn'; ideaId: string }
  | { type: 'ideaHidden'; ideaId: string; reason: string; at: number }
  | { type: 'ideaRestored'; ideaId: string; at: number }
  | { type: 'dotPlaced'; participantId: string; ideaId: string }
  | { type: 'dotRemoved'; participantId: string; ideaId: string }
  | { type: 'priorityRevealed'; priorityCode: string }
  | { type: 'displaySet'; display: Display }
  | { type: 'resultsTopSet'; top: number }
  | { type: 'admissionSet'; mode: AdmissionMode }
  | { type: 'addressCapSet'; max: number }
  | { type: 'ticketsIssued'; batch: number; tickets: { id: string; code: string; number: number }[]; at: number }
  | { type: 'ticketReleased'; ticketId: string; at: number }
  /** A released ticket presented by another device: the ballot (ideas, dots) moves to it. */
  | { type: 'ballotMoved'; participantId: string; ticketId: string; tokenHash: string; address: string; at: number }
  | { type: 'participantVoided'; participantId: string; reason: string; at: number };
