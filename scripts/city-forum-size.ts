// The city vote's forum at the end of its day, as `BENCH_ONLY=city` leaves it: BENCH_CITY voters
// (100,000 by default), each joined and with 3 dots, built through the rules without a server or a
// load (`npx tsx scripts/city-forum-size.ts`). What a run at that size meets without running it:
// how many events, how long replaying them takes (what a process opening the forum without a
// snapshot does: at 40 % of the day, when the bench kills the forum's process, and at the end), and
// the snapshot's size and its cost to make and to read back (a process opening the forum after
// the first snapshot, SNAPSHOT_EVERY events in, reads it once: the saved copy is copied from it).

import { fromSnapshot, toSnapshot } from '../shared/forum/snapshot.js';
import { applyEvent, emptyState } from '../shared/forum/state.js';
import { copyState } from '../shared/forum/stateCopy.js';
import { cityDay } from './city-day.js';

const VOTERS = Number(process.env.BENCH_CITY ?? 100_000);

let began = performance.now();
const r = cityDay(VOTERS);
const ms = (since: number) => (performance.now() - since).toFixed(0);
console.log(`${VOTERS.toLocaleString('en')} voters: ${r.log.length.toLocaleString('en')} events, decided in ${ms(began)} ms`);
for (const share of [0.4, 1]) {
  const upTo = Math.round(r.log.length * share);
  const state = emptyState();
  began = performance.now();
  for (let i = 0; i < upTo; i++) applyEvent(state, r.log[i]);
  console.log(`  replaying ${upTo.toLocaleString('en')} events (${share * 100} % of the day): ${ms(began)} ms`);
}
began = performance.now();
const body = JSON.stringify(toSnapshot(r.state));
const made = ms(began);
began = performance.now();
const parsed: unknown = JSON.parse(body);
const read = ms(began);
began = performance.now();
const state = fromSnapshot(parsed);
const turned = ms(began);
began = performance.now();
copyState(state);
console.log(`  its snapshot at the end: ${(body.length / 2 ** 20).toFixed(1)} MiB, made in ${made} ms, parsed in ${read} ms, turned into a state in ${turned} ms, copied (the saved copy) in ${ms(began)} ms`);
