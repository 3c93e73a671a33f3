// Unit tests for counting (tally.ts): ranking with ties, distinct supporters, voting progress and
// idea counts. States are built as the server builds them: decide*, then applyEvent.

import { describe, expect, it } from 'vitest';
import { decideHideIdea, decideRemoveDot, decideRestoreIdea, decideWithdrawIdea } from './rules.js';
import { activeIdeas, countDots, ideaCounts, leftLine, rankIdeas, tallyPriority, topWithTies, votingProgress, type RankInput } from './tally.js';
import { TestForum } from './testing.js';

// ---------------------------------------------------------------- helpers

const ranksOf = (tally: { ideaId: string; rank: number }[]) => tally.map((t) => [t.ideaId, t.rank]);

// ---------------------------------------------------------------- rankIdeas

describe('rankIdeas', () => {
  const entry = (ideaId: string, dots: number, supporters = dots, seq = Number(ideaId.slice(1))): RankInput => ({
    ideaId,
    dots,
    supporters,
    seq,
  });

  it('uses competition ranking: dots 5, 3, 3, 1 → ranks 1, 2, 2, 4', () => {
    const ranked = rankIdeas([entry('i1', 1), entry('i2', 3), entry('i3', 5), entry('i4', 3)]);
    expect(ranked.map((r) => r.dots)).toEqual([5, 3, 3, 1]);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 2, 4]);
  });

  it('skips ranks after a multi-way tie: 4, 4, 4, 2, 2, 1 → 1, 1, 1, 4, 4, 6', () => {
    const ranked = rankIdeas([2, 4, 1, 4, 2, 4].map((d, i) => entry(`i${i + 1}`, d, 1)));
    expect(ranked.map((r) => [r.dots, r.rank])).toEqual([
      [4, 1],
      [4, 1],
      [4, 1],
      [2, 4],
      [2, 4],
      [1, 6],
    ]);
  });

  it('ranks everyone first when nobody has dots', () => {
    const ranked = rankIdeas([entry('i1', 0), entry('i2', 0), entry('i3', 0)]);
    expect(ranked.map((r) => r.rank)).toEqual([1, 1, 1]);
    expect(ranked.map((r) => r.ideaId)).toEqual(['i1', 'i2', 'i3']);
  });

  it('orders a tie by supporters (broader support first), then by submission order', () => {
    const ranked = rankIdeas([
      entry('i1', 4, 2, 1),
      entry('i2', 4, 4, 2),
      entry('i3', 4, 2, 3),
      entry('i4', 4, 3, 4),
      entry('i5', 6, 3, 5),
    ]);
    expect(ranked.map((r) => r.ideaId)).toEqual(['i5', 'i2', 'i4', 'i1', 'i3']);
    // Supporters decide the order, not the rank.
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 2, 2, 2]);
  });

  it('uses seq, not input order, to break a full tie', () => {
    const ranked = rankIdeas([entry('late', 2, 1, 9), entry('early', 2, 1, 3), entry('mid', 2, 1, 5)]);
    expect(ranked.map((r) => r.ideaId)).toEqual(['early', 'mid', 'late']);
  });

  it('gives the same result whatever order the input comes in', () => {
    const entries = [entry('i1', 5), entry('i2', 3, 2), entry('i3', 3, 3), entry('i4', 1), entry('i5', 0)];
    const expected = rankIdeas(entries);
    const reversed = rankIdeas([...entries].reverse());
    const shuffled = rankIdeas([entries[2], entries[4], entries[0], entries[3], entries[1]]);
    expect(reversed).toEqual(expected);
    expect(shuffled).toEqual(expected);
  });

  it('carries dots and supporters through and does not mutate its input', () => {
    const entries = [entry('i1', 1, 1), entry('i2', 7, 4)];
    const copy = structuredClone(entries);
    expect(rankIdeas(entries)).toEqual([
      { ideaId: 'i2', dots: 7, supporters: 4, rank: 1, phoneDots: 7, paperDots: 0 },
      { ideaId: 'i1', dots: 1, supporters: 1, rank: 2, phoneDots: 1, paperDots: 0 },
    ]);
    expect(entries).toEqual(copy);
  });

  it('ranks by phone dots and paper stickers together, and reports both', () => {
    const ranked = rankIdeas([entry('i1', 5, 3), { ...entry('i2', 2, 2), paperDots: 4 }, { ...entry('i3', 0, 0), paperDots: 5 }]);
    expect(ranked).toEqual([
      { ideaId: 'i2', dots: 6, supporters: 2, rank: 1, phoneDots: 2, paperDots: 4 },
      { ideaId: 'i1', dots: 5, supporters: 3, rank: 2, phoneDots: 5, paperDots: 0 },
      { ideaId: 'i3', dots: 5, supporters: 0, rank: 2, phoneDots: 0, paperDots: 5 },
    ]);
  });

  it('handles an empty list and a single idea', () => {
    expect(rankIdeas([])).toEqual([]);
    expect(rankIdeas([entry('i1', 0)])).toEqual([{ ideaId: 'i1', dots: 0, supporters: 0, rank: 1, phoneDots: 0, paperDots: 0 }]);
  });
});

// ---------------------------------------------------------------- counting a real forum

/**
 * Priority A: i1 (p1), i2 (p2), i3 (p3), i4 (p4); B: i5 (p1); C: none.
 * Budget 3, cap 2.
 */
function votingForum(): TestForum {
  const f = new TestForum({ dotsPerPriority: 3, maxDotsPerIdea: 2 });
  f.joinAll('p1', 'p2', 'p3', 'p4', 'p5');
  f.to('ideas');
  f.submit('p1', 'A', 'Перша');
  f.submit('p2', 'A', 'Друга');
  f.submit('p3', 'A', 'Третя');
  f.submit('p4', 'A', 'Четверта');
  f.submit('p1', 'B', 'Зелена');
  f.to('voting');
  return f;
}

describe('countDots', () => {
  it('counts one person stacking two dots as one supporter', () => {
    const f = votingForum();
    f.dot('p1', 'i1', 2);
    expect(countDots(f.state).get('i1')).toEqual({ dots: 2, supporters: 1 });
  });

  it('counts distinct supporters across people', () => {
    const f = votingForum();
    f.dot('p1', 'i1', 2);
    f.dot('p2', 'i1');
    f.dot('p3', 'i1', 2);
    expect(countDots(f.state).get('i1')).toEqual({ dots: 5, supporters: 3 });
  });

  it('forgets removed dots and ideas nobody voted for', () => {
    const f = votingForum();
    f.dot('p1', 'i1');
    f.run(decideRemoveDot(f.state, 'p1', 'i1'));
    f.dot('p2', 'i2', 2);
    f.run(decideRemoveDot(f.state, 'p2', 'i2'));
    const counts = countDots(f.state);
    expect(counts.has('i1')).toBe(false);
    expect(counts.get('i2')).toEqual({ dots: 1, supporters: 1 });
    expect(counts.has('i3')).toBe(false);
  });
});

describe('tallyPriority', () => {
  it('ranks a priority’s ideas by dots with competition ranks and distinct supporters', () => {
    const f = votingForum();
    // i1: 5 dots by 3 people; i2: 3 by 3; i3: 3 by 2; i4: 1 by 1.
    f.dot('p1', 'i1', 2);
    f.dot('p2', 'i1', 2);
    f.dot('p3', 'i1');
    f.dot('p1', 'i2');
    f.dot('p2', 'i2');
    f.dot('p4', 'i2');
    f.dot('p3', 'i3', 2);
    f.dot('p4', 'i3');
    f.dot('p5', 'i4');
    expect(tallyPriority(f.state, 'A')).toEqual([
      { ideaId: 'i1', dots: 5, supporters: 3, rank: 1, phoneDots: 5, paperDots: 0 },
      { ideaId: 'i2', dots: 3, supporters: 3, rank: 2, phoneDots: 3, paperDots: 0 },
      { ideaId: 'i3', dots: 3, supporters: 2, rank: 2, phoneDots: 3, paperDots: 0 },
      { ideaId: 'i4', dots: 1, supporters: 1, rank: 4, phoneDots: 1, paperDots: 0 },
    ]);
  });

  it('includes active ideas without dots, and only ideas of that priority', () => {
    const f = votingForum();
    f.dot('p1', 'i5');
    f.dot('p2', 'i3');
    expect(ranksOf(tallyPriority(f.state, 'A'))).toEqual([
      ['i3', 1],
      ['i1', 2],
      ['i2', 2],
      ['i4', 2],
    ]);
    expect(tallyPriority(f.state, 'B')).toEqual([{ ideaId: 'i5', dots: 1, supporters: 1, rank: 1, phoneDots: 1, paperDots: 0 }]);
    expect(tallyPriority(f.state, 'C')).toEqual([]);
    expect(tallyPriority(f.state, 'nope')).toEqual([]);
  });

  it('never ranks hidden ideas, and a restored idea comes back with no dots', () => {
    const f = votingForum();
    f.dot('p1', 'i1', 2);
    f.dot('p2', 'i1', 2);
    f.dot('p3', 'i2');
    f.run(decideHideIdea(f.state, 'i1', 'Не за темою', 1));
    const tally = tallyPriority(f.state, 'A');
    expect(tally.map((t) => t.ideaId)).not.toContain('i1');
    expect(tally[0]).toEqual({ ideaId: 'i2', dots: 1, supporters: 1, rank: 1, phoneDots: 1, paperDots: 0 });

    f.run(decideRestoreIdea(f.state, 'i1', 2));
    expect(tallyPriority(f.state, 'A').find((t) => t.ideaId === 'i1')).toEqual({
      ideaId: 'i1',
      dots: 0,
      supporters: 0,
      rank: 2,
      phoneDots: 0,
      paperDots: 0,
    });
  });

  it('never ranks hidden ideas even if dots were somehow left on them', () => {
    const f = votingForum();
    f.dot('p1', 'i1', 2);
    f.run(decideHideIdea(f.state, 'i1', 'Причина', 1));
    // Put a dot back by hand: the tally must still leave the hidden idea out.
    f.apply([{ type: 'dotPlaced', participantId: 'p1', ideaId: 'i1' }]);
    const counts = countDots(f.state);
    expect(counts.get('i1')?.dots).toBe(1);
    expect(tallyPriority(f.state, 'A', counts).map((t) => t.ideaId)).toEqual(['i2', 'i3', 'i4']);
  });

  it('never ranks withdrawn ideas', () => {
    const f = new TestForum();
    f.joinAll('p1', 'p2');
    f.to('ideas');
    f.submit('p1', 'A');
    f.submit('p2', 'A');
    f.run(decideWithdrawIdea(f.state, 'p1', 'i1'));
    f.to('voting');
    expect(tallyPriority(f.state, 'A').map((t) => t.ideaId)).toEqual(['i2']);
    expect(activeIdeas(f.state).map((i) => i.id)).toEqual(['i2']);
  });

  it('accepts precomputed counts', () => {
    const f = votingForum();
    f.dot('p1', 'i4', 2);
    const counts = countDots(f.state);
    expect(tallyPriority(f.state, 'A', counts)).toEqual(tallyPriority(f.state, 'A'));
  });
});

describe('activeIdeas', () => {
  it('lists active ideas in submission order, optionally of one priority', () => {
    const f = votingForum();
    f.run(decideHideIdea(f.state, 'i2', 'Причина', 1));
    expect(activeIdeas(f.state).map((i) => i.id)).toEqual(['i1', 'i3', 'i4', 'i5']);
    expect(activeIdeas(f.state, 'A').map((i) => i.id)).toEqual(['i1', 'i3', 'i4']);
    expect(activeIdeas(f.state, 'C')).toEqual([]);
  });
});

// ---------------------------------------------------------------- progress and counts

describe('votingProgress', () => {
  it('starts at zero for every priority', () => {
    const f = votingForum();
    expect(votingProgress(f.state)).toEqual({
      voted: 0,
      votedPerPriority: { A: 0, B: 0, C: 0 },
      dotsPerPriority: { A: 0, B: 0, C: 0 },
    });
  });

  it('counts voters per priority and overall, each person once', () => {
    const f = votingForum();
    f.dot('p1', 'i1', 2); // p1: A and B
    f.dot('p1', 'i2');
    f.dot('p1', 'i5', 2);
    f.dot('p2', 'i3'); // p2: A only
    f.dot('p3', 'i5'); // p3: B only
    // p4 votes and takes it back; p5 never votes.
    f.dot('p4', 'i4');
    f.run(decideRemoveDot(f.state, 'p4', 'i4'));
    expect(votingProgress(f.state)).toEqual({
      voted: 3,
      votedPerPriority: { A: 2, B: 2, C: 0 },
      dotsPerPriority: { A: 4, B: 3, C: 0 },
    });
  });

  it('drops a voter whose only dots were on an idea that got hidden', () => {
    const f = votingForum();
    f.dot('p1', 'i1', 2);
    f.dot('p2', 'i2');
    f.run(decideHideIdea(f.state, 'i1', 'Дублікат', 1));
    expect(votingProgress(f.state)).toEqual({
      voted: 1,
      votedPerPriority: { A: 1, B: 0, C: 0 },
      dotsPerPriority: { A: 1, B: 0, C: 0 },
    });
  });
});

describe('ideaCounts', () => {
  it('counts only active ideas, with every priority present', () => {
    const f = new TestForum();
    f.joinAll('p1', 'p2');
    expect(ideaCounts(f.state)).toEqual({ A: 0, B: 0, C: 0 });
    f.to('ideas');
    f.submit('p1', 'A');
    f.submit('p1', 'A');
    f.submit('p2', 'A');
    f.submit('p2', 'B');
    expect(ideaCounts(f.state)).toEqual({ A: 3, B: 1, C: 0 });
    f.run(decideWithdrawIdea(f.state, 'p1', 'i1'));
    f.run(decideHideIdea(f.state, 'i4', 'Причина', 1));
    expect(ideaCounts(f.state)).toEqual({ A: 2, B: 0, C: 0 });
    f.run(decideRestoreIdea(f.state, 'i4', 2));
    expect(ideaCounts(f.state)).toEqual({ A: 2, B: 1, C: 0 });
  });
});

describe('topWithTies', () => {
  /** A ranking from dots alone: ids i1, i2, … in the order given, which must be best first. */
  const ranking = (...dots: number[]) => rankIdeas(dots.map((d, i) => ({ ideaId: `i${i + 1}`, dots: d, supporters: 1, seq: i })));
  const ids = (cut: { shown: { ideaId: string }[] }) => cut.shown.map((r) => r.ideaId);

  it('cuts at the top when no tie crosses the cut', () => {
    const cut = topWithTies(ranking(9, 8, 7, 6, 5), 3);
    expect(ids(cut)).toEqual(['i1', 'i2', 'i3']);
    expect(cut.left).toBeNull();
  });

  it('keeps a tie at the cut whole: top 3 of 9, 8, 7, 7, 7, 1 shows five', () => {
    const cut = topWithTies(ranking(9, 8, 7, 7, 7, 1), 3);
    expect(ids(cut)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5']);
    expect(cut.shown.map((r) => r.rank)).toEqual([1, 2, 3, 3, 3]);
    expect(cut.left).toBeNull();
  });

  it('keeps the whole tie while it fits, and counts the rest of it in one line when it does not', () => {
    const dots = [9, 8, 7, 6, 5, 4, 3, 2, 1, 1, 1, 1, 0];
    expect(ids(topWithTies(ranking(...dots), 9, 12))).toHaveLength(12);
    const cut = topWithTies(ranking(...dots), 9, 11);
    // Nine up to the cut, then "+3 at rank 9": ten lines, within the eleven there is room for.
    expect(ids(cut)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7', 'i8', 'i9']);
    expect(cut.left).toEqual({ count: 3, from: 9, to: 9 });
  });

  it('all tied: shows them all when they fit, else as many as leave a line for the rest', () => {
    expect(ids(topWithTies(ranking(2, 2, 2, 2, 2), 1, 10))).toHaveLength(5);
    const cut = topWithTies(ranking(2, 2, 2, 2, 2, 2, 2, 2), 3, 5);
    expect(ids(cut)).toEqual(['i1', 'i2', 'i3']);
    expect(cut.left).toEqual({ count: 5, from: 1, to: 1 });
  });

  it('rows that are the first of a longer ranking: the tie going on past them is counted', () => {
    // 9, 8, 7, 7 sent of 9, 8, 7, 7, 7, 7 (tiedAfter 2): top 3 in room for 10 is still the whole tie.
    const cut = topWithTies(ranking(9, 8, 7, 7), 3, 10, 2);
    expect(ids(cut)).toEqual(['i1', 'i2', 'i3']);
    expect(cut.left).toEqual({ count: 3, from: 3, to: 3 });
    // A tie that ends before the last row sent: nothing more to count.
    expect(topWithTies(ranking(9, 8, 7, 7), 1, 10, 2)).toEqual({ shown: ranking(9), left: null });
  });

  it('fewer rows than the top: all of them, nothing hidden', () => {
    expect(topWithTies(ranking(3, 1, 1), 10)).toEqual({ shown: ranking(3, 1, 1), left: null });
    expect(topWithTies([], 10)).toEqual({ shown: [], left: null });
    expect(topWithTies(ranking(3, 1), 0)).toEqual({ shown: [], left: null });
  });

  it('room for fewer lines than a tie: the line for the rest is always within the room', () => {
    // Top 10, a tie of six at rank 5, room for 7 lines: six shown and "+4 at rank 5".
    const cut = topWithTies(ranking(9, 8, 7, 6, 5, 5, 5, 5, 5, 5, 1), 10, 7);
    expect(cut.shown.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 5]);
    expect(cut.left).toEqual({ count: 4, from: 5, to: 5 });
    // Room for a single line: only the count of the tie.
    expect(topWithTies(ranking(4, 4, 4), 1, 1)).toEqual({ shown: [], left: { count: 3, from: 1, to: 1 } });
  });

  it('room smaller than the top with no tie at the new cut: as many as fit and the rest counted with their ranks', () => {
    // Top 8 in room for 5 lines: four shown and "+4 at ranks 5–8", never a silent cut at rank 5.
    const cut = topWithTies(ranking(9, 8, 7, 6, 5, 4, 3, 2), 8, 5);
    expect(ids(cut)).toEqual(['i1', 'i2', 'i3', 'i4']);
    expect(cut.left).toEqual({ count: 4, from: 5, to: 8 });
    expect(leftLine(cut.left!, cut.shown.at(-1)?.rank)).toBe('ranks');
    // Top 10 with a tie at the cut, room for 8: seven shown, the rest from rank 8 to the tie at 9 that the cut keeps whole.
    const tied = topWithTies(ranking(9, 8, 7, 6, 5, 4, 3, 2, 1, 1, 1, 0), 10, 8);
    expect(tied.shown.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(tied.left).toEqual({ count: 4, from: 8, to: 9 });
    // A whole tie left out is said as its rank; the rest of a tie partly shown, as the tie.
    const one = topWithTies(ranking(9, 8, 7, 7), 3, 3);
    expect(one.left).toEqual({ count: 2, from: 3, to: 3 });
    expect(leftLine(one.left!, one.shown.at(-1)?.rank)).toBe('rank');
    const rest = topWithTies(ranking(9, 8, 8, 8), 3, 3);
    expect(rest.left).toEqual({ count: 2, from: 2, to: 2 });
    expect(leftLine(rest.left!, rest.shown.at(-1)?.rank)).toBe('tie');
  });
});
