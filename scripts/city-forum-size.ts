// The city vote's forum at the end of its day, as `BENCH_ONLY=city` leaves it: BENCH_CITY voters
// (100,000 by default), each joined and with 3 dots, built through the rules without a server or a
// load (`npx tsx scripts/city-forum-size.ts`). What a run at that size meets without running it:
// how many events, how long replaying them takes (what a process opening the forum without a
// snapshot does: at 40 % of the day, when the bench kills the forum's process, and at the end), and
// the snapshot's size and its cost to make and to read back (a process opening the forum after
// the first snapshot, SNAPSHOT_EVERY events in, reads it twice: the live state and the saved one).

import { createHash, randomUUID } from 'node:crypto';
import { decideJoin } from '../shared/forum/admission.js';
import { decidePlaceDot } from '../shared/forum/rules.js';
import { fromSnapshot, toSnapshot } from '../shared/forum/snapshot.js';
import { applyEvent, emptyState } from '../shared/forum/state.js';
import { Recorder } from '../shared/forum/testing.js';
import { cityForum } from './bench-city-load.js';

const VOTERS = Number(process.env.BENCH_CITY ?? 100_000);
const DOTS_PER_VOTER = 3;

const forum = cityForum();
const r = new Recorder();
r.apply(forum.events);
const code = r.state.joinCode;
const at = Date.UTC(2026, 11, 1, 9);
let began = performance.now();
for (let i = 0; i < VOTERS; i++) {
  const participantId = randomUUID();
  const tokenHash = createHash('sha256').update(`voter ${i}`).digest('hex');
  r.run(decideJoin(r.state, { code, name: '', participantId, tokenHash, at: at + i, address: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` }));
  const list = forum.projects[i % forum.projects.length];
  for (let d = 0; d < DOTS_PER_VOTER; d++) r.run(decidePlaceDot(r.state, participantId, list[(i + d) % list.length]));
}
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
fromSnapshot(parsed);
console.log(`  its snapshot at the end: ${(body.length / 2 ** 20).toFixed(1)} MiB, made in ${made} ms, parsed in ${read} ms and turned into a state in ${ms(began)} ms`);
