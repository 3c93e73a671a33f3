// The wall of ideas as the phones hold it. It has a version that goes up with each patch sent to
// every phone, and remembers at which version each idea last changed, so that a phone coming back
// after a dropped connection says which version it holds and is sent only what changed since: in
// a hall that lost its Wi-Fi, thousands of phones come back at once, and the wall of thousands of
// ideas is not sent to each of them again. A phone with nothing (a new page) gets the whole wall,
// made once per version and, above a size, gzipped once for every phone that can unpack it.

import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { IdeasAll, IdeasPatch, PublicIdea, WallHeld } from '../../shared/protocol.js';
import type { ForumRoom } from '../forum/room.js';
import { publicIdea, publicIdeas } from '../forum/views.js';
import { wireBytes, type WallEntries } from './wallPace.js';

/** A whole wall of fewer bytes than this is sent as it is: unpacking it would cost a phone more than the bytes. */
export const GZIP_FROM_BYTES = 8 * 1024;

export type WallMessage = { event: 'ideas:all'; data: IdeasAll } | { event: 'ideas:patch'; data: IdeasPatch };

export class IdeaWall {
  /** Versions are this wall's alone: a phone holding one of an earlier server run gets the whole wall. */
  readonly epoch = randomBytes(6).toString('base64url');
  private version = 0;
  private readonly changedAt = new Map<string, number>();
  /** The whole wall at the current version, as sent: built once for every phone that asks. */
  private whole: { plain: IdeasAll; gz: IdeasAll | null } | null = null;
  /** The changes since a version, at the current version: phones coming back together hold the same one. */
  private readonly since = new Map<number, IdeasPatch>();

  /** `activity`: how much of their allowance of idea changes a participant has spent of late. */
  constructor(
    private readonly room: ForumRoom,
    private readonly activity: (participantId: string) => number = () => 0,
  ) {}

  get v(): number {
    return this.version;
  }

  /** The patch for phones holding the current version: these ideas as they are now. Advances the version. */
  patch(ids: Iterable<string>): IdeasPatch | null {
    const state = this.room.shown.state;
    const upserts: PublicIdea[] = [];
    const removed: string[] = [];
    const changed = [...ids];
    if (changed.length === 0) return null;
    this.version++;
    this.whole = null;
    this.since.clear();
    for (const id of changed) {
      this.changedAt.set(id, this.version);
      const idea = state.ideas.get(id);
      if (idea && idea.status === 'active') upserts.push(publicIdea(state, idea));
      else removed.push(id);
    }
    return { v: this.version, upserts, removed };
  }

  /** The waiting ideas as the next patch would carry them, for the pacing (wallPace.ts). */
  readonly entries: WallEntries = {
    authorActivity: (id) => {
      const author = this.room.shown.state.ideas.get(id)?.authorId;
      return author ? this.activity(author) : 0;
    },
    removed: (id) => this.room.shown.state.ideas.get(id)?.status !== 'active',
    // An element of the patch's list and its comma.
    bytes: (id) => {
      const idea = this.room.shown.state.ideas.get(id);
      return Buffer.byteLength(JSON.stringify(idea && idea.status === 'active' ? publicIdea(this.room.shown.state, idea) : id)) + 1;
    },
  };

  /** The bytes on the wire of an empty patch, the next one: the frame every patch pays. */
  patchOverhead(): number {
    return patchBytes({ v: this.version + 1, upserts: [], removed: [] });
  }

  /**
   * What a phone that connects is sent: the changes since the version it holds, or the whole wall
   * (it holds nothing, a version of another wall, or one so old that the changes are most of it).
   * Either is the wall as it is now; a change not yet sent comes in the next patch, as for everyone.
   * Null when the phone holds the current version: nothing to send.
   */
  forPhone(held: WallHeld | undefined, gzip: boolean): WallMessage | null {
    if (held && held.epoch === this.epoch && held.v <= this.version) {
      if (held.v === this.version) return null;
      const patch = this.changesSince(held.v);
      if (patch) return { event: 'ideas:patch', data: patch };
    }
    return { event: 'ideas:all', data: this.wholeWall(gzip) };
  }

  private changesSince(v: number): IdeasPatch | null {
    const cached = this.since.get(v);
    if (cached) return cached;
    const state = this.room.shown.state;
    const upserts: PublicIdea[] = [];
    const removed: string[] = [];
    for (const [id, at] of this.changedAt) {
      if (at <= v) continue;
      const idea = state.ideas.get(id);
      if (idea && idea.status === 'active') upserts.push(publicIdea(state, idea));
      else removed.push(id);
    }
    // Most of the wall changed: the whole of it, once made and packed, is the cheaper message.
    if (upserts.length > 64 && upserts.length * 2 > state.ideas.size) return null;
    const patch = { v: this.version, upserts, removed };
    this.since.set(v, patch);
    return patch;
  }

  private wholeWall(gzip: boolean): IdeasAll {
    if (!this.whole) {
      const ideas = publicIdeas(this.room.shown.state);
      const plain: IdeasAll = { epoch: this.epoch, v: this.version, ideas };
      const json = Buffer.from(JSON.stringify(ideas));
      this.whole = { plain, gz: json.length >= GZIP_FROM_BYTES ? { epoch: this.epoch, v: this.version, gz: gzipSync(json, { level: 6 }) } : null };
    }
    return (gzip && this.whole.gz) || this.whole.plain;
  }
}

/** The bytes a patch takes on the wire, as the phones receive it. */
export const patchBytes = (patch: IdeasPatch): number => wireBytes(JSON.stringify(['ideas:patch', patch]));
