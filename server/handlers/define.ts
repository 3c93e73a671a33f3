// The shape of a command handler. Each command has one file under handlers/<area>/, exporting a
// handler made by defineHandler; the socket layer validates, authorises and acks around it.

import type { Decision } from '../../shared/forum/errors.js';
import { hostMayAct } from '../../shared/forum/facilitation.js';
import type { HeldDots } from '../../shared/forum/state.js';
import { FACILITATOR, type Actor, type ForumEvent } from '../../shared/forum/types.js';
import type { CommandName, CommandResults, MeView, ParsedPayload, WallIdea, WallPage } from '../../shared/protocol.js';
import type { Idea } from '../../shared/forum/types.js';
import type { WallWatch } from '../realtime/wallPages.js';
import type { Admission, RefusalCause } from '../forum/admission.js';
import { Refusal, type DoneAction, type ForumRoom, type Prepared } from '../forum/room.js';
import { meView } from '../forum/views.js';
import type { Grants } from '../http/grants.js';
import type { KeyedLimiter, Limits } from '../realtime/limits.js';
import type { Session } from '../realtime/session.js';

/** Ballots told of a merge or a void of many per turn of the event loop, as its commit works out whom it tells. */
const TOLD_PER_TURN = 1000;

/** What handlers may use of the server beyond the room: admission, limits, and the connections. */
export interface HandlerServices {
  admission: Admission;
  limits: Limits;
  grants: Grants;
  /** Binds a connection to a participant (after a join). */
  bind(participantId: string): void;
  /** This connection waits for the facilitator's approval of its device's join (waitingRoom). */
  awaitApproval(tokenHash: string): void;
  /** Every connection waiting with this device's token gets the ballot just made for it. */
  admitWaiting(tokenHash: string, participantId: string): void;
  /** Every connection waiting with this device's token is told the facilitator turned it away. */
  refuseWaiting(tokenHash: string): void;
  /** Unbinds every other connection of a participant: their ballot moved to another phone. */
  evict(participantId: string): void;
  /** Makes a new facilitator key, stores it, and disconnects the consoles that used the old one. */
  rotateKey(): Promise<string>;
  /** Makes a new display key for this forum's projector, and disconnects the projectors that used the old one; returns the new link. */
  rotateScreenKey(): Promise<string>;
  /** Disconnects every console of a host whose invitation was revoked. */
  disconnectHost(hostId: string): void;
  /** The participant's view goes back in this connection's ack: the same view is not pushed to it too. */
  ackingMe(view: MeView): void;
  /** What this phone reads of the wall of ideas. */
  wall: {
    /** Watches a page (null: none), and is sent it now, before the ack; `tag`: the page the phone holds of it (WallPage.tag). */
    watch(watch: WallWatch | null, tag?: string): WallPage | null;
    ideas(ids: readonly string[]): WallIdea[];
    /** A priority's active ideas, newest first. */
    list(priorityCode: string): readonly Idea[];
  };
}

export class HandlerContext {
  constructor(
    readonly room: ForumRoom,
    readonly session: Session,
    /** "participantId:actionId" when a phone sent an actionId, so the action is done once. */
    readonly actionKey: string | null,
    readonly services: HandlerServices,
  ) {}

  /**
   * Takes a token from a per-address limiter, unless the per-address cap is off (a venue behind
   * one NAT address, where the address says nothing about the device). Refuses when empty.
   */
  limitAddress(limiter: KeyedLimiter, cause: RefusalCause = 'rateLimited'): void {
    if (!this.session.address || this.services.admission.maxPerAddress() === 0) return;
    const verdict = limiter.take(this.session.address);
    if (verdict.ok) return;
    this.services.admission.refused(cause);
    throw new Refusal({ code: 'RATE_LIMITED', params: { seconds: verdict.retryAfter } });
  }

  now(): number {
    return Date.now();
  }

  /** Who is acting, for the audit log: the facilitator, or a host by id. */
  actor(): Actor {
    return this.session.role === 'host' && this.session.hostId ? this.session.hostId : FACILITATOR;
  }

  /**
   * Refuses a host acting on a priority outside the one they were invited for. An unknown idea
   * (undefined) is left to the rule, which refuses it as not found.
   */
  inScope(priorityCode: string | undefined): void {
    if (this.session.role !== 'host' || priorityCode === undefined) return;
    if (!this.session.hostId || !hostMayAct(this.room.state, this.session.hostId, priorityCode)) {
      throw new Refusal({ code: 'OUT_OF_SCOPE' });
    }
  }

  /**
   * Whether this sender may be told how many dots an action moved: the facilitator, who sees the
   * tallies anyway. A host merging or hiding during voting would otherwise read an idea's count
   * off the ack (merge, then undo: every dot on it).
   */
  seesTallies(): boolean {
    return this.session.role !== 'host';
  }

  /** The priority of an idea, for a scope check; undefined when there is no such idea. */
  priorityOf(ideaId: string): string | undefined {
    return this.room.state.ideas.get(ideaId)?.priorityCode;
  }

  /** Stamps moderation events with who did them (the facilitator's are left unstamped, as before). */
  stamped(events: ForumEvent[]): ForumEvent[] {
    const by = this.actor();
    if (by === FACILITATOR) return events;
    return events.map((e) =>
      e.type === 'ideaHidden' || e.type === 'ideaRestored' ? { ...e, by } : e.type === 'ideaEdited' && e.by === 'facilitator' ? { ...e, actor: by } : e,
    );
  }

  /** The sender's participant id; refuses if this device has not joined. */
  participant(): string {
    const id = this.session.participantId;
    if (!id || !this.room.state.participants.has(id)) throw new Refusal({ code: 'NOT_JOINED' });
    return id;
  }

  me(): MeView {
    const view = meView(this.room.state, this.participant());
    if (!view) throw new Refusal({ code: 'NOT_JOINED' });
    this.services.ackingMe(view);
    return view;
  }

  /** Takes a rule's decision: its events, or a refusal thrown to the sender. */
  decide(decision: Decision<ForumEvent[]>): ForumEvent[] {
    if (!decision.ok) throw new Refusal(decision.error);
    return decision.value;
  }

  /** Whether this command stored events; kept (not null) only for a command decided across turns. */
  committed: boolean | null = null;

  /** `held`: for a void of many, the dots it gives back, when the handler found them (ForumRoom.commit). */
  commit(events: readonly ForumEvent[], held?: HeldDots, prepared?: Prepared): void {
    this.room.commit(events, this.actionKey, held, prepared);
    if (this.committed !== null && events.length > 0) this.committed = true;
  }

  /**
   * Commits a command decided across turns whose change is large (a merge, a void of many): whom it
   * tells is worked out TOLD_PER_TURN ballots a turn of the event loop (ForumRoom.prepareInSteps),
   * then the change is applied a few hundred ballots a step from the turn after, a few steps a turn
   * (ForumRoom.commitInSteps). If the forum changed all the same in between (a failed batch
   * undone), `again` decides it once more, whole, and that is committed. Returns the events
   * committed, once the change is whole.
   */
  async commitInTurns(events: ForumEvent[], held: HeldDots | undefined, again: () => { events: ForumEvent[]; held?: HeldDots }): Promise<ForumEvent[]> {
    const steps = this.room.prepareInSteps(events, held, TOLD_PER_TURN);
    let step = steps.next();
    while (!step.done) {
      await new Promise((resolve) => setImmediate(resolve));
      step = steps.next();
    }
    const prepared = step.value;
    // A batch still on its way to the disk is stored first: its listeners, told then, read the live
    // state, which would have the change made whole at once (ForumRoom.state).
    await this.room.durable();
    await new Promise((resolve) => setImmediate(resolve));
    if (this.room.version !== prepared.version) ({ events, held } = again());
    await this.room.commitInSteps(events, this.actionKey, held, prepared);
    if (this.committed !== null && events.length > 0) this.committed = true;
    return events;
  }

  /**
   * Runs a rule's steps (a generator that yields between parts of its work), a turn of the event
   * loop each, and gives its decision; while it runs the forum's order is held (dispatch.ts). If
   * the forum changed meanwhile all the same, the rule is run again, whole, on the forum as it is.
   */
  async inTurns<T>(steps: () => Generator<void, T, void>): Promise<T> {
    const version = this.room.version;
    const running = steps();
    for (;;) {
      const step = running.next();
      if (step.done) {
        if (this.room.version === version) return step.value;
        const again = steps();
        for (;;) {
          const whole = again.next();
          if (whole.done) return whole.value;
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Binds this connection to a participant (after a join). */
  bindParticipant(participantId: string): void {
    this.services.bind(participantId);
  }
}

export interface Handler<N extends CommandName> {
  name: N;
  /** A promise when the command decides across turns of the event loop (HandlerContext.inTurns). */
  run(ctx: HandlerContext, payload: ParsedPayload<N>): CommandResults[N] | Promise<CommandResults[N]>;
  /** The ack for an action that was already done (same actionId resent). */
  resend?(ctx: HandlerContext, done: DoneAction): CommandResults[N];
  /** Changes the hall sees (and is sent): limited per participant, so a phone cannot flood the room. */
  changesIdeas?: boolean;
}

export const defineHandler = <N extends CommandName>(handler: Handler<N>): Handler<N> => handler;
