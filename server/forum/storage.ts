// Whether the forum's storage can save right now. A write that fails because of the disk (full,
// locked by another program, turned read-only, an I/O error) puts the storage in a fault with its
// cause: the facilitator is told loudly, the log says it once per cause per minute, and for a short
// while commands are refused at once instead of each one waiting on the disk again; that while
// doubles with each write that fails again, so a lasting fault costs the hall a try now and then,
// not one every half second. The first write that succeeds clears the fault: recovery needs nobody.

import { StorageUnavailable, type StorageCause } from '../errors.js';

export interface StorageStatus {
  ok: boolean;
  cause?: StorageCause;
  /** When the fault began (epoch ms). */
  since?: number;
  /** Commands refused since the fault began. */
  refused?: number;
}

export interface StorageEvents {
  /** A fault began, or its cause changed, or it has lasted another interval: for the log. */
  failed(cause: StorageCause, detail: string, repeated: number): void;
  recovered(downMs: number, refused: number): void;
  /** The status changed (for the console). */
  changed(): void;
}

/** How long commands are refused without touching the disk after a first failed write... */
export const STORAGE_RETRY_MS = 100;
/** ...doubled after each further one, up to this. */
export const STORAGE_RETRY_MAX_MS = 1_000;
/** A lasting fault is logged again at most this often. */
export const STORAGE_LOG_INTERVAL_MS = 60_000;

export class StorageHealth {
  /**
   * A write of nothing that meets the same disk: while a fault lasts, it is what tries the disk
   * again, not an action. A failed action costs its forum the undoing of its batch; a failed
   * probe costs nothing, so over a long fault the forum does that once, when the fault begins.
   */
  probe: (() => Promise<void>) | null = null;
  /** The probe under way, if any: one at a time. */
  private probing = false;
  private fault: { cause: StorageCause; detail: string; since: number; retryAt: number; wait: number; refused: number; loggedAt: number } | null = null;
  events: StorageEvents | null = null;

  status(): StorageStatus {
    if (!this.fault) return { ok: true };
    return { ok: false, cause: this.fault.cause, since: this.fault.since, refused: this.fault.refused };
  }

  /**
   * Throws at once, without the disk, while a recent write has failed. When it is time to try the
   * disk again, the probe tries it, and commands are refused until it says the disk is back; with
   * no probe, the command itself tries it.
   */
  guard(now = Date.now()): void {
    if (!this.fault) return;
    if (now >= this.fault.retryAt) {
      if (!this.probe) return;
      if (!this.probing) {
        this.probing = true;
        this.probe().then(
          () => {
            this.probing = false;
            this.succeeded();
          },
          (err: unknown) => {
            this.probing = false;
            this.failed(err instanceof StorageUnavailable ? err : new StorageUnavailable('io', String((err as Error)?.message ?? err)));
          },
        );
      }
    }
    this.fault.refused++;
    throw new StorageUnavailable(this.fault.cause, this.fault.detail);
  }

  failed(err: StorageUnavailable, now = Date.now()): void {
    const f = this.fault;
    const changedCause = !f || f.cause !== err.reason;
    if (!f || changedCause) {
      const wait = f ? Math.min(f.wait * 2, STORAGE_RETRY_MAX_MS) : STORAGE_RETRY_MS;
      this.fault = { cause: err.reason, detail: err.detail, since: f?.since ?? now, retryAt: now + wait, wait, refused: (f?.refused ?? 0) + 1, loggedAt: now };
      this.events?.failed(err.reason, err.detail, this.fault.refused);
      this.events?.changed();
      return;
    }
    f.wait = Math.min(f.wait * 2, STORAGE_RETRY_MAX_MS);
    f.retryAt = now + f.wait;
    f.refused++;
    if (now - f.loggedAt >= STORAGE_LOG_INTERVAL_MS) {
      f.loggedAt = now;
      this.events?.failed(f.cause, f.detail, f.refused);
    }
  }

  succeeded(now = Date.now()): void {
    if (!this.fault) return;
    const { since, refused } = this.fault;
    this.fault = null;
    this.events?.recovered(now - since, refused);
    this.events?.changed();
  }
}
