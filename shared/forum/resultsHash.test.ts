// Unit tests for the canonical results document (resultsHash.ts): the same results give the same
// text however the evening got there, Unicode forms do not matter, every dot does, and nothing
// personal goes in.

import { describe, expect, it } from 'vitest';
import { decideVoid } from './admission.js';
import { decidePaperBallots, decidePaperDots } from './facilitation.js';
import { decideReveal } from './rules.js';
import { canonicalJson, canonicalResults, resultsDocument, resultsFinal } from './resultsHash.js';
import { TestForum } from './testing.js';
import { FACILITATOR } from './types.js';

/**
 * Three participants, ideas in A and B, dots placed in the order `order` gives. Titles can be
 * passed in another Unicode form.
 */
function evening(order: 'forward' | 'backward', title = 'Сквер «Йорданський»'): TestForum {
  const f = new TestForum();
  f.join('p1', 'Оля');
  f.join('p2', 'Петро');
  f.join('p3');
  f.to('ideas');
  const i1 = f.submit('p1', 'A', title);
  const i2 = f.submit('p2', 'A', 'Ліхтарі');
  const i3 = f.submit('p3', 'B', 'Дерева');
  f.to('voting');
  const dots: [string, string][] = [
    ['p1', i1],
    ['p1', i2],
    ['p2', i1],
    ['p2', i1],
    ['p3', i3],
    ['p3', i2],
  ];
  for (const [who, ideaId] of order === 'forward' ? dots : [...dots].reverse()) f.dot(who, ideaId);
  return f;
}

describe('canonicalResults', () => {
  it('is the same when the dots were placed in another order', () => {
    expect(canonicalResults(evening('backward').state)).toBe(canonicalResults(evening('forward').state));
  });

  it('is the same for a title typed precomposed (NFC) or with combining marks (NFD)', () => {
    const nfc = 'Сквер «Йорданський»'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const text = canonicalResults(evening('forward', nfd).state);
    expect(text).toBe(canonicalResults(evening('forward', nfc).state));
    expect(text).toContain(nfc);
    expect(text).not.toContain(nfd);
  });

  it('changes with any one dot placed, taken off or counted on paper', () => {
    const base = canonicalResults(evening('forward').state);
    const more = evening('forward');
    more.dot('p3', 'i2');
    expect(canonicalResults(more.state)).not.toBe(base);
    const less = evening('forward');
    less.undot('p1', 'i2');
    expect(canonicalResults(less.state)).not.toBe(base);
    // One dot moved to another idea: the same totals per priority, still a different text.
    const moved = evening('forward');
    moved.undot('p1', 'i2');
    moved.dot('p1', 'i1');
    expect(canonicalResults(moved.state)).not.toBe(base);
    const paper = evening('forward').to('results');
    const before = canonicalResults(paper.state);
    paper.run(decidePaperBallots(paper.state, 1, paper.now()));
    paper.run(decidePaperDots(paper.state, 'i2', 1, paper.now(), FACILITATOR));
    expect(canonicalResults(paper.state)).not.toBe(before);
  });

  it('has the documented shape: sorted keys, no whitespace, ideas in ranking order', () => {
    const text = canonicalResults(evening('forward').state);
    expect(text).not.toMatch(/\s(?=["{[])|[:,]\s/);
    expect(text.startsWith('{"format":"viche-results/1","forum":{"id":"forum-1","title":')).toBe(true);
    expect(text).toContain(
      '"ideas":[{"id":"i1","paperDots":0,"phoneDots":3,"rank":1,"supporters":2,"title":"Сквер «Йорданський»","total":3},' +
        '{"id":"i2","paperDots":0,"phoneDots":2,"rank":2,"supporters":2,"title":"Ліхтарі","total":2}]',
    );
    expect(text).toContain('"rules":{"dotsPerPriority":3,"ideasPerParticipant":5,"maxDotsPerIdea":2}');
    expect(text.endsWith('"turnout":{"participants":3,"voted":3}}')).toBe(true);
    expect(JSON.parse(text)).toEqual(resultsDocument(evening('forward').state));
  });

  it('leaves out hidden ideas, names and device tokens', () => {
    const f = evening('forward');
    f.hide('i3');
    const text = canonicalResults(f.state);
    expect(text).not.toContain('"i3"');
    for (const secret of ['Оля', 'Петро', 'hash-of-', 'p1', 'p2', 'p3']) expect(text).not.toContain(secret);
  });
});

describe('canonicalJson', () => {
  it('sorts keys by code unit and refuses values it could not write reproducibly', () => {
    expect(canonicalJson({ b: 1, a: ['x'], B: 'é' })).toBe('{"B":"é","a":["x"],"b":1}');
    expect(() => canonicalJson({ a: 1.5 })).toThrow(TypeError);
    expect(() => canonicalJson({ a: null })).toThrow(TypeError);
  });
});

describe('the turnout the results count', () => {
  it('is the ballots held when voting closed: a phone joining later changes neither it nor the text', () => {
    const f = evening('forward');
    f.to('results');
    const before = canonicalResults(f.state);
    f.join('late1');
    f.join('late2');
    expect(f.state.participants.size).toBe(5);
    expect(resultsDocument(f.state).turnout).toEqual({ participants: 3, voted: 3 });
    expect(canonicalResults(f.state)).toBe(before);
  });

  it('leaves out a voided ballot whether it was held before voting closed or joined after', () => {
    const f = evening('forward');
    f.to('results');
    f.join('late');
    f.run(decideVoid(f.state, 'late', 'Другий телефон', f.now()));
    f.run(decideVoid(f.state, 'p3', 'Другий телефон', f.now()));
    expect(resultsDocument(f.state).turnout).toEqual({ participants: 2, voted: 2 });
  });
});

describe('resultsFinal', () => {
  it('only once every priority is revealed, in results or after', () => {
    const f = evening('forward');
    expect(resultsFinal(f.state)).toBe(false);
    f.to('results');
    f.run(decideReveal(f.state, 'A'));
    expect(resultsFinal(f.state)).toBe(false);
    for (const p of f.state.structure.priorities.slice(1)) f.run(decideReveal(f.state, p.code));
    expect(resultsFinal(f.state)).toBe(true);
    f.to('closed');
    expect(resultsFinal(f.state)).toBe(true);
  });
});
