// The shape of a command handler. Each command has one file under handlers/<area>/, exporting a
// handler made by defineHandler; the socket layer validates, authorises and acks around it.

import type { Decision } from '../../shared/forum/errors.js';
import type { ForumEvent } from '../../shared/forum/types.js';
import type { CommandName, CommandResults, MeView, ParsedPayload } from '../../shared/protocol.js';
import { Refusal, type ForumRoom } from '../forum/room.js';
import { meView } from '../forum/views.js';
import type { Session } from '../realtime/session.js';

export class HandlerContext {
  constructor(
    readonly room: ForumRoom,
    readonly session: Session,
    /** "participantId:actionId" when a phone sent an actionId, so the action is done once. */
    readonly actionKey: string | null,
    private readonly onJoined: (participantId: string) => void,
  ) {}

  now(): number {
    return Date.now();
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
    return view;
  }

  /** Takes a rule's decision: its events, or a refusal thrown to the sender. */
  decide(decision: Decision<ForumEvent[]>): ForumEvent[] {
    if (!decision.ok) throw new Refusal(decision.error);
    return decision.value;
  }

  commit(events: readonly ForumEvent[]): void {
    this.room.commit(events, this.actionKey);
  }

  /** Binds this connection to a participant (after a join). */
  bindParticipant(participantId: string): void {
    this.onJoined(participantId);
  }
}

export interface Handler<N extends CommandName> {
  name: N;
  run(ctx: HandlerContext, payload: ParsedPayload<N>): CommandResults[N];
  /** The ack for an action that was already done (same actionId resent). */
  resend?(ctx: HandlerContext, done: { ideaId: string | null }): CommandResults[N];
}

export const defineHandler = <N extends CommandName>(handler: Handler<N>): Handler<N> => handler;
