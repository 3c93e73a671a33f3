// Unit tests for publishing the public results page: when the rule lets it open and close, what
// the event does to the state, and that the log check replays it and catches one that the rule
// would have refused.

import { describe, expect, it } from 'vitest';
import { errorMessage } from '../i18n/all.js';
import { decidePublishResults, decideReveal } from './rules.js';
import { replay } from './state.js';
import { accepted, refusal, snapshot, TestForum } from './testing.js';
import type { ForumEvent } from './types.js';
import { verifyLog } from './verify.js';

/** A forum in the results phase with one idea voted on in priority A, nothing revealed yet. */
function inResults(): TestForum {
  const f = new TestForum();
  f.joinAll('p1', 'p2');
  f.to('ideas');
  const idea = f.submit('p1', 'A', 'Лавки в парку');
  f.to('voting');
  f.dot('p2', idea);
  f.to('results');
  return f;
}

describe('decidePublishResults', () => {
  it('refuses to publish before the results phase, naming the phase', () => {
    const f = new TestForum();
    for (const phase of ['lobby', 'ideas', 'review', 'voting'] as const) {
      f.to(phase);
      expect(refusal(decidePublishResults(f.state, true, f.now()))).toEqual({ code: 'WRONG_PHASE', params: { phase } });
    }
  });

  it('refuses to publish in the results phase until a priority is revealed', () => {
    const f = inResults();
    const error = refusal(decidePublishResults(f.state, true, f.now()));
    expect(error).toEqual({ code: 'NOTHING_REVEALED' });
    expect(errorMessage('uk', error)).toBe('Оприлюднити результати можна, щойно буде оголошено хоча б один пріоритет.');
    expect(errorMessage('en', error)).toBe('The results can be published once at least one priority has been revealed.');
  });

  it('publishes after a reveal, and unpublishes again; the state follows the events', () => {
    const f = inResults();
    f.run(decideReveal(f.state, 'A'));
    expect(f.state.publicResults).toBe(false);
    const at = f.now();
    expect(accepted(decidePublishResults(f.state, true, at))).toEqual([{ type: 'resultsPublished', published: true, at }]);
    f.run(decidePublishResults(f.state, true, f.now()));
    expect(f.state.publicResults).toBe(true);
    f.run(decidePublishResults(f.state, false, f.now()));
    expect(f.state.publicResults).toBe(false);
  });

  it('asking for what already holds records nothing', () => {
    const f = inResults();
    expect(accepted(decidePublishResults(f.state, false, f.now()))).toEqual([]);
    f.run(decideReveal(f.state, 'A'));
    f.run(decidePublishResults(f.state, true, f.now()));
    expect(accepted(decidePublishResults(f.state, true, f.now()))).toEqual([]);
  });

  it('stays published, and can be taken down, after the forum closes', () => {
    const f = inResults();
    f.run(decideReveal(f.state, 'A'));
    f.run(decidePublishResults(f.state, true, f.now()));
    f.to('closed');
    expect(f.state.publicResults).toBe(true);
    f.run(decidePublishResults(f.state, false, f.now()));
    expect(f.state.publicResults).toBe(false);
    // Closed is a phase in which it may be published again.
    f.run(decidePublishResults(f.state, true, f.now()));
    expect(f.state.publicResults).toBe(true);
  });
});

describe('the log of a published evening', () => {
  function publishedLog(): { f: TestForum; stored: ForumEvent[] } {
    const f = inResults();
    f.run(decideReveal(f.state, 'A'));
    f.run(decidePublishResults(f.state, true, f.now()));
    f.run(decidePublishResults(f.state, false, f.now()));
    f.run(decidePublishResults(f.state, true, f.now()));
    return { f, stored: JSON.parse(JSON.stringify(f.log)) as ForumEvent[] };
  }

  it('replays to the same forum, published', () => {
    const { f, stored } = publishedLog();
    const state = replay(stored);
    expect(state.publicResults).toBe(true);
    expect(snapshot(state)).toBe(snapshot(f.state));
  });

  it('passes the log check', () => {
    const { f, stored } = publishedLog();
    const report = verifyLog(stored.map((event, i) => ({ seq: i + 1, event })));
    expect(report.problems).toEqual([]);
    expect(snapshot(report.state)).toBe(snapshot(f.state));
  });

  it('the check catches a publication written before any reveal, or during voting', () => {
    const f = inResults();
    const beforeReveal = [...f.log, { type: 'resultsPublished', published: true, at: f.now() } as ForumEvent];
    const early = verifyLog(beforeReveal.map((event, i) => ({ seq: i + 1, event })));
    expect(early.problems).toHaveLength(1);
    expect(early.problems[0]).toMatchObject({ seq: beforeReveal.length, type: 'resultsPublished', error: { code: 'NOTHING_REVEALED' } });
    expect(early.problems[0].detail).toBe('the public results page was published, but no priority had been revealed yet');

    const votingEnd = f.log.findIndex((e) => e.type === 'phaseChanged' && e.to === 'results');
    const inVoting = [...f.log.slice(0, votingEnd), { type: 'resultsPublished', published: true, at: 5 } as ForumEvent];
    const wrong = verifyLog(inVoting.map((event, i) => ({ seq: i + 1, event })));
    expect(wrong.problems).toHaveLength(1);
    expect(wrong.problems[0].error).toEqual({ code: 'WRONG_PHASE', params: { phase: 'voting' } });
    expect(wrong.problems[0].detail).toBe('the public results page was published, but the forum was in voting, and that is allowed only in results or closed');
  });

  it('the check catches a publication recorded twice in a row', () => {
    const { stored } = publishedLog();
    const twice = [...stored, stored[stored.length - 1]];
    const report = verifyLog(twice.map((event, i) => ({ seq: i + 1, event })));
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ seq: twice.length, error: { code: 'BAD_INPUT', params: { reason: 'nothingToRecord' } } });
  });
});
