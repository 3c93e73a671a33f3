// The forum's likely duplicates, kept up to date as ideas arrive, change or leave the wall: each
// changed idea is compared once with its own priority's ideas (shared/forum/similarity.ts), so the
// console's groups cost nothing to ask for, however often the console is sent.

import { DuplicateIndex } from '../../shared/forum/similarity.js';
import type { DuplicateGroup } from '../../shared/protocol.js';
import type { ForumRoom } from './room.js';

export class Duplicates {
  private readonly index = new DuplicateIndex();
  private cache: DuplicateGroup[] | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly room: ForumRoom) {
    for (const idea of room.state.ideas.values()) this.sync(idea.id);
    this.unsubscribe = room.onChange((effects) => {
      for (const id of effects.ideas) this.sync(id);
      if (effects.ideas.size > 0) this.cache = null;
    });
  }

  /** Only ideas on the wall are suggested; a hidden, withdrawn or merged one leaves the index. */
  private sync(id: string): void {
    const idea = this.room.state.ideas.get(id);
    if (!idea || idea.status !== 'active') {
      if (this.index.has(id)) this.index.remove(id);
      return;
    }
    if (this.index.has(id)) this.index.update(idea);
    else this.index.add(idea);
  }

  groups(): DuplicateGroup[] {
    this.cache ??= this.room.state.structure.priorities.flatMap((p) =>
      this.index.groups(p.code).map((g) => ({ priorityCode: p.code, ideaIds: g.ideaIds, score: g.score })),
    );
    return this.cache;
  }

  close(): void {
    this.unsubscribe();
  }
}
