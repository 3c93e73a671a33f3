// `npm run bench` part `anonymise`: what deleting a city vote's personal data costs in the SQLite
// file at 100,000 voters (BENCH_ANONYMISE_N): the batch that stores personsAnonymised, with the
// rewrite of every event carrying a person id or an address in its transaction, then the file
// rebuilt (VACUUM) and the write-ahead log truncated, all on the server's thread, as the server does.

import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ForumEvent } from '../shared/forum/types.js';
import { SqliteStore } from '../server/db/sqlite.js';
import { tempDir } from '../server/test/harness.js';
import { created } from './bench-store.js';

export async function benchAnonymise(n = Number(process.env.BENCH_ANONYMISE_N ?? 100_000)): Promise<void> {
  const dir = tempDir();
  const path = join(dir, 'bench.db');
  const store = new SqliteStore(path);
  try {
    await store.createForum({ id: 'f1', joinCode: '123456', createdAt: 1, joinSecret: 's', screenKey: 'k' }, [created], { at: 1, action: 'created', forumId: 'f1', title: 'Bench', detail: '' });
    let last = 1;
    const PER = 1000;
    for (let i = 0; i < n; i += PER) {
      const events: ForumEvent[] = [];
      for (let j = i; j < Math.min(n, i + PER); j++) {
        const participantId = `p-${j}`;
        events.push({ type: 'participantJoined', participantId, tokenHash: randomBytes(32).toString('hex'), name: '', at: 2, address: `10.${(j >> 16) & 255}.${(j >> 8) & 255}.${j & 255}`, personId: randomBytes(32).toString('hex') });
        events.push({ type: 'cityBallotCast', participantId, budgetId: 'b', ballot: { kind: 'knapsack', budgetId: 'b', projectIds: [`x${j % 20}`] }, receiptHash: randomBytes(32).toString('hex'), at: 3 });
      }
      last = await store.appendBatch('f1', last, [{ events, actionKey: null }]);
    }
    const before = statSync(path).size + statSync(`${path}-wal`).size;
    const start = performance.now();
    await store.appendBatch('f1', last, [{ events: [{ type: 'personsAnonymised', at: 4, by: 'facilitator' }], actionKey: null }]);
    const ms = performance.now() - start;
    const after = statSync(path).size + statSync(`${path}-wal`).size;
    console.log(`\ndeleting a city vote's personal data at ${n.toLocaleString('en')} voters (${(2 * n).toLocaleString('en')} events), SQLite, on the server's thread`);
    console.log(`  rewrite, commit, VACUUM and WAL truncated: ${(ms / 1000).toFixed(2)} s; file and WAL ${(before / 2 ** 20).toFixed(1)} MiB before, ${(after / 2 ** 20).toFixed(1)} MiB after`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
