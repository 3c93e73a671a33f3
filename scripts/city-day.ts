// The city vote's forum at the end of its day, as `BENCH_ONLY=city` leaves it: `voters` voters,
// each joined and with 3 dots, decided through the rules without a server or a load. For the
// scripts that measure what a forum of that size costs (city-forum-size.ts, forum-open-time.ts).

import { createHash, randomUUID } from 'node:crypto';
import { decideJoin } from '../shared/forum/admission.js';
import { decidePlaceDot } from '../shared/forum/rules.js';
import { Recorder } from '../shared/forum/testing.js';
import { cityForum } from './bench-city-load.js';

const DOTS_PER_VOTER = 3;

/** The day's events (r.log) and the forum at its end (r.state). */
export function cityDay(voters: number): Recorder {
  const forum = cityForum();
  const r = new Recorder();
  r.apply(forum.events);
  const code = r.state.joinCode;
  const at = Date.UTC(2026, 11, 1, 9);
  for (let i = 0; i < voters; i++) {
    const participantId = randomUUID();
    const tokenHash = createHash('sha256').update(`voter ${i}`).digest('hex');
    r.run(decideJoin(r.state, { code, name: '', participantId, tokenHash, at: at + i, address: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` }));
    const list = forum.projects[i % forum.projects.length];
    for (let d = 0; d < DOTS_PER_VOTER; d++) r.run(decidePlaceDot(r.state, participantId, list[(i + d) % list.length]));
  }
  return r;
}
