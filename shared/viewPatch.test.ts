// Patches applied in order give the view they were made from: fields replaced, records of keyed
// lists added, changed, removed and reordered, and nothing sent when nothing changed.

import { describe, expect, it } from 'vitest';
import { applyPatch, diffView, splitPatch } from './viewPatch.js';

type Row = { id: string; n: number; name: string };
type View = { phase: string; count: number; rows: Row[]; tags: string[]; nested: { a: number } };

const row = (id: string, n = 0, name = `Рядок ${id}`): Row => ({ id, n, name });
const base: View = { phase: 'voting', count: 3, rows: [row('a'), row('b'), row('c')], tags: ['x'], nested: { a: 1 } };

describe('view patches', () => {
  it('sends nothing when nothing changed', () => {
    expect(diffView(base, structuredClone(base), 4)).toBeNull();
  });

  it('sends one changed record, not the list, and the changed fields only', () => {
    const next = structuredClone(base);
    next.rows[1].n = 5;
    next.count = 4;
    const patch = diffView(base, next, 7)!;
    expect(patch).toEqual({ v: 8, base: 7, set: { count: 4 }, lists: { rows: { upserts: [row('b', 5)], removed: [] } } });
    expect(applyPatch(base, patch)).toEqual(next);
    // The view patched is a new object; the old one is untouched.
    expect(base.rows[1].n).toBe(0);
  });

  it('tells apart values equal only at a glance: a field added (even undefined) or gone, an array and an object, null', () => {
    const differ = (a: unknown, b: unknown) => diffView({ f: a }, { f: b }, 0)?.set.f;
    expect(differ({ x: 1 }, { x: 1, y: undefined })).toEqual({ x: 1, y: undefined });
    expect(differ({ x: 1, y: 2 }, { x: 1 })).toEqual({ x: 1 });
    expect(differ({ x: 1, y: 2 }, { x: 1, z: 2 })).toEqual({ x: 1, z: 2 });
    expect(differ([1, 2], { 0: 1, 1: 2 })).toEqual({ 0: 1, 1: 2 });
    expect(differ({ x: null }, { x: {} })).toEqual({ x: {} });
    expect(differ([[1], { a: [2] }], [[1], { a: [3] }])).toEqual([[1], { a: [3] }]);
    expect(diffView({ f: { x: [1, { y: 'й' }] } }, { f: { x: [1, { y: 'й' }] } }, 0)).toBeNull();
  });

  it('adds, removes and reorders records, and replaces lists without ids whole', () => {
    const next: View = { ...structuredClone(base), rows: [row('c'), row('a', 1), row('d')], tags: ['x', 'y'] };
    const patch = diffView(base, next, 1)!;
    expect(patch.lists.rows.removed).toEqual(['b']);
    expect(patch.lists.rows.order).toEqual(['c', 'a', 'd']);
    expect(patch.set).toEqual({ tags: ['x', 'y'] });
    expect(applyPatch(base, patch)).toEqual(next);
    // New records at the end need no order.
    const appended = { ...structuredClone(base), rows: [...base.rows, row('e')] };
    const p2 = diffView(base, appended, 1)!;
    expect(p2.lists.rows.order).toBeUndefined();
    expect(applyPatch(base, p2)).toEqual(appended);
  });

  it('a long random sequence of changes, patched step by step, ends equal to the last view', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let sent: View = structuredClone(base);
    let held: View = structuredClone(base);
    let version = 1;
    let nextId = 100;
    for (let step = 0; step < 500; step++) {
      const view = structuredClone(sent);
      const r = random();
      if (r < 0.3 && view.rows.length) view.rows[Math.floor(random() * view.rows.length)].n++;
      else if (r < 0.45) view.rows.push(row(String(nextId++)));
      else if (r < 0.55 && view.rows.length) view.rows.splice(Math.floor(random() * view.rows.length), 1);
      else if (r < 0.65) view.rows.sort((a, b) => (random() < 0.5 ? a.n - b.n : b.id.localeCompare(a.id)));
      else if (r < 0.8) view.count++;
      else if (r < 0.9) view.nested = { a: view.nested.a + 1 };
      else view.phase = view.phase === 'voting' ? 'results' : 'voting';
      const patch = diffView(sent, view, version);
      if (patch) {
        expect(patch.base).toBe(version);
        held = applyPatch(held, JSON.parse(JSON.stringify(patch)));
        version = patch.v;
      }
      sent = view;
      expect(held).toEqual(view);
    }
  });

  it('a patch cut into parts of a few records makes, applied in order, the same view, a version each', () => {
    const prev: View = { ...base, rows: 'abcdefghij'.split('').map((id) => row(id)) };
    const next: View = { ...prev, count: 9, rows: [...'jihgfedc'.split('').map((id, i) => row(id, i % 3)), row('k', 1), row('l', 2), row('m', 3)] };
    for (const reordered of [true, false]) {
      const to = reordered ? next : { ...next, rows: [...prev.rows.slice(2).map((r, i) => row(r.id, i % 3)), row('k', 1), row('l', 2), row('m', 3)] };
      const patch = diffView(prev, to, 20)!;
      expect(Boolean(patch.lists.rows.order)).toBe(reordered);
      const parts = splitPatch(patch, 2);
      expect(parts.length).toBeGreaterThan(3);
      expect(parts.every((p) => Object.values(p.lists).every((l) => l.upserts.length <= 2))).toBe(true);
      expect(parts.map((p) => [p.base, p.v])).toEqual(parts.map((_, i) => [20 + i, 21 + i]));
      expect(parts.reduce((v, p) => applyPatch(v, p), prev)).toEqual(to);
    }
    // A patch of few records stays whole.
    const small = diffView(prev, { ...prev, count: 1 }, 3)!;
    expect(splitPatch(small, 2)).toEqual([small]);
  });
});
