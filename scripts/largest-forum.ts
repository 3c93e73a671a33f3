// The largest forum a file has to carry, built through the rules as the server would: the Zhytomyr
// tree (6 priorities), 5,000 participants admitted by printed tickets with full-length names, 250
// ideas with every text at its limit, and full voting (every ballot spends its whole budget in every
// priority), then results. The import limits (server/forums/fileLimits.ts) are measured on it; the
// bench and the tests build it, or a smaller one of the same shape.

import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { decideIssueTickets, decideJoin, decideAdmissionMode } from '../shared/forum/admission.js';
import { decidePlaceDot, decideSubmitIdea, decideTransition } from '../shared/forum/rules.js';
import { Recorder } from '../shared/forum/testing.js';
import { DEFAULT_RULES, LIMITS, type ForumEvent } from '../shared/forum/types.js';
import { loadTemplate } from '../server/forum/template.js';

const TEMPLATE = fileURLToPath(new URL('../data/zhytomyr-2030.json', import.meta.url));

export interface LargestForum {
  id: string;
  events: ForumEvent[];
  /** Device tokens by participant id, so a test can act as one of them after a sealed move. */
  tokens: Map<string, string>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const padded = (base: string, length: number) => (base + ' ' + 'є'.repeat(length)).slice(0, length);

/** `phase: 'voting'` stops before results, for what a facilitator still does in voting (scripts/stalls.ts). */
export function largestForum({ participants = 5_000, ideas = 250, phase = 'results' as 'voting' | 'results' } = {}): LargestForum {
  const { structure } = loadTemplate(TEMPLATE);
  const id = randomUUID();
  const r = new Recorder();
  let clock = Date.UTC(2026, 10, 20, 17);
  const now = () => (clock += 7);
  r.apply([{ type: 'forumCreated', id, title: padded('Житомир 2030', LIMITS.title), joinCode: '482913', structure, rules: { ...DEFAULT_RULES }, at: now(), admission: 'hall', titled: true }]);
  r.run(decideAdmissionMode(r.state, 'tickets'));
  const codes: string[] = [];
  for (let batch = 0; batch * LIMITS.ticketsPerBatch < participants; batch++) {
    const n = Math.min(LIMITS.ticketsPerBatch, participants - batch * LIMITS.ticketsPerBatch);
    const batchCodes = Array.from({ length: n }, (_, i) => String(1_000_000_000 + (batch * LIMITS.ticketsPerBatch + i) * 7919));
    codes.push(...batchCodes);
    r.run(decideIssueTickets(r.state, batchCodes, batchCodes.map(() => randomUUID()), now()));
  }
  const tokens = new Map<string, string>();
  const people: string[] = [];
  for (let i = 0; i < participants; i++) {
    const participantId = randomUUID();
    const token = randomUUID().replaceAll('-', '');
    tokens.set(participantId, token);
    people.push(participantId);
    r.run(decideJoin(r.state, { code: codes[i], name: padded(`Мешканка ${i}`, LIMITS.name), participantId, tokenHash: sha256(token), at: now(), address: `10.0.${i >> 8}.${i & 255}` }));
  }
  r.run(decideTransition(r.state, 'ideas'));
  const priorities = structure.priorities;
  const ideasBy = new Map<string, string[]>(priorities.map((p) => [p.code, []]));
  for (let i = 0; i < ideas; i++) {
    const p = priorities[i % priorities.length];
    const ideaId = randomUUID();
    r.run(decideSubmitIdea(r.state, people[i % people.length], {
      priorityCode: p.code,
      goalCode: p.goals[0]?.code ?? null,
      title: padded(`Ідея ${i}`, LIMITS.title),
      description: padded(`Опис ідеї ${i}`, LIMITS.description),
      place: padded(`Місце ${i}`, LIMITS.place),
    }, ideaId, now()));
    ideasBy.get(p.code)!.push(ideaId);
  }
  r.run(decideTransition(r.state, 'review'));
  r.run(decideTransition(r.state, 'voting'));
  people.forEach((participantId, n) => {
    for (const p of priorities) {
      const list = ideasBy.get(p.code)!;
      for (let d = 0; d < DEFAULT_RULES.dotsPerPriority; d++) r.run(decidePlaceDot(r.state, participantId, list[(n + d) % list.length]));
    }
  });
  if (phase === 'results') r.run(decideTransition(r.state, 'results'));
  return { id, events: r.log, tokens };
}
