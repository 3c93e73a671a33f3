// city:cast: a participant casts (or casts again, replacing) their ballot for one budget of the
// city vote while it is open; the ack carries the receipt. city:withdraw takes a ballot back.

import { decideCastCityBallot, decideWithdrawCityBallot, normaliseReceipt } from '../../../shared/forum/city.js';
import { Refusal } from '../../forum/room.js';
import { defineHandler } from '../define.js';
import { newReceipt, receiptHash } from './receipt.js';

export const cast = defineHandler({
  name: 'city:cast',
  run(ctx, { ballot, receipt: given }) {
    const participantId = ctx.participant();
    let receipt = newReceipt();
    if (given !== undefined) {
      const typed = normaliseReceipt(given);
      if (!typed) throw new Refusal({ code: 'BAD_INPUT', params: { field: 'receipt' } });
      receipt = typed;
    }
    ctx.commit(ctx.decide(decideCastCityBallot(ctx.room.state, participantId, ballot, receiptHash(receipt), ctx.now())));
    return { receipt, me: ctx.me() };
  },
  // The receipt is not stored: a resend is told none, and the phone shows the one it made.
  resend: (ctx) => ({ receipt: null, me: ctx.me() }),
});

export const withdraw = defineHandler({
  name: 'city:withdraw',
  run(ctx, { budgetId }) {
    ctx.commit(ctx.decide(decideWithdrawCityBallot(ctx.room.state, ctx.participant(), budgetId, ctx.now())));
    return { me: ctx.me() };
  },
  resend: (ctx) => ({ me: ctx.me() }),
});
