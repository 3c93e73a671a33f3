// Checking the secret keys (the facilitator's, the projector's, a host's invitation) from sockets
// and HTTP alike: in constant time, with failed attempts slowed per client address and logged
// without the key. A right key always passes, whatever else came from its address: a hall shares
// addresses (a venue's NAT, a guest Wi-Fi), and somebody's wrong keys must not lock the
// facilitator out. What keeps guessing hopeless is the keys' length (144 random bits when made by
// the server, at least 16 characters when chosen), not the limit, which only slows and quietens
// the wrong ones. Another server process sharing the store may have rotated the facilitator's key:
// a key that matches none held is tried once more after the keys are read again (check).

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
    /** Reads the shared keys again (at most so often); true when any changed. */
    private readonly reload: () => Promise<boolean> = async () => false,
  ) {}

  /**
   * Whether `given` is one of `expected()`; a wrong one is counted against its address. When it
   * matches none, the shared keys are read again and, if any changed, tried once more first.
   */
  async check(given: string | undefined, expected: () => readonly string[], address: string, what: string): Promise<KeyCheck> {
    const matches = () => expected().some((k) => keyMatches(given, k));
    if (matches() || (given && (await this.reload()) && matches())) return { ok: true };
    return this.wrong(address, what);
  }

  /**
   * A wrong key from `address`: refused, and once the address has failed too often, refused as
   * going too fast (with the seconds to wait) and logged once a minute instead of every time.
   */
  wrong(address: string, what: string, now = Date.now()): KeyCheck {
    const verdict = this.wrongKeys.take(address, now);
    if (!verdict.ok) {
      const last = this.loggedLimited.get(address) ?? 0;
      if (now - last > 60_000) {
        this.loggedLimited.set(address, now);
        this.log.warn({ address, what }, 'wrong keys from this address are being refused as too many; a right key still passes');
      }
      return { ok: false, retryAfter: verdict.retryAfter };
    }
    this.log.warn({ address, what }, 'wrong key');
    return { ok: false };
  }
}
