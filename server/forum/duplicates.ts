// The forum's likely duplicates, kept up to date as ideas arrive, change or leave the wall: each
// changed idea is compared once with its own priority's ideas (shared/forum/similarity.ts), and a
// priority's groups are worked out again only when one of its ideas changed. On a small forum
// that is done at once, whenever the console asks. On a forum of thousands, comparing an idea
// takes milliseconds and grouping a priority hundreds: what does not fit in a short budget is done
// after, in slices of a few milliseconds (grouping a step at a time), at most a quarter of the
// time, so that no action of the hall waits long behind it; the console is sent again as each
// priority's groups are done, and meanwhile shows them as last worked out, without ideas that left
// the wall. Words are read through the Hunspell dictionary for Ukrainian where it is installed (lemmas.ts).
// Beside the duplicates (merge candidates), the same project at places apart is kept as
// a theme (never merged), and each idea's three nearest ideas, all worked out with the groups.

import { DuplicateIndex, type DuplicateGroup as SimilarGroup, type GroupKind, type LemmaOf } from '../../shared/forum/similarity.js';
import type { DuplicateGroup, NearestIdeas } from '../../shared/protocol.js';
import type { ForumRoom } from './room.js';

/** How many nearest ideas are shown beside each idea under review. */
const NEAREST = 3;
/**
 * What indexing and grouping may take while the console waits for its view, once a turn of the
 * event loop (the view asks for groups, themes and nearest ideas in turn): at 20 ms a call, a
 * console that connected to a forum just imported waited 40 ms of the 130 its first view held the
 * loop (scripts/stalls.ts, profiled). What is not done by then comes in the slices after, and the
 * console is sent again when a priority's groups are new.
 */
const BUDGET_MS = 5;
/** Work done after comes in slices this long, none of which holds up the hall's actions for more... */
const SLICE_MS = 10;
/** ...with at least this many times as long between them: at most a quarter of the time goes to it. */
const GAP_SHARE = 3;

export class Duplicates {
  private readonly index: DuplicateIndex;
  /** Each priority's groups as last worked out. */
  private readonly byPriority = new Map<string, DuplicateGroup[]>();
  /** Each priority's themes, and its ideas' nearest, worked out with its groups. */
  private readonly themesByPriority = new Map<string, DuplicateGroup[]>();
  private readonly nearestByPriority = new Map<string, NearestIdeas[]>();
  /** Priorities with an idea changed since. */
  private readonly stale = new Set<string>();
  /** Ideas new or edited, not yet compared with their priority's (a few milliseconds each at thousands). */
  private readonly toIndex = new Set<string>();
  /** A priority's grouping under way, a step at a time; `outdated` when an idea of it changed meanwhile. */
  private running: {
    priorityCode: string;
    kind: GroupKind;
    steps: Generator<void, SimilarGroup[], void>;
    outdated: boolean;
  } | null = null;
  /** Groupings finished, to tell when the console should be sent again. */
  private finished = 0;
  private cache: { groups: DuplicateGroup[]; themes: DuplicateGroup[]; nearest: NearestIdeas[] } | null = null;
  private later: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;

  /** `lemmaOf`: words read through the dictionary (lemmas.ts), as `npm run bench:duplicates` measures them. */
  constructor(
    private readonly room: ForumRoom,
    lemmaOf?: LemmaOf,
  ) {
    this.index = new DuplicateIndex(undefined, undefined, lemmaOf);
    for (const idea of room.state.ideas.values()) this.sync(idea.id);
    this.unsubscribe = room.onChange((effects) => {
      for (const id of effects.ideas) this.sync(id);
    });
    // A forum opened with its ideas (read back at start, or imported) is compared in slices from
    // now on, not when the first console asks: on the largest forum that was 60 to 100 ms of work,
    // each slice of it followed by the whole console sent again while the console was connecting.
    if (this.toIndex.size > 0) this.workLater();
  }

  /** Only ideas on the wall are suggested: a hidden, withdrawn or merged one leaves at once; a new or edited one is compared later. */
  private sync(id: string): void {
    const was = this.index.priorityOf(id);
    if (was !== undefined) this.touch(was);
    const idea = this.room.state.ideas.get(id);
    if (!idea || idea.status !== 'active') {
      this.toIndex.delete(id);
      if (this.index.has(id)) this.index.remove(id);
      return;
    }
    this.touch(idea.priorityCode);
    this.toIndex.add(id);
  }

  private touch(priorityCode: string): void {
    this.stale.add(priorityCode);
    this.cache = null;
    // A grouping under way finishes, as the ideas were when it began: it is done again after.
    if (this.running?.priorityCode === priorityCode) this.running.outdated = true;
  }

  /** Compares waiting ideas, then groups stale priorities, until `deadline`. True when nothing is left. */
  private advance(deadline: number): boolean {
    while (performance.now() < deadline) {
      const id = this.toIndex.values().next().value;
      if (id !== undefined) {
        this.toIndex.delete(id);
        const idea = this.room.state.ideas.get(id);
        if (idea?.status === 'active') {
          this.index.add(idea);
          this.touch(idea.priorityCode);
        }
        continue;
      }
      if (!this.running) {
        const priorityCode = this.stale.values().next().value;
        if (priorityCode === undefined) return true;
        this.running = { priorityCode, kind: 'duplicate', steps: this.index.groupsInSteps(priorityCode), outdated: false };
      }
      const step = this.running.steps.next();
      if (!step.done) continue;
      const { priorityCode, outdated, kind } = this.running;
      const found = step.value.map((g) => ({ id: `${priorityCode}:${g.ideaIds[0]}`, priorityCode, ideaIds: g.ideaIds, score: g.score }));
      if (kind === 'duplicate') {
        // The same priority's themes next, from the same scores.
        this.byPriority.set(priorityCode, found);
        this.running = { ...this.running, kind: 'theme', steps: this.index.groupsInSteps(priorityCode, undefined, 'theme') };
        continue;
      }
      this.running = null;
      this.themesByPriority.set(priorityCode, found);
      this.nearestByPriority.set(
        priorityCode,
        // Scores to a hundredth, as the console shows them in percent: a forum of 5,000 ideas sends
        // 15,000 of them.
        this.index.idsOf(priorityCode).map((id) => ({
          id,
          matches: this.index.nearest(id, NEAREST).map((m) => ({ ideaId: m.ideaId, score: Math.round(m.score * 100) / 100 })),
        })),
      );
      this.finished++;
      // Outdated: to be done again, after the other priorities waiting.
      this.stale.delete(priorityCode);
      if (outdated) this.stale.add(priorityCode);
      this.cache = null;
    }
    return this.toIndex.size === 0 && this.stale.size === 0;
  }

  /** Likely duplicates, to merge. */
  groups(): DuplicateGroup[] {
    return this.current().groups;
  }

  /** The same project at places apart, to read together and never merge. */
  themes(): DuplicateGroup[] {
    return this.current().themes;
  }

  /** Each idea's nearest ideas in its priority. */
  nearest(): NearestIdeas[] {
    return this.current().nearest;
  }

  private current(): NonNullable<Duplicates['cache']> {
    if (!this.advancedThisTurn) {
      this.spendTurn();
      if (!this.advance(performance.now() + BUDGET_MS)) this.workLater();
    } else if (this.toIndex.size > 0 || this.stale.size > 0) this.workLater();
    if (this.cache) return this.cache;
    const priorities = this.room.state.structure.priorities;
    const onWall = (code: string) => (id: string) => this.index.priorityOf(id) === code;
    const current = (code: string, groups: DuplicateGroup[]) => {
      if (!this.stale.has(code)) return groups;
      // Worked out before its last changes: without the ideas that have left the wall since.
      return groups.flatMap((g) => {
        const ideaIds = g.ideaIds.filter(onWall(code));
        return ideaIds.length >= 2 ? [{ ...g, id: `${code}:${ideaIds[0]}`, ideaIds }] : [];
      });
    };
    this.cache = {
      groups: priorities.flatMap((p) => current(p.code, this.byPriority.get(p.code) ?? [])),
      themes: priorities.flatMap((p) => current(p.code, this.themesByPriority.get(p.code) ?? [])),
      nearest: priorities.flatMap((p) => {
        const lists = this.nearestByPriority.get(p.code) ?? [];
        if (!this.stale.has(p.code)) return lists;
        const kept = onWall(p.code);
        return lists.filter((n) => kept(n.id)).map((n) => ({ ...n, matches: n.matches.filter((m) => kept(m.ideaId)) }));
      }),
    };
    return this.cache;
  }

  /** Whether this turn of the event loop already gave the work its budget (current, or a slice after). */
  private advancedThisTurn = false;

  /** Until the loop's check phase: a view asked for in the same turn as a slice (timers, then I/O) adds no work to it. */
  private spendTurn(): void {
    this.advancedThisTurn = true;
    setImmediate(() => (this.advancedThisTurn = false));
  }

  private workLater(): void {
    if (this.later) return;
    this.later = setTimeout(() => {
      this.later = null;
      // A console connecting in the same turn (its view built after the timers) took the slice's
      // 10 ms and its own 5 again: 15 ms of the 36 that turn held the loop (scripts/stalls.ts, profiled).
      this.spendTurn();
      const before = this.finished;
      const done = this.advance(performance.now() + SLICE_MS);
      // A priority's groups are new: the console is sent again (asking for the groups anew).
      if (this.finished !== before) this.room.changed(true);
      if (!done) this.workLater();
    }, SLICE_MS * GAP_SHARE);
  }

  close(): void {
    this.unsubscribe();
    if (this.later) clearTimeout(this.later);
  }
}
