// A storage fault on a forum with a long log (300,000 events): the server goes on answering the
// hall while another program holds the write lock and then while the disk is full, every action it
// acknowledged is in the log and none it refused is, and what it told each voter is what is saved.
// The probe's figures go to `BENCH_ONLY=faults npm run bench`; here only answers are counted.

import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runLongLogFault, type FaultRun } from '../../scripts/long-log-fault.js';

const runs: FaultRun[] = [];
afterAll(() => {
  for (const run of runs) run.cleanUp();
});

describe('a storage fault on a long log', () => {
  it('leaves the server answering throughout, and saves exactly what it acknowledged', async () => {
    const run = await runLongLogFault({ events: 300_000 });
    runs.push(run);
    expect(run.events).toBeGreaterThan(290_000);

    // The fault was met: refused as busy, and as full where a small disk could be mounted (root).
    const outcomes = new Set(run.actions.map((a) => a.outcome));
    expect(outcomes).toContain('STORAGE_UNAVAILABLE:busy');
    if (run.filled) expect(outcomes).toContain('STORAGE_UNAVAILABLE:full');
    for (const outcome of outcomes) expect(['ok', 'STORAGE_UNAVAILABLE:busy', 'STORAGE_UNAVAILABLE:full']).toContain(outcome);

    // Answered throughout: during the fault the probe came back at least a quarter as often as in a
    // calm window as long just before (reading the whole log back at each failed write: 3 in 10 s).
    expect(run.calm.length).toBeGreaterThan(20);
    expect(run.fault.length).toBeGreaterThan(run.calm.length / 4);

    // Every acknowledged action is in the log, once; no refused one is.
    const db = new Database(run.dbPath, { readonly: true, fileMustExist: true });
    try {
      const stored = new Set((db.prepare('SELECT action_key FROM events WHERE action_key IS NOT NULL').all() as { action_key: string }[]).map((r) => r.action_key));
      for (const a of run.actions) expect(stored.has(`${a.participantId}:${a.actionId}`), `${a.command} ${a.outcome}`).toBe(a.outcome === 'ok');
      // What the server last told each voter of their dots is what the log holds.
      const dots = db.prepare("SELECT type, payload FROM events WHERE type IN ('dotPlaced', 'dotRemoved') AND json_extract(payload, '$.participantId') = ? AND json_extract(payload, '$.ideaId') = ?");
      for (const [participantId, told] of run.told) {
        const ideaId = run.actions.find((a) => a.participantId === participantId)!.ideaId;
        const rows = dots.all(participantId, ideaId) as { type: string }[];
        const net = rows.reduce((n, r) => n + (r.type === 'dotPlaced' ? 1 : -1), 0);
        expect(net, participantId).toBe(told);
      }
    } finally {
      db.close();
    }
  }, 240_000);
});
