// `npm run bench` part `startcheck`: the start-up check of a forum's log (server/forums/logCheck.ts) on the largest forum
// (scripts/largest-forum.ts): what a start costs with no mark (the whole log through the rules),
// from a mark with nothing added since (plain replay and the digest), and with the last tenth of
// the log added since the mark, beside the plain replay every start did before the check.

import { applyEvent, emptyState } from '../shared/forum/state.js';
import type { LoadedForum } from '../server/db/store.js';
import { checkForumLog } from '../server/forums/logCheck.js';
import { Turns } from '../server/forums/turns.js';
import { largestForum } from './largest-forum.js';
import { percentileOf } from './measure.js';

const median = (xs: number[]) => percentileOf(xs, 50);

async function time(run: () => unknown, rounds = 5): Promise<number> {
  const took: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await run();
    took.push(performance.now() - t);
  }
  return median(took);
}

export async function benchStartCheck(): Promise<void> {
  const forum = largestForum();
  const loaded: LoadedForum = {
    forum: { id: forum.id, slug: '1', joinCode: '', createdAt: 0, joinSecret: '', screenKey: '' },
    events: forum.events.map((event, i) => ({ seq: i + 1, event, actionKey: null })),
  };
  // The check's own work alone: it never lets the event loop go round here (a server's does).
  const atOnce = () => new Turns(Infinity);
  const { mark } = await checkForumLog(loaded, undefined, undefined, atOnce());
  const tenthBefore = (await checkForumLog({ ...loaded, events: loaded.events.slice(0, Math.floor(loaded.events.length * 0.9)) }, undefined, undefined, atOnce())).mark!;
  const plain = await time(() => {
    const state = emptyState();
    for (const { event } of loaded.events) applyEvent(state, event);
  });
  const whole = await time(() => checkForumLog(loaded, undefined, undefined, atOnce()));
  const fromMark = await time(() => checkForumLog(loaded, mark!, undefined, atOnce()));
  const lastTenth = await time(() => checkForumLog(loaded, tenthBefore, undefined, atOnce()));
  console.log(`\nStart-up check of the log, largest forum (${loaded.events.length.toLocaleString('en')} events), median of 5:`);
  console.log(`  plain replay (before the check):      ${plain.toFixed(0)} ms`);
  console.log(`  whole log through the rules (no mark): ${whole.toFixed(0)} ms`);
  console.log(`  from a mark, nothing added since:     ${fromMark.toFixed(0)} ms`);
  console.log(`  from a mark, last tenth added since:  ${lastTenth.toFixed(0)} ms`);
}
