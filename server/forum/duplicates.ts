// The forum's likely duplicates, kept up to date as ideas arrive, change or leave the wall: each
// changed idea is compared once with its own priority's ideas (shared/forum/similarity.ts), and a
// priority's groups are worked out again only when one of its ideas changed. On a small forum
// that is done at once, whenever the console asks. On a forum of thousands, grouping one
// priority's ideas takes tens of milliseconds: what does not fit in a short budget is done after,
// one priority at a time and at most a tenth of the time, and the console is sent again when it
// is; meanwhile it shows the groups as last worked out, without ideas that left the wall.

import { DuplicateIndex } from '../../shared/forum/similarity.js';
import type { DuplicateGroup } from '../../shared/protocol.js';
import type { ForumRoom } from './room.js';

/** What grouping may take while the console waits for its view. */
const BUDGET_MS = 20;
/** Grouping done after waits at least this many times what the last one took. */
const COST_SHARE = 10;

export class Duplicates {
  private readonly index = new DuplicateIndex();
  /** Each priority's groups as last worked out. */
  private readonly byPriority = new Map<string, DuplicateGroup[]>();
  /** Priorities with an idea changed since. */
  private readonly stale = new Set<string>();
  private cache: DuplicateGroup[] | null = null;
  private later: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly room: ForumRoom) {
    for (const idea of room.state.ideas.values()) this.sync(idea.id);
    this.unsubscribe = room.onChange((effects) => {
      for (const id of effects.ideas) this.sync(id);
    });
  }

  /** Only ideas on the wall are suggested; a hidden, withdrawn or merged one leaves the index. */
  private sync(id: string): void {
    const was = this.index.priorityOf(id);
    if (was !== undefined) this.touch(was);
    const idea = this.room.state.ideas.get(id);
    if (!idea || idea.status !== 'active') {
      if (this.index.has(id)) this.index.remove(id);
      return;
    }
    this.touch(idea.priorityCode);
    if (this.index.has(id)) this.index.update(idea);
    else this.index.add(idea);
  }

  private touch(priorityCode: string): void {
    this.stale.add(priorityCode);
    this.cache = null;
  }

  private work(priorityCode: string): void {
    this.stale.delete(priorityCode);
    this.byPriority.set(
      priorityCode,
      this.index.groups(priorityCode).map((g) => ({ id: `${priorityCode}:${g.ideaIds[0]}`, priorityCode, ideaIds: g.ideaIds, score: g.score })),
    );
    this.cache = null;
  }

  groups(): DuplicateGroup[] {
    const start = performance.now();
    for (const code of [...this.stale]) {
      if (performance.now() - start > BUDGET_MS) break;
      this.work(code);
    }
    if (this.stale.size > 0) this.workLater(performance.now() - start);
    this.cache ??= this.room.state.structure.priorities.flatMap((p) => {
      const groups = this.byPriority.get(p.code) ?? [];
      if (!this.stale.has(p.code)) return groups;
      // Worked out before its last changes: without the ideas that have left the wall since.
      return groups.flatMap((g) => {
        const ideaIds = g.ideaIds.filter((id) => this.index.priorityOf(id) === p.code);
        return ideaIds.length >= 2 ? [{ ...g, id: `${p.code}:${ideaIds[0]}`, ideaIds }] : [];
      });
    });
    return this.cache;
  }

  private workLater(lastCostMs: number): void {
    if (this.later) return;
    this.later = setTimeout(() => {
      this.later = null;
      const code = this.stale.values().next().value;
      if (code === undefined) return;
      const start = performance.now();
      this.work(code);
      const cost = performance.now() - start;
      // The console is sent again (with the groups asked for anew, within the budget).
      this.room.changed();
      if (this.stale.size > 0) this.workLater(cost);
    }, lastCostMs * COST_SHARE);
  }

  close(): void {
    this.unsubscribe();
    if (this.later) clearTimeout(this.later);
  }
}
