// `npm run bench` part `doneactions` (or `node --expose-gc --import tsx scripts/bench-done-actions.ts`):
// the heap that the remembered phone actions (server/forum/doneActions.ts) take at 100,000 voters
// with 20 actions each, beside the plain map of maps the room kept before they were timed, each
// built in a fresh process of its own so that neither's garbage is counted in the other's.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DoneActions, type DoneAction } from '../server/forum/doneActions.js';

const VOTERS = 100_000;
const ACTIONS = 20;
const SELF = fileURLToPath(import.meta.url);

const actionId = (n: number) => `${(1e11 + n).toString(16)}abcdef012345`;
const participantId = (p: number) => `${(1e7 + p).toString(16)}-5f1e-4c2a-9b7d-31c0a8e4d2f6`;
const action = (a: number): DoneAction => ({ command: 'dot:place', target: `idea-${a}-0000-0000-0000-000000000000`, ideaId: null });

function build(shape: string): unknown {
  if (shape === 'map') {
    const byParticipant = new Map<string, Map<string, DoneAction>>();
    for (let p = 0; p < VOTERS; p++) {
      const mine = new Map<string, DoneAction>();
      byParticipant.set(participantId(p), mine);
      for (let a = 0; a < ACTIONS; a++) mine.set(actionId(p * ACTIONS + a), action(a));
    }
    return byParticipant;
  }
  const done = new DoneActions();
  for (let p = 0; p < VOTERS; p++) for (let a = 0; a < ACTIONS; a++) done.remember(participantId(p), actionId(p * ACTIONS + a), action(a));
  return done;
}

/** Held here, so that it is alive when the heap is measured. */
let kept: unknown = null;

function measure(shape: string): number {
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  const before = process.memoryUsage().heapUsed;
  kept = build(shape);
  gc();
  gc();
  const mib = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  if (kept === null) throw new Error('nothing built');
  return mib;
}

export function benchDoneActions(): void {
  const run = (shape: string) => {
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', SELF, '--measure', shape], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(child.stderr);
    return Number(child.stdout.trim());
  };
  console.log(`\nRemembered phone actions, ${VOTERS.toLocaleString('en')} voters × ${ACTIONS} actions, heap used:`);
  console.log(`  a map of maps (the room before)        ${run('map').toFixed(0)} MiB`);
  console.log(`  DoneActions (timed, by participant)   ${run('timed').toFixed(0)} MiB; none once they are all older than the window`);
}

if (process.argv[2] === '--measure') console.log(measure(process.argv[3]));
else if (process.argv[1] === SELF) benchDoneActions();
