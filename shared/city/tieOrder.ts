// The order, fixed before the vote opens, that settles a tie no vote count or cost can settle:
// either the order the projects are listed in the vote's definition, or an order drawn from a
// lottery seed published before the vote opens. The draw is small enough to redo by hand or in any
// language:
//
//   1. h = FNV-1a (32 bits) over the seed's UTF-8 bytes: h = 2166136261; for each byte,
//      h = (h XOR byte) × 16777619 mod 2^32.
//   2. A mulberry32 generator seeded with h gives numbers in [0, 1): each draw adds 0x6D2B79F5 to
//      the state (mod 2^32), t = state; t = imul(t XOR t>>>15, t|1); t ^= t + imul(t XOR t>>>7,
//      t|61); the draw is ((t XOR t>>>14) >>> 0) / 2^32.
//   3. Fisher–Yates over all the vote's projects in their listed order: for i from the last index
//      down to 1, j = floor(draw × (i + 1)), swap positions i and j.
//
// The result's first project wins every tie it is in. All the vote's projects are drawn together,
// so one budget's order does not depend on which projects another budget has.

import type { CityProject, TieRule } from './vote.js';

export function fnv1a32(text: string): number {
  let h = 2166136261;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h >>> 0;
}

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The project ids in tie order: the first wins every tie it is in. */
export function tieOrder(projects: readonly Pick<CityProject, 'id'>[], tie: TieRule): string[] {
  const ids = projects.map((p) => p.id);
  if (tie.kind === 'cheaperThenListed') return ids;
  const draw = mulberry32(fnv1a32(tie.seed));
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(draw() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return ids;
}

/** Each project's place in the tie order, for comparators. */
export function tiePlaces(projects: readonly Pick<CityProject, 'id'>[], tie: TieRule): Map<string, number> {
  return new Map(tieOrder(projects, tie).map((id, i) => [id, i]));
}
