// Checking the secret keys (the facilitator's, the projector's) from sockets and HTTP alike:
// in constant time, with failed attempts slowed per client address and logged without the key.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '../log.js';
import type { KeyedLimiter } from './limits.js';

export function keyMatches(given: string | undefined, expected: string): boolean {
  if (!given || !expected) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export type KeyCheck = { ok: true } | { ok: false; retryAfter?: number };

export class KeyGuard {
  /** Addresses already logged as refused for going too fast, and when, so a flood logs once a minute. */
  private readonly loggedLimited = new Map<string, number>();

  constructor(
    private readonly wrongKeys: KeyedLimiter,
    private readonly log: Logger,
  ) {}

  /**
   * Whether `given` is one of `expected`. An address that has failed too often is refused before
   * the key is even compared, so guessing is slowed to a few tries a minute.
   */
  check(given: string | undefined, expected: readonly string[], address: string, what: string, now = Date.now()): KeyCheck {
    const waiting = this.wrongKeys.peek(address, now);
    if (!waiting.ok) {
      const last = this.loggedLimited.get(address) ?? 0;
      if (now - last > 60_000) {
        this.loggedLimited.set(address, now);
        this.log.warn({ address, what }, 'key attempts from this address are being refused: too many wrong keys');
      }
      return { ok: false, retryAfter: waiting.retryAfter };
    }
    if (expected.some((k) => keyMatches(given, k))) return { ok: true };
    this.wrongKeys.take(address, now);
    this.log.warn({ address, what }, 'wrong key');
    return { ok: false };
  }
}
