// What one change (a voter joins and casts a ballot) costs the consoles of a city vote of 100,000 voters, in this process, without
// sockets: the facilitator's view built and diffed against the last (what every console is sent
// per change), whole (a console's first view) and paged (participant:page: counts in the view, rows
// asked for 50 at a time); and what one ask for a page costs, with and without a search. Run by
// `BENCH_ONLY=consolepages npm run bench` (BENCH_CONSOLE_N sets the size).

import { TestForum } from '../shared/forum/testing.js';
import { diffView } from '../shared/viewPatch.js';
import { consoleView, participantPage, type Facilitation } from '../server/forum/views.js';
import type { AdmissionView, ConsoleParticipant, ConsoleView, JoinInfo } from '../shared/protocol.js';

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

export function benchConsolePages(n = Number(process.env.BENCH_CONSOLE_N ?? 100_000)): void {
  console.log(`\nthe console of a city vote of ${n.toLocaleString('en')} voters: one more voter joined and cast a ballot, the view built and diffed (ms, this process; bytes of JSON sent to each console)`);
  const forum = new TestForum();
  const at = () => forum.now();
  forum.apply([
    {
      type: 'cityVoteSet',
      vote: {
        id: 'v',
        title: 'Бюджет участі',
        budgets: [{ id: 'b', name: 'Центр', amount: 1_000_000 }],
        projects: Array.from({ length: 20 }, (_, k) => ({ id: `x${k}`, title: `Проєкт ${k}`, cost: 100_000, budgetId: 'b' })),
        ballot: { kind: 'knapsack' },
        counting: { kind: 'greedy' },
        tie: { kind: 'cheaperThenListed' },
      },
      at: at(),
    },
  ]);
  for (let i = 0; i < n; i++) forum.join(`p${i}`, `Учасник ${i + 1}`);
  forum.to('ideas').to('review').to('voting');
  let receipt = 0;
  const cast = (who: string) =>
    forum.apply([{ type: 'cityBallotCast', participantId: who, budgetId: 'b', ballot: { kind: 'knapsack', budgetId: 'b', projectIds: [`x${receipt % 20}`] }, receiptHash: (receipt++).toString(16).padStart(64, '0'), at: at() }]);
  for (let i = 0; i < n; i++) cast(`p${i}`);
  const state = forum.state;
  const presence = { isOnline: () => true, onlineCount: () => n };
  const join = { joinUrl: 'http://viche.test/', code: '482913', codeExpiresAt: null } as unknown as JoinInfo;
  const admission = { mode: 'open' } as unknown as AdmissionView;
  const status = { storage: { ok: true }, backup: null } as never;

  const run = (label: string, paged: boolean) => {
    let version = 0;
    let lastRows: readonly ConsoleParticipant[] | undefined;
    const build = (changed: ReadonlySet<string> | 'all'): ConsoleView => {
      const facilitation: Facilitation = { me: { role: 'facilitator' }, duplicates: [], hostOnline: () => false, rowsChanged: changed, lastRows, ...(paged ? { paged: { version } } : {}) };
      const view = consoleView(state, presence, join, admission, status, facilitation, version);
      lastRows = view.participants;
      return view;
    };
    let start = performance.now();
    let last = build('all');
    const firstMs = performance.now() - start;
    const firstBytes = bytes(last);
    const rounds = 20;
    let patchBytes = 0;
    start = performance.now();
    for (let r = 0; r < rounds; r++) {
      // A voter new to the vote: their row is added, and their ballot cast.
      const who = `${label}-new${r}`;
      forum.join(who, `Новий виборець ${r}`);
      cast(who);
      version++;
      const next = build(new Set([who]));
      patchBytes += bytes(diffView(last, next, version));
      last = next;
    }
    const perChange = (performance.now() - start) / rounds;
    console.log(`  ${label.padEnd(26)} first view ${firstMs.toFixed(0).padStart(5)} ms ${(firstBytes / 1e6).toFixed(2).padStart(6)} MB   per change ${perChange.toFixed(1).padStart(6)} ms ${Math.round(patchBytes / rounds).toLocaleString('en').padStart(8)} B`);
  };
  run('every row (before)', false);
  run('paged (after)', true);

  const timed = (fn: () => unknown, rounds = 20) => {
    fn();
    const start = performance.now();
    for (let i = 0; i < rounds; i++) fn();
    return (performance.now() - start) / rounds;
  };
  const page0 = participantPage(state, presence, '', 0);
  const plain = timed(() => participantPage(state, presence, '', 3));
  const searched = timed(() => participantPage(state, presence, 'учасник 4242', 0));
  console.log(`  a page asked for: ${plain.toFixed(1)} ms, ${bytes(page0).toLocaleString('en')} B; searched by name: ${searched.toFixed(1)} ms`);
}
