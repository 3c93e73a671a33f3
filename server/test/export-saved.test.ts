// Exports show only what is saved: while an action's batch is still being written (and may yet be
// refused by the disk), the results exported, the report's figures and the public results leave it
// out, as every view does; once its batch is on disk, they hold it.

import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { decidePlaceDot } from '../../shared/forum/rules.js';
import { StorageUnavailable } from '../errors.js';
import { exportResults, exportResultsInTurns, type ExportResults } from '../http/export.js';
import { connectConsole, joinPhone, ok, startTestServer, type TestClient } from './harness.js';

const clients: TestClient[] = [];
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of clients) c.close();
  for (const stop of stops) await stop();
});

const dotsOn = (results: ExportResults, ideaId: string) =>
  results.priorities.flatMap((p) => p.ideas).find((i) => i.id === ideaId)?.dots;

describe('an export during voting', () => {
  it('leaves out a dot whose batch is not yet on disk, and holds it once it is', async () => {
    const server = await startTestServer();
    stops.push(() => server.stop());
    const admin = await connectConsole(server);
    const [author, voter] = [await joinPhone(server, 'Авторка'), await joinPhone(server, 'Виборець')];
    clients.push(admin, author, voter);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const { ideaId } = ok(await author.send('idea:submit', { priorityCode: '1', title: 'Фонтан на площі' }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    ok(await author.send('dot:place', { ideaId, actionId: randomUUID() }));
    const room = server.room;
    expect(dotsOn(exportResults(room.savedState), ideaId)).toBe(1);

    // Another program holds the write lock: the next batch will be refused by the disk.
    const other = new Database(server.dbPath);
    other.exec('BEGIN IMMEDIATE');
    other.prepare('UPDATE forums SET created_at = created_at').run();
    try {
      const decision = decidePlaceDot(room.state, voter.me.participantId, ideaId);
      if (!decision.ok) throw new Error(decision.error.code);
      room.commit(decision.value);
      const failure = new Promise((resolve) => room.whenDurable(resolve));
      // Applied, so that the next action is decided against it, but not saved: not exported.
      expect(room.state.dots.get(voter.me.participantId)?.get(ideaId)).toBe(1);
      expect(dotsOn(exportResults(room.savedState), ideaId)).toBe(1);
      const inTurns = exportResultsInTurns(room, new Date(), { names: true });
      expect(await failure).toBeInstanceOf(StorageUnavailable);
      expect(dotsOn(await inTurns, ideaId)).toBe(1);
      // The files a facilitator downloads say the same.
      const res = await fetch(`${server.url}/api/export.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
      expect(dotsOn((await res.json()) as ExportResults, ideaId)).toBe(1);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }

    // Once the disk takes it, the voter's dot is saved and exported.
    let placed = false;
    for (let i = 0; i < 100 && !placed; i++) {
      const ack = await voter.send('dot:place', { ideaId, actionId: randomUUID() });
      placed = ack.ok;
      if (!ack.ok) {
        expect(ack.error.code).toBe('STORAGE_UNAVAILABLE');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(placed).toBe(true);
    const res = await fetch(`${server.url}/api/export.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
    expect(dotsOn((await res.json()) as ExportResults, ideaId)).toBe(2);
    expect(room.savedState).toBe(room.state);
  });
});
