// participant:void: the facilitator voids a participant with a reason: their dots come off, their
// ideas are hidden with that reason, and their device is refused from then on. Logged.

import { decideVoid } from '../../../shared/forum/admission.js';
import { defineHandler } from '../define.js';

export const voidParticipant = defineHandler({
  name: 'participant:void',
  run(ctx, { participantId, reason }) {
    const state = ctx.room.state;
    const events = ctx.decide(decideVoid(state, participantId, reason, ctx.now()));
    const dotsRemoved = [...(state.dots.get(participantId)?.values() ?? [])].reduce((a, b) => a + b, 0);
    let ideasHidden = 0;
    for (const idea of state.ideas.values()) if (idea.authorId === participantId && idea.status === 'active') ideasHidden++;
    ctx.commit(events);
    return { dotsRemoved, ideasHidden };
  },
});
