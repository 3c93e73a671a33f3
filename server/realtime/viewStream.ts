// One audience's view as last sent (the facilitator's consoles, one host's, the projectors), and
// its version: each update is sent as the patch from the last one (shared/viewPatch.ts), and a
// connection that arrives, or lost a patch, is sent the whole view at the current version.

import { diffView, splitPatch, type ViewPatch } from '../../shared/viewPatch.js';

export class ViewStream<V extends object> {
  private last: V | null = null;
  private version = 0;

  /** Takes the view as it is now; returns the patch for those holding the last one, or null. */
  update(view: V): ViewPatch | null {
    if (this.last === null) {
      this.last = view;
      this.version = 1;
      return null;
    }
    const patch = diffView(this.last, view, this.version);
    this.last = view;
    if (patch) this.version = patch.v;
    return patch;
  }

  /** As update, a patch of more than `rows` records of a list cut into several (splitPatch), a version each. */
  updateInParts(view: V, rows: number): ViewPatch[] {
    const patch = this.update(view);
    if (!patch) return [];
    const parts = splitPatch(patch, rows);
    this.version = parts.at(-1)!.v;
    return parts;
  }

  /** The whole view as last taken, with its version. */
  current(): { view: V; v: number } | null {
    return this.last === null ? null : { view: this.last, v: this.version };
  }
}
