// `npm run bench` part `summaries` (or `npx tsx scripts/bench-summaries.ts`): what keeping a forum's
// summary for the lists costs its server (server/forums/summary.ts), on the largest forum's shape
// (scripts/largest-forum.ts: 5,000 ballots, 250 ideas, every budget spent): working the summary out
// in voting and with its results (rankings tallied, or left out as the phones' chooser asks), and
// writing it to a SQLite file, beside the write of one phone's action to the same file in the same
// run. The owner writes one at most every 5 s while counts move, so the write's share of the event
// loop is its time over 5 s.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEvent, emptyState } from '../shared/forum/state.js';
import type { ForumEvent } from '../shared/forum/types.js';
import { SqliteStore } from '../server/db/sqlite.js';
import { SUMMARY_EVERY_MS, summaryOf } from '../server/forums/summary.js';
import { largestForum } from './largest-forum.js';

const ROUNDS = Number(process.env.BENCH_SUMMARY_ROUNDS ?? 50);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(rounds: number, run: (i: number) => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    run(i);
    times.push(performance.now() - start);
  }
  return median(times);
}

async function timedAsync(rounds: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run(i);
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function benchSummaries(): Promise<void> {
  console.log(`\nA forum's summary for the lists, the largest forum's shape (5,000 ballots, 250 ideas), median of ${ROUNDS}:`);
  const forum = largestForum({ phase: 'results' });
  const inVoting = emptyState();
  const withResults = emptyState();
  const votingEnds = forum.events.findIndex((e) => e.type === 'phaseChanged' && e.to === 'results');
  forum.events.forEach((e, i) => {
    if (i < votingEnds) applyEvent(inVoting, e);
    applyEvent(withResults, e);
  });
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-summaries-'));
  const store = new SqliteStore(join(dir, 'forum.db'));
  try {
    const record = await store.createForum({ id: forum.id, joinCode: '482913', createdAt: Date.now(), joinSecret: 's', screenKey: 'k' }, forum.events, {
      at: Date.now(),
      action: 'created',
      forumId: forum.id,
      title: 'bench',
      detail: '',
    });
    const voting = timed(ROUNDS, () => summaryOf(record, inVoting));
    const ranked = timed(ROUNDS, () => summaryOf(record, withResults));
    const unranked = timed(ROUNDS, () => summaryOf(record, withResults, { ranked: false }));
    const bodyVoting = JSON.stringify(summaryOf(record, inVoting));
    const bodyResults = JSON.stringify(summaryOf(record, withResults));
    let seq = forum.events.length;
    const write = await timedAsync(ROUNDS, () => store.saveSummary(forum.id, seq, bodyResults));
    const action: ForumEvent = { type: 'participantRenamed', participantId: [...inVoting.participants.keys()][0], name: 'Оля' };
    const append = await timedAsync(ROUNDS, async () => {
      seq = await store.appendBatch(forum.id, seq, [{ events: [action], actionKey: null }]);
    });
    console.log(`  worked out in voting                  ${voting.toFixed(2)} ms, ${(bodyVoting.length / 1024).toFixed(1)} KiB of JSON`);
    console.log(`  worked out with results, ranked       ${ranked.toFixed(2)} ms, ${(bodyResults.length / 1024).toFixed(1)} KiB of JSON`);
    console.log(`  with results, rankings left out       ${unranked.toFixed(2)} ms (the phones' chooser)`);
    console.log(`  written to the SQLite file            ${write.toFixed(2)} ms; one phone action's batch: ${append.toFixed(2)} ms (×${(write / append).toFixed(2)})`);
    console.log(`  event loop taken by both, one per ${SUMMARY_EVERY_MS / 1000} s   ${(((ranked + write) / SUMMARY_EVERY_MS) * 100).toFixed(3)} %`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) await benchSummaries();
