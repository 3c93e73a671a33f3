// The hall's size and its waiting devices, for the facilitator: admission:setExpected (raising it
// lets the waiting in, in the order they came, up to the new size), admission:pause and
// admission:resume, admission:approve and admission:refuse (those chosen, or every one waiting).

import { decideExpectedAttendance, decidePauseJoining, decideResumeJoining } from '../../../shared/forum/attendance.js';
import { ballotCount } from '../../../shared/forum/state.js';
import { Refusal } from '../../forum/room.js';
import { defineHandler } from '../define.js';
import { admitWaiting, refuseWaiting } from '../participant/approval.js';

export const setExpected = defineHandler({
  name: 'admission:setExpected',
  run(ctx, { expected }) {
    const state = ctx.room.state;
    ctx.commit(ctx.decide(decideExpectedAttendance(state, expected)));
    let admitted = 0;
    // Only those who waited for room: a pause's waiting are the facilitator's to look at one by one.
    if (!state.joiningPaused) {
      for (const waiting of ctx.services.admission.waitingOnes()) {
        if (waiting.why !== 'full') continue;
        if (expected > 0 && ballotCount(state) >= expected) break;
        if (admitWaiting(ctx, waiting)) admitted++;
      }
    }
    return { expected: ctx.services.admission.expectedAttendance(), admitted };
  },
});

export const pause = defineHandler({
  name: 'admission:pause',
  run(ctx) {
    ctx.commit(ctx.decide(decidePauseJoining(ctx.room.state, ctx.now())));
    return {};
  },
});

/** Joining resumes; devices that waited meanwhile still wait: some of them may be the burst. */
export const resume = defineHandler({
  name: 'admission:resume',
  run(ctx) {
    ctx.commit(ctx.decide(decideResumeJoining(ctx.room.state, ctx.now())));
    // Otherwise the burst's joins, still within the window, would pause joining again at the next one.
    ctx.services.admission.burstSeen();
    return {};
  },
});

export const approve = defineHandler({
  name: 'admission:approve',
  run(ctx, { ids }) {
    const chosen = ctx.services.admission.waitingOnes(ids);
    if (ids && chosen.length === 0) throw new Refusal({ code: 'WAITING_NOT_FOUND' });
    let admitted = 0;
    for (const waiting of chosen) if (admitWaiting(ctx, waiting)) admitted++;
    return { admitted, failed: chosen.length - admitted };
  },
});

export const refuseJoins = defineHandler({
  name: 'admission:refuse',
  run(ctx, { ids }) {
    const chosen = ctx.services.admission.waitingOnes(ids);
    if (ids && chosen.length === 0) throw new Refusal({ code: 'WAITING_NOT_FOUND' });
    for (const waiting of chosen) refuseWaiting(ctx, waiting);
    return { refused: chosen.length };
  },
});
