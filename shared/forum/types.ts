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
} as const;

export type IdeaStatus = 'active' | 'hidden' | 'withdrawn';

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
}

export interface ModerationEntry {
  at: number;
  action: 'hide' | 'restore' | 'correct';
  ideaId: string;
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
  participants: Map<string, Participant>;
  participantsByToken: Map<string, string>;
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
  | { type: 'forumCreated'; id: string; title: string; joinCode: string; structure: Structure; rules: Rules; at: number }
  | { type: 'structureSet'; structure: Structure }
  | { type: 'rulesSet'; rules: Rules }
  | { type: 'phaseChanged'; from: Phase; to: Phase }
  | { type: 'participantJoined'; participantId: string; tokenHash: string; name: string; at: number }
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
  | { type: 'priorityRevealed'; priorityCode: string };
