// What one update of the displays costs on a forum of thousands, in this process, without sockets:
// the console's view built and diffed against the last, a table host's view of it, the projector's
// view, and a priority's duplicate groups worked out again after one more idea. Run by `npm run bench` (part `views`).

import { ideaText } from './fleet.js';
import { TestForum } from '../shared/forum/testing.js';
import { DuplicateIndex } from '../shared/forum/similarity.js';
import { diffView } from '../shared/viewPatch.js';
import { consoleView, hostView, screenView } from '../server/forum/views.js';
import type { AdmissionView, JoinInfo } from '../shared/protocol.js';

/** Mean ms of `fn` over `rounds` runs, after one to warm up. */
function timed(fn: () => unknown, rounds = 10): number {
  fn();
  const start = performance.now();
  for (let i = 0; i < rounds; i++) fn();
  return (performance.now() - start) / rounds;
}

export function benchViews(sizes: number[]): void {
  console.log('\nthe displays’ views, one update, on a forum of N participants, N ideas and 3 dots each (ms, this process)');
  console.log('       N  console view  + diff  a host\'s view of it  projector view  duplicate groups of one priority');
  for (const n of sizes) {
    const forum = new TestForum();
    forum.to('ideas');
    const codes = ['A', 'B', 'C'];
    const ids: string[] = [];
    for (let i = 0; i < n; i++) forum.join(`p${i}`, `Учасник ${i + 1}`);
    for (let i = 0; i < n; i++) {
      const { title, description, place } = ideaText(i);
      ids.push(forum.submit(`p${i}`, codes[i % codes.length], title, { description, place }));
    }
    forum.to('review').to('voting');
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) forum.dot(`p${i}`, ids[(i * 7 + k * 3) % n]);
    const state = forum.state;
    const presence = { isOnline: () => true, onlineCount: () => n };
    const join = { joinUrl: 'http://viche.test/', code: '482913', codeExpiresAt: null } as unknown as JoinInfo;
    const admission = { mode: 'open' } as unknown as AdmissionView;
    const build = () => consoleView(state, presence, join, admission, { storage: { ok: true } } as never);
    let last = build();
    const console1 = timed(build);
    const withDiff = timed(() => {
      const next = build();
      diffView(last, next, 1);
      last = next;
    });
    // A table host's console is the facilitator's, with every count of an unrevealed priority taken out.
    const host = timed(() => hostView({ ...last, me: { role: 'host', hostId: 'h', name: 'Ірина', scope: 'A' } }));
    const projector = timed(() => screenView(state, presence, join));
    const index = new DuplicateIndex();
    for (const idea of state.ideas.values()) index.add(idea);
    let extra = 0;
    const groups = timed(() => {
      index.add({ id: `extra-${extra}`, priorityCode: 'A', ...ideaText(n + extra++) });
      index.groups('A');
    }, 3);
    console.log(`${String(n).padStart(8)}  ${console1.toFixed(1).padStart(12)}  ${withDiff.toFixed(1).padStart(6)}  ${host.toFixed(1).padStart(18)}  ${projector.toFixed(1).padStart(14)}  ${groups.toFixed(0).padStart(8)} (${Math.round(n / codes.length)} ideas)`);
  }
}
