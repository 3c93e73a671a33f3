// Short-lived grants for the console's download and print links, so that no link (kept in a
// browser's history, a download list or a proxy's log) carries the facilitator's key itself.

import { randomBytes } from 'node:crypto';

export const GRANT_TTL_MS = 10 * 60_000;

export class Grants {
  private readonly grants = new Map<string, number>();

  constructor(private readonly ttlMs = GRANT_TTL_MS) {}

  issue(now = Date.now()): { grant: string; expiresAt: number } {
    for (const [g, expiresAt] of this.grants) if (expiresAt <= now) this.grants.delete(g);
    const grant = randomBytes(24).toString('base64url');
    const expiresAt = now + this.ttlMs;
    this.grants.set(grant, expiresAt);
    return { grant, expiresAt };
  }

  valid(grant: unknown, now = Date.now()): boolean {
    if (typeof grant !== 'string') return false;
    const expiresAt = this.grants.get(grant);
    return expiresAt !== undefined && expiresAt > now;
  }

  /** Every grant stops working (the key was rotated). */
  revokeAll(): void {
    this.grants.clear();
  }
}
