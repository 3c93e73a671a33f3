// The phone's state, fed only by the server's pushes and acks.

import { create } from 'zustand';
import type { ForumInfo, MeView, PriorityResult, PublicIdea, WallHeld } from '../../shared/protocol.js';

export interface PhoneState {
  forum: ForumInfo | null;
  results: PriorityResult[];
  ideas: PublicIdea[];
  /** Which of the server's walls `ideas` is, at which version (wall.ts); null before the first. */
  wall: WallHeld | null;
  /** undefined until the server has said; null when this device has not joined. */
  me: MeView | null | undefined;
}

export const usePhone = create<PhoneState>(() => ({ forum: null, results: [], ideas: [], wall: null, me: undefined }));
