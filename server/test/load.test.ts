// The bench's load driver (scripts/load.ts) against a real server, in a hall of 200 phones with
// the evening compressed into seconds: whatever the timings, every phase is reached, nothing times
// out, and every dot a phone was acked is in the export exactly once, also after every phone's
// connection was dropped at once. No timing is asserted: this machine is shared.

import { afterEach, describe, expect, it } from 'vitest';
import { runClosedLoop, runPacedEvening, type ForumTarget, type ShapeFigures } from '../../scripts/load.js';
import { screenKeyOf, startTestServer, type TestServer } from './harness.js';

const PHONES = 200;

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

async function target(): Promise<ForumTarget> {
  // The phones' wall of ideas coalesced as in a real evening (the harness sends every change).
  server = await startTestServer({ ideaPatchMs: 1000 });
  return { origin: server.url, slug: server.slug, facilitatorKey: server.facilitatorKey, screenKey: screenKeyOf(server.screenUrl) };
}

/** What went wrong, in one object, so that a failure says everything at once. */
const trouble = (run: ShapeFigures) => ({
  errors: run.errors,
  steps: run.steps.filter((s) => s.timeouts > 0 || Object.keys(s.failed).length > 0).map((s) => ({ action: s.action, timeouts: s.timeouts, failed: s.failed })),
});

describe(`the load driver, ${PHONES} phones`, () => {
  it('a paced evening reaches every phase; the export holds every acked dot once, also after a reconnect storm', async () => {
    const run = await runPacedEvening(await target(), { phones: PHONES, joinS: 2, ideasS: 2, votingS: 3, storm: true, stormTimeoutMs: 30_000 });
    expect(trouble(run)).toEqual({ errors: [], steps: [] });
    expect(run.phases).toEqual(['ideas', 'review', 'voting', 'results']);
    expect(run.priorities).toBeGreaterThan(0);
    expect(run.revealed).toBe(run.priorities);
    const step = (action: string) => run.steps.find((s) => s.action === action)!;
    for (const action of ['connect', 'join', 'idea', 'dot']) {
      expect(step(action), action).toMatchObject({ sent: step(action).ok, timeouts: 0, refused: {} });
    }
    expect(step('join').ok).toBe(PHONES);
    expect(step('idea').ok).toBe(PHONES);
    // Every phone spends every dot: three in each priority.
    expect(step('dot').ok).toBe(PHONES * 3 * run.priorities);
    expect(step('join').projectorLag?.unreached).toBe(0);
    expect(run.check).toMatchObject({ acked: PHONES * 3 * run.priorities, exported: PHONES * 3 * run.priorities, lost: 0, doubled: 0, unsettled: 0 });

    const storm = run.storm!;
    expect(storm).toMatchObject({ phones: PHONES, notBack: 0, meMismatch: 0 });
    expect(storm.back.n).toBe(PHONES);
    // Each phone's removal, caught in the drop, was done once whether or not it had arrived; its dot went back.
    expect(storm.steps[0]).toMatchObject({ sent: 2 * PHONES, ok: 2 * PHONES, timeouts: 0, refused: {} });
    expect(storm.check).toMatchObject({ acked: PHONES * 3 * run.priorities, lost: 0, doubled: 0, unsettled: 0 });

    // The bytes every phone read, per part of the evening: each phone read something in each, and
    // the whole is the sum of the phones'.
    expect(run.air?.map((a) => a.part)).toEqual(['join', 'ideas', 'voting', 'storm', 'results']);
    for (const a of run.air!) {
      expect(a.p50, a.part).toBeGreaterThan(0);
      expect(a.max).toBeGreaterThanOrEqual(a.p95);
      expect(a.total).toBeGreaterThanOrEqual(a.max * 1);
    }
  }, 120_000);

  it('a closed loop of dots, as fast as the acks come: nothing lost or doubled', async () => {
    const run = await runClosedLoop(await target(), { phones: PHONES, loopS: 2 });
    expect(trouble(run)).toEqual({ errors: [], steps: [] });
    expect(run.phases).toEqual(['ideas', 'review', 'voting']);
    const dot = run.steps.find((s) => s.action === 'dot')!;
    expect(dot.ok).toBeGreaterThan(PHONES);
    // Refusals are expected here (the rate limits), but no other kind.
    expect(Object.keys(dot.refused).filter((code) => code !== 'RATE_LIMITED')).toEqual([]);
    expect(run.check).toMatchObject({ lost: 0, doubled: 0, unsettled: 0 });
    expect(run.loop!.durablePerS).toBeGreaterThan(0);
  }, 120_000);
});
