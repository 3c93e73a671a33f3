// What each phone action saved lately did, under its action id, so that a resend of it is answered
// as done rather than done again, and an id sent again for something else is told apart. Only
// lately: a participant's actions are forgotten once their newest is DONE_ACTIONS_WINDOW_MS old
// (and each keeps at most ACTIONS_REMEMBERED), so a forum that runs for days holds what those who
// acted in its last hours did, not every action since it opened. An id forgotten here is still
// known as taken (actionKeys.ts): sent again, it is refused as reused. A forum opened from its log
// remembers the log's actions as saved at the opening (the store does not say when each was
// written): after a restart, for the whole window again.

/** What a phone action did, so that a resend is answered and a reused id is caught. */
export interface DoneAction {
  command: string;
  /** The idea the action was about (edit, withdraw, dots), to tell a resend from a reuse. */
  target: string | null;
  /** For idea:submit, the idea it created. */
  ideaId: string | null;
}

/**
 * How long a participant's saved actions are remembered after their latest. A phone sends an
 * unanswered action again every 8 seconds while connected and at every reconnect, for as long as
 * the page stays open (client/lib/connection.ts, send), and keeps unanswered dot taps in
 * localStorage, sending them again after a reload for up to 12 hours after the tap
 * (client/phone/pending.ts, MAX_AGE_MS): the window covers those 12 hours, and an hour more for the
 * time between the tap and its save and for a clock set right meanwhile. A page left open offline
 * for longer than that, its tap saved but never answered, is told the id was used already: the
 * tap is counted once, and the phone is sent its ballot as saved.
 */
export const DONE_ACTIONS_WINDOW_MS = 13 * 60 * 60 * 1000;

/**
 * Most actions remembered per participant, however recent. A phone sends its dot taps one at a
 * time, each only after the last was answered, so what it may send again is its last few actions;
 * the bound keeps a script tapping for hours from filling the memory.
 */
export const ACTIONS_REMEMBERED = 128;

interface ParticipantActions {
  /** Action id → what it did, oldest first. */
  actions: Map<string, DoneAction>;
  /**
   * When the newest was saved (ms, the clock given). A participant's actions are let go together,
   * once the newest is older than the window: a time per action (an object more per action, or an
   * array beside the map) made 2,000,000 remembered actions take 476 or 405 MiB of heap instead of
   * 364, and would only forget sooner the older actions of one still acting, who keeps at most
   * ACTIONS_REMEMBERED anyway.
   */
  last: number;
}

export class DoneActions {
  /** Participants in the order of their latest saved action, least recent first. */
  private readonly byParticipant = new Map<string, ParticipantActions>();
  private count = 0;

  constructor(
    readonly windowMs = DONE_ACTIONS_WINDOW_MS,
    /** The clock actions are timed by; a test moves it on instead of waiting. */
    public now: () => number = Date.now,
  ) {}

  /** How many actions are remembered now. */
  get size(): number {
    return this.count;
  }

  remember(participantId: string, actionId: string, done: DoneAction): void {
    const at = this.now();
    this.forgetOld(at);
    let mine = this.byParticipant.get(participantId);
    // Moved to the end: participants stay in the order of their latest action, so those whose
    // actions have all aged are found at the front, without a look at anyone still acting.
    if (mine) this.byParticipant.delete(participantId);
    else mine = { actions: new Map(), last: at };
    this.byParticipant.set(participantId, mine);
    // A clock set back does not make a participant's newest action older than it was.
    mine.last = Math.max(mine.last, at);
    const { actions } = mine;
    // An id is saved once (a reuse is refused before it is decided): the first stays.
    if (actions.has(actionId)) return;
    actions.set(actionId, done);
    this.count++;
    if (actions.size > ACTIONS_REMEMBERED) {
      actions.delete(actions.keys().next().value!);
      this.count--;
    }
  }

  /** What the action of this id did, while it is remembered (see DONE_ACTIONS_WINDOW_MS). */
  find(participantId: string, actionId: string): DoneAction | undefined {
    this.forgetOld(this.now());
    return this.byParticipant.get(participantId)?.actions.get(actionId);
  }

  clear(): void {
    this.byParticipant.clear();
    this.count = 0;
  }

  /** Lets go of every participant whose newest action is older than the window, with all of theirs. */
  private forgetOld(now: number): void {
    for (const [participantId, mine] of this.byParticipant) {
      if (now - mine.last < this.windowMs) return;
      this.count -= mine.actions.size;
      this.byParticipant.delete(participantId);
    }
  }
}
