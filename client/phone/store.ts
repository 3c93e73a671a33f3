// The phone's state, fed only by the server's pushes and acks.

import { create } from 'zustand';
import type { ForumInfo, MeView, PriorityResult, PublicIdea } from '../../shared/protocol.js';

export interface PhoneState {
  forum: ForumInfo | null;
  results: PriorityResult[];
  ideas: PublicIdea[];
  /** undefined until the server has said; null when this device has not joined. */
  me: MeView | null | undefined;
}

export const usePhone = create<PhoneState>(() => ({ forum: null, results: [], ideas: [], me: undefined }));

export function applyIdeasPatch(patch: { upserts: PublicIdea[]; removed: string[] }): void {
  usePhone.setState((s) => {
    const byId = new Map(s.ideas.map((i) => [i.id, i]));
    for (const id of patch.removed) byId.delete(id);
    for (const idea of patch.upserts) byId.set(idea.id, idea);
    return { ideas: [...byId.values()] };
  });
}
