// The phone's state, fed only by the server's pushes and acks.

import { create } from 'zustand';
import type { PhoneForumInfo, MeView, PhoneResult, WallIdea } from '../../shared/protocol.js';

/** The page of the wall this phone asked for (wall.ts), and what it holds of it. */
export interface WallView {
  priorityCode: string;
  query: string;
  pages: number;
  /** As the server sent them; shown in the phase's order (wall.ts ordered). */
  ideas: WallIdea[];
  /** The priority's ideas matching the search, all of them, proposed until the page was asked for. */
  total: number;
  /** Those proposed since, with a search (without one, the priority's count tells). */
  newer: number;
  /** The page held, in short, as the server tagged it: sent back on a new connection, so an unchanged page is not sent again. */
  tag?: string;
  /** Asked for, not yet answered. */
  loading: boolean;
  /** Why the page could not be had. */
  error: string | null;
}

export interface PhoneState {
  forum: PhoneForumInfo | null;
  results: PhoneResult[];
  /** Active ideas per priority code. */
  counts: Record<string, number>;
  wall: WallView | null;
  /** Every idea seen on a page or asked for by id, as last seen: where this phone's dots are. */
  known: Record<string, WallIdea>;
  /** undefined until the server has said; null when this device has not joined. */
  me: MeView | null | undefined;
  /** Its code was right, and it waits for the facilitator's approval (join.ts); or why it was turned away. */
  joining: { waiting: true } | { waiting: false; refused: string } | null;
}

export const usePhone = create<PhoneState>(() => ({ forum: null, results: [], counts: {}, wall: null, known: {}, me: undefined, joining: null }));

/** Rankings as they come: each replaces the one of its priority, a newly revealed one goes last. */
export function applyResults(changed: PhoneResult[]): void {
  usePhone.setState((s) => {
    const results = [...s.results];
    for (const r of changed) {
      const at = results.findIndex((x) => x.priorityCode === r.priorityCode);
      if (at >= 0) results[at] = r;
      else results.push(r);
    }
    return { results };
  });
}
