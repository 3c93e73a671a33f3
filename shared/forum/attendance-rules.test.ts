// The hall's size, bursts and the void of a burst, as pure rules: who waits, when a burst is seen,
// which joins a window and an address range choose, and that voiding them in one step leaves the
// forum exactly as voiding each of them alone does, and as if they had never voted.

import { describe, expect, it } from 'vitest';
import { decideJoin, decideVoid } from './admission.js';
import {
  burstAt,
  decideExpectedAttendance,
  decidePauseJoining,
  decideResumeJoining,
  decideVoidMany,
  inAddressRange,
  joinMustWait,
  parseAddressRange,
  selectJoined,
  voidPlan,
} from './attendance.js';
import { applyEvent, replay } from './state.js';
import { countDots } from './tally.js';
import { JOIN_CODE, TestForum, accepted, refusal, snapshot, tokenOf } from './testing.js';
import { verifyLog } from './verify.js';
import type { ForumState } from './types.js';

/** Joins `id` from `address` at `at`, through the rule. */
function joinFrom(f: TestForum, id: string, address: string, at: number): void {
  f.run(decideJoin(f.state, { code: JOIN_CODE, name: id, participantId: id, tokenHash: tokenOf(id), at, address }));
}

/** The phone dots per idea, as the results count them. */
function dotsPerIdea(state: ForumState): Record<string, number> {
  return Object.fromEntries([...countDots(state)].map(([id, c]) => [id, c.dots]));
}

describe('expected attendance and the pause', () => {
  it('a right code waits once the ballots reach the expected attendance; 0 is no limit; tickets never wait', () => {
    const f = new TestForum();
    f.joinAll('p1', 'p2');
    expect(joinMustWait(f.state, 3)).toBeNull();
    f.join('p3');
    expect(joinMustWait(f.state, 3)).toBe('full');
    expect(joinMustWait(f.state, 0)).toBeNull();
    // A voided participant's seat is free again.
    f.run(decideVoid(f.state, 'p3', 'Два телефони', f.now()));
    expect(joinMustWait(f.state, 3)).toBeNull();
    f.state.admission = 'tickets';
    f.run(decidePauseJoining(f.state, f.now()));
    expect(joinMustWait(f.state, 1)).toBeNull();
  });

  it('a pause makes every join wait until it is resumed; both are logged, a second pause records nothing', () => {
    const f = new TestForum();
    const burst = { from: 10, to: 20, joins: 60, addresses: 60 };
    f.run(decidePauseJoining(f.state, 30, burst));
    expect(joinMustWait(f.state, 0)).toBe('paused');
    expect(f.state.joiningPaused).toEqual({ at: 30, burst });
    expect(accepted(decidePauseJoining(f.state, 31))).toEqual([]);
    f.run(decideResumeJoining(f.state, 40));
    expect(f.state.joiningPaused).toBeNull();
    expect(accepted(decideResumeJoining(f.state, 41))).toEqual([]);
    expect(f.state.moderation.map((m) => m.action)).toEqual(['pauseJoining', 'resumeJoining']);
    expect(f.state.moderation[0].burst).toEqual(burst);
  });

  it('the expected attendance is a whole number from 0 to the limit, not in a closed forum', () => {
    const f = new TestForum();
    f.run(decideExpectedAttendance(f.state, 150));
    expect(f.state.expectedAttendance).toBe(150);
    expect(accepted(decideExpectedAttendance(f.state, 150))).toEqual([]);
    for (const bad of [-1, 1.5, 100_001, Number.NaN]) expect(refusal(decideExpectedAttendance(f.state, bad))).toEqual({ code: 'BAD_INPUT', params: { field: 'expected' } });
    f.to('closed');
    expect(refusal(decideExpectedAttendance(f.state, 10)).code).toBe('WRONG_PHASE');
  });
});

describe('burstAt', () => {
  const rule = { joins: 3, windowMs: 10_000 };
  it('more than `joins` joins within the window is a burst, spanning the joins in it', () => {
    const recent = [
      { at: 1_000, address: 'a' },
      { at: 20_000, address: 'a' },
      { at: 21_000, address: 'b' },
      { at: 22_000, address: 'b' },
    ];
    expect(burstAt(recent.slice(0, 3), 22_000, rule)).toBeNull();
    expect(burstAt(recent, 23_000, rule)).toEqual({ from: 20_000, to: 23_000, joins: 3, addresses: 2 });
    // Joins older than the window do not count.
    expect(burstAt(recent, 31_000, rule)).toBeNull();
    expect(burstAt(recent, 23_000, { joins: 0, windowMs: 10_000 })).toBeNull();
  });

  it('a hall of 130 joining evenly over five minutes never makes a burst under the default rule', async () => {
    const { JOIN_BURST_DEFAULT } = await import('./attendance.js');
    const recent: { at: number; address: string }[] = [];
    for (let i = 0; i < 130; i++) {
      const at = Math.round((i * 300_000) / 130);
      expect(burstAt(recent, at, JOIN_BURST_DEFAULT)).toBeNull();
      recent.push({ at, address: `10.0.${i >> 8}.${i & 255}` });
    }
    // Even the whole hall within two minutes (33 per 30 s) stays under it.
    const fast: { at: number; address: string }[] = [];
    for (let i = 0; i < 130; i++) {
      const at = Math.round((i * 120_000) / 130);
      expect(burstAt(fast, at, JOIN_BURST_DEFAULT)).toBeNull();
      fast.push({ at, address: String(i) });
    }
  });
});

describe('address ranges', () => {
  it('reads CIDR and leading octets; refuses what is neither', () => {
    const cases: [string, string, boolean][] = [
      ['127.1.0.0/16', '127.1.4.9', true],
      ['127.1.0.0/16', '127.2.0.1', false],
      ['127.1.', '127.1.200.3', true],
      ['127.1', '127.10.0.1', false],
      ['127.1.*', '127.1.0.7', true],
      ['10.0.0.5', '10.0.0.5', true],
      ['10.0.0.5', '10.0.0.50', false],
      ['0.0.0.0/0', '8.8.8.8', true],
      ['fd00:1:', 'fd00:1::5', true],
      ['fd00:1:', '10.0.0.1', false],
    ];
    for (const [range, address, inside] of cases) expect(inAddressRange(address, parseAddressRange(range)!), `${range} ∋ ${address}`).toBe(inside);
    for (const bad of ['', 'abc', '300.1.1.1', '10.0.0.0/33', '10.0.0/8', '1.2.3.4.5', 'fd00::zz']) expect(parseAddressRange(bad), bad).toBeNull();
    // Addresses that are not four numbers of 0 to 255 are in no IPv4 range.
    const all = parseAddressRange('0.0.0.0/0')!;
    for (const odd of ['', '1.2.3', '1.2.3.4.5', '1.2.3.256', '1.2.3.1000', '1..3.4', '.1.2.3', '1.2.3.', '1.2.3.-4', '1.2.3.4 ', '١.٢.٣.٤', 'a.b.c.d']) {
      expect(inAddressRange(odd, all), odd).toBe(false);
    }
    expect(inAddressRange('001.002.003.004', parseAddressRange('1.2.3.4')!)).toBe(true);
  });
});

describe('voiding a burst', () => {
  /**
   * An honest hall of three and a burst of four from 10.9.x.x between t=5000 and t=5003: ideas,
   * dots of the burst on honest ideas and on its own, honest dots on a burst idea.
   */
  function evening() {
    const f = new TestForum({ dotsPerPriority: 5, maxDotsPerIdea: 3 });
    joinFrom(f, 'h1', '10.0.0.1', 2_000);
    joinFrom(f, 'h2', '10.0.0.2', 2_100);
    for (let i = 0; i < 4; i++) joinFrom(f, `b${i}`, `10.9.0.${i + 1}`, 5_000 + i);
    joinFrom(f, 'h3', '10.0.0.3', 9_000);
    f.to('ideas');
    const honest = f.submit('h1', 'A', 'Лавки');
    const stuffed = f.submit('b0', 'A', 'Парковка');
    f.to('voting');
    f.dot('h2', honest);
    f.dot('h2', stuffed, 2);
    f.dot('h3', honest);
    for (let i = 0; i < 4; i++) {
      f.dot(`b${i}`, stuffed, 3);
      f.dot(`b${i}`, honest, 1);
    }
    return { f, honest, stuffed };
  }

  it('chooses by window, by range, or both; refuses neither, a reversed window, a bad range, and nobody', () => {
    const { f } = evening();
    const ids = (sel: Parameters<typeof selectJoined>[1]) => {
      const chosen = selectJoined(f.state, sel);
      if (!chosen.ok) throw new Error(chosen.error.code);
      return chosen.value;
    };
    expect(ids({ window: { from: 5_000, to: 5_003 } })).toEqual(['b0', 'b1', 'b2', 'b3']);
    expect(ids({ range: '10.9.0.0/16' })).toEqual(['b0', 'b1', 'b2', 'b3']);
    expect(ids({ window: { from: 2_000, to: 5_001 }, range: '10.9.' })).toEqual(['b0', 'b1']);
    expect(refusal(selectJoined(f.state, {}))).toEqual({ code: 'BAD_INPUT', params: { field: 'window' } });
    expect(refusal(selectJoined(f.state, { window: { from: 9, to: 1 } }))).toEqual({ code: 'BAD_INPUT', params: { field: 'window' } });
    expect(refusal(selectJoined(f.state, { range: 'a.b' }))).toEqual({ code: 'BAD_INPUT', params: { field: 'range' } });
    expect(refusal(decideVoidMany(f.state, { range: '192.168.' }, 'Сплеск', 1))).toEqual({ code: 'NONE_SELECTED' });
    expect(refusal(decideVoidMany(f.state, { range: '10.9.' }, '  ', 1)).code).toBe('TEXT_REQUIRED');
  });

  it('one event leaves the forum exactly as single voids do, and the tally as if the burst never voted', () => {
    const { f, honest, stuffed } = evening();
    const before = snapshot(f.state);
    const impact = voidPlan(f.state, ['b0', 'b1', 'b2', 'b3']).impact;
    // 4 × (3 + 1) own dots, one idea, and h2's 2 dots on it given back.
    expect(impact).toEqual({ participants: 4, dots: 16, ideas: 1, refunded: 2 });

    const bulk = replay(f.log);
    const [event] = accepted(decideVoidMany(bulk, { window: { from: 5_000, to: 5_003 } }, 'Сплеск приєднань', 50_000));
    expect(event).toMatchObject({ type: 'participantsVoided', participantIds: ['b0', 'b1', 'b2', 'b3'], window: { from: 5_000, to: 5_003 } });
    const bulkForum = new TestForum();
    bulkForum.state = bulk;
    bulkForum.apply([event]);

    const single = replay(f.log);
    for (const id of ['b0', 'b1', 'b2', 'b3']) {
      const r = new TestForum();
      r.state = single;
      r.run(decideVoid(single, id, 'Сплеск приєднань', 50_000));
    }
    // Everything but the log's entries is the same: one entry for the burst, four for single voids.
    const strip = (s: ForumState) => snapshot({ ...s, moderation: [] });
    expect(strip(bulk)).toBe(strip(single));
    expect(bulk.moderation.at(-1)).toMatchObject({ action: 'voidMany', voided: 4, window: { from: 5_000, to: 5_003 }, reason: 'Сплеск приєднань' });
    expect(bulk.moderation.filter((m) => m.action === 'voidMany' || m.action === 'void')).toHaveLength(1);

    // The tally: as a forum where only the honest joined and voted, and the stuffed idea was hidden.
    expect(dotsPerIdea(bulk)).toEqual({ [honest]: 2 });
    expect(bulk.ideas.get(stuffed)?.status).toBe('hidden');
    expect(bulk.dots.get('h2')?.get(stuffed)).toBeUndefined();
    expect(snapshot(f.state)).toBe(before);
  });

  it('taken with the dots its plan found, a void leaves the forum exactly as one that walks every ballot', () => {
    // The evening above, where the burst also wrote a second idea, which the honest voted for too.
    const f = new TestForum({ dotsPerPriority: 5, maxDotsPerIdea: 3 });
    for (const [id, address, at] of [['h1', '10.0.0.1', 2_000], ['h2', '10.0.0.2', 2_100], ['h3', '10.0.0.3', 9_000]] as const) joinFrom(f, id, address, at);
    for (let i = 0; i < 4; i++) joinFrom(f, `b${i}`, `10.9.0.${i + 1}`, 5_000 + i);
    f.to('ideas');
    const honest = f.submit('h1', 'A', 'Лавки');
    const stuffed = f.submit('b0', 'A', 'Парковка');
    const second = f.submit('b1', 'A', 'Ще одна парковка');
    f.to('voting');
    f.dot('h2', honest);
    f.dot('h2', stuffed, 2);
    f.dot('h3', honest);
    for (let i = 0; i < 4; i++) f.dot(`b${i}`, stuffed, 3);
    f.dot('h3', second);
    f.dot('h1', second, 2);
    const plan = voidPlan(f.state, ['b0', 'b1', 'b2', 'b3']);
    expect(plan.impact).toEqual({ participants: 4, dots: 12, ideas: 2, refunded: 5 });
    // Only the honest ballots with a dot on a burst's idea, each with those ideas: nothing else.
    expect([...plan.held]).toEqual([
      ['h2', [stuffed]],
      ['h3', [second]],
      ['h1', [second]],
    ]);
    const [event] = accepted(decideVoidMany(f.state, { range: '10.9.' }, 'Сплеск', 60_000));
    const walked = replay(f.log);
    applyEvent(walked, event);
    const planned = replay(f.log);
    applyEvent(planned, event, plan.held);
    expect(snapshot(planned)).toBe(snapshot(walked));
    expect(dotsPerIdea(planned)).toEqual({ [honest]: 2 });
    expect(planned.dots.get('h1')?.size ?? 0).toBe(0);
  });

  it('the log with a burst paused, the expected attendance and a void of the burst verifies, and replays', () => {
    const { f } = evening();
    f.run(decideExpectedAttendance(f.state, 150));
    f.run(decidePauseJoining(f.state, 5_004, { from: 5_000, to: 5_004, joins: 4, addresses: 4 }));
    f.run(decideResumeJoining(f.state, 6_000));
    f.run(decideVoidMany(f.state, { window: { from: 5_000, to: 5_003 }, range: '10.9.0.0/16' }, 'Сплеск', 60_000));
    const logged = f.log.map((event, i) => ({ seq: i + 1, event }));
    expect(verifyLog(logged).problems).toEqual([]);
    expect(snapshot(replay(f.log))).toBe(snapshot(f.state));
    // A void whose list of participants was altered is caught, as is a burst the log cannot hold.
    const altered = logged.map((l) => (l.event.type === 'participantsVoided' ? { ...l, event: { ...l.event, participantIds: ['b0'] } } : l));
    expect(verifyLog(altered).problems.map((p) => p.type)).toEqual(['participantsVoided']);
    const inflated = logged.map((l) => (l.event.type === 'joiningPaused' ? { ...l, event: { ...l.event, burst: { from: 5_000, to: 5_004, joins: 400, addresses: 4 } } } : l));
    expect(verifyLog(inflated).problems.map((p) => p.type)).toEqual(['joiningPaused']);
  });

  it('in a forum file, which carries no addresses, a void by range still verifies, and an outsider added to it does not', () => {
    const { f } = evening();
    f.run(decideVoidMany(f.state, { window: { from: 5_000, to: 5_002 }, range: '10.9.0.0/16' }, 'Сплеск', 60_000));
    // As forums/transfer.ts writes a forum file: joins without their address.
    const file = f.log.map((event, i) => ({ seq: i + 1, event: event.type === 'participantJoined' ? { ...event, address: undefined } : event }));
    expect(verifyLog(file).problems).toEqual([]);
    const outsider = file.map((l) => (l.event.type === 'participantsVoided' ? { ...l, event: { ...l.event, participantIds: [...l.event.participantIds, 'h3'] } } : l));
    expect(verifyLog(outsider).problems.map((p) => p.error)).toEqual([{ code: 'BAD_INPUT', params: { field: 'participantIds' } }]);
  });

  it('is refused once results are being revealed', () => {
    const { f } = evening();
    f.to('results');
    f.state.revealed.push('A');
    expect(refusal(decideVoidMany(f.state, { range: '10.9.' }, 'Пізно', 1)).code).toBe('RESULTS_SHOWN');
  });
});
