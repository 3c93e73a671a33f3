// What a list of forums shows of each (title, date, phase, counts, and rankings once it has its
// results), and keeping it in the store: the process that serves a forum writes its summary as it
// changes, so that every list (the console's, the phones' chooser, /results) is read from the
// store, whichever process serves each forum, and lists a forum no process has opened since.

import { countDots, tallyPriority } from '../../shared/forum/tally.js';
import { PHASES, type ForumState } from '../../shared/forum/types.js';
import type { ForumSummary } from '../../shared/protocol.js';
import type { ForumRecord, ForumStore } from '../db/store.js';
import type { ForumRoom } from '../forum/room.js';

/** A forum as the lists show it; `publicResults` picks the forums /results lists. */
export interface ForumListing extends ForumSummary {
  publicResults: boolean;
}

/**
 * Counts may be this late in the store; a change of what the forum is (phase, title, archive) is
 * written at once. On a store shared by several processes (PostgreSQL), whose lists show what the
 * others write, SUMMARY_SHARED_EVERY_MS: a write costs 0.14 ms (BENCH_ONLY=summaries), twice a second.
 */
export const SUMMARY_EVERY_MS = 5_000;
export const SUMMARY_SHARED_EVERY_MS = 500;

/** `ranked: false`: without the rankings (a tally of every ballot), for a list that shows none. */
export function summaryOf(record: ForumRecord, s: ForumState, { ranked: withRanks = true }: { ranked?: boolean } = {}): ForumListing {
  let ideas = 0;
  for (const idea of s.ideas.values()) if (idea.status === 'active') ideas++;
  const ranked = !withRanks || !['results', 'closed'].includes(s.phase)
    ? []
    : (() => {
        const counts = countDots(s);
        return s.structure.priorities.map((p) => ({
          priorityCode: p.code,
          priorityTitle: p.title,
          ideas: tallyPriority(s, p.code, counts).map((r) => ({
            id: r.ideaId,
            title: s.ideas.get(r.ideaId)?.title ?? '',
            dots: r.dots,
            rank: r.rank,
            goalCode: s.ideas.get(r.ideaId)?.goalCode ?? null,
          })),
        }));
      })();
  return {
    id: s.id,
    slug: record.slug,
    title: s.title,
    createdAt: s.createdAt,
    phase: s.phase,
    participants: s.participants.size - s.voidedCount,
    ideas,
    archived: s.archived,
    voteOnly: s.voteOnly,
    basedOn: s.basedOn,
    // Rankings only once a forum has its results: what a shortlist or the next forum is made from.
    ranked,
    publicResults: s.publicResults,
  };
}

/**
 * A stored summary read back for the forum `record` names (its address and date are the record's),
 * or null when the body is not one (written by another version, damaged): the forum is then
 * summarised again from its log.
 */
export function listingFrom(record: ForumRecord, body: string): ForumListing | null {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return null;
  }
  const v = value as Partial<ForumListing> | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    v.id !== record.id ||
    typeof v.title !== 'string' ||
    !PHASES.includes(v.phase as (typeof PHASES)[number]) ||
    typeof v.participants !== 'number' ||
    typeof v.ideas !== 'number' ||
    typeof v.archived !== 'boolean' ||
    typeof v.voteOnly !== 'boolean' ||
    typeof v.publicResults !== 'boolean' ||
    !Array.isArray(v.ranked)
  ) {
    return null;
  }
  return { ...(v as ForumListing), basedOn: v.basedOn ?? null, slug: record.slug, createdAt: record.createdAt };
}

/** What the forum is, as against how many are in it: a change of it is written at once. */
const identityOf = (s: ForumState): string => JSON.stringify([s.phase, s.title, s.archived, s.publicResults, s.voteOnly]);

/**
 * Writes an open forum's summary to the store when it changes: at once when its phase, title or
 * archive changes, otherwise at most every SUMMARY_EVERY_MS, so that a hall spending its dots
 * costs the disk one small write per interval, not one per dot. A failed write is tried again an
 * interval later; nothing else waits for it.
 */
export class SummaryKeeper {
  private written: string | null = null;
  private identity: string | null = null;
  private lastWrite = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly store: ForumStore,
    private readonly room: ForumRoom,
    private readonly onFailed: (err: unknown) => void = () => {},
    private readonly everyMs = SUMMARY_EVERY_MS,
  ) {}

  /** The forum changed (its batch is stored): its summary is written at once or at the interval. */
  changed(): void {
    if (this.stopped) return;
    const now = Date.now();
    const at = identityOf(this.room.shown.state) !== this.identity ? now : Math.max(now, this.lastWrite + this.everyMs);
    if (this.timer) {
      if (at !== now) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.write();
    }, at - now);
    this.timer.unref();
  }

  /** Writes what has changed since the last write, now (a forum closing, or just opened). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.write();
  }

  /** Stops writing, after a last write of what changed (the forum closes here). */
  async stop(): Promise<void> {
    await this.flush();
    this.stopped = true;
  }

  /** One write at a time: one asked for meanwhile is written after it, from the state then. */
  private write(): Promise<void> {
    this.chain = this.chain.then(() => this.writeNow());
    return this.chain;
  }

  private async writeNow(): Promise<void> {
    if (this.stopped) return;
    const state = this.room.shown.state;
    const body = JSON.stringify(summaryOf(this.room.record, state));
    if (body === this.written) return;
    this.lastWrite = Date.now();
    try {
      await this.store.saveSummary(this.room.record.id, this.room.storedSeq, body);
      this.written = body;
      this.identity = identityOf(state);
    } catch (err) {
      this.onFailed(err);
      // Tried again an interval later, not at once: the disk may be failing for a while.
      if (!this.stopped && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.write();
        }, this.everyMs);
        this.timer.unref();
      }
    }
  }
}
