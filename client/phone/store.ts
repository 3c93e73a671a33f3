// The phone's state, fed only by the server's pushes and acks.

import { create } from 'zustand';
import type { PhoneForumInfo, MeView, PhoneResult, PublicIdea, WallHeld } from '../../shared/protocol.js';

export interface PhoneState {
  forum: PhoneForumInfo | null;
  results: PhoneResult[];
  ideas: PublicIdea[];
  /** Which of the server's walls `ideas` is, at which version (wall.ts); null before the first. */
  wall: WallHeld | null;
  /** undefined until the server has said; null when this device has not joined. */
  me: MeView | null | undefined;
  /** Its code was right, and it waits for the facilitator's approval (join.ts); or why it was turned away. */
  joining: { waiting: true } | { waiting: false; refused: string } | null;
}

export const usePhone = create<PhoneState>(() => ({ forum: null, results: [], ideas: [], wall: null, me: undefined, joining: null }));

/** Rankings as they come: each replaces the one of its priority, a newly revealed one goes last. */
export function receiveResults(changed: PhoneResult[]): void {
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
