// Rate limits as token buckets: each key (a connection, a participant, a client address) may
// spend a burst at once and then earns tokens back at a steady rate. The defaults are far above
// what a person does with a phone (a fast voter taps a few times a second) and far below what
// a script does, so a real hall never meets them and a flood is cut within a second.

export interface BucketSpec {
  /** Tokens available at once. */
  burst: number;
  /** Tokens earned back per second. */
  perSecond: number;
}

export interface LimitSettings {
  /** Any command, per connection, per participant (all their devices) and per client address. */
  commandsPerConnection: BucketSpec;
  commandsPerParticipant: BucketSpec;
  commandsPerAddress: BucketSpec;
  /** Changes others see (submit, edit, withdraw, rename), per participant: each is sent to the hall. */
  ideaChangesPerParticipant: BucketSpec;
  /**
   * Join attempts per address, and wrong codes where they come from: per connection always, per
   * address while the per-address cap is on. Never across the server or a forum: a right code must
   * not be refused because somebody else guessed wrong.
   */
  joinsPerAddress: BucketSpec;
  wrongCodesPerConnection: BucketSpec;
  wrongCodesPerAddress: BucketSpec;
  /**
   * A city vote's proofs of who one is (voter codes, list entries): all of them per address, which
   * a carrier's address shares among thousands of honest voters, so loosely; the wrong ones per
   * address more tightly; and the wrong ones per identity (a listed number), so that a second fact
   * cannot be worked through from many addresses. Per connection, as wrong join codes.
   */
  proofsPerAddress: BucketSpec;
  wrongProofsPerAddress: BucketSpec;
  wrongProofsPerIdentity: BucketSpec;
  /** One-time codes sent: per client address, and per e-mail address or phone number (each costs the organiser). */
  codeSendsPerAddress: BucketSpec;
  codeSendsPerIdentity: BucketSpec;
  /** Failed facilitator or projector keys per address. */
  wrongKeysPerAddress: BucketSpec;
  /** New connections per address. */
  connectionsPerAddress: BucketSpec;
}

export const DEFAULT_LIMITS: LimitSettings = {
  commandsPerConnection: { burst: 60, perSecond: 20 },
  commandsPerParticipant: { burst: 80, perSecond: 25 },
  commandsPerAddress: { burst: 200, perSecond: 60 },
  ideaChangesPerParticipant: { burst: 12, perSecond: 1 / 3 },
  joinsPerAddress: { burst: 12, perSecond: 1 / 5 },
  wrongCodesPerConnection: { burst: 5, perSecond: 1 / 60 },
  wrongCodesPerAddress: { burst: 8, perSecond: 1 / 60 },
  proofsPerAddress: { burst: 120, perSecond: 2 },
  wrongProofsPerAddress: { burst: 30, perSecond: 1 / 10 },
  wrongProofsPerIdentity: { burst: 5, perSecond: 1 / 3600 },
  codeSendsPerAddress: { burst: 20, perSecond: 1 / 30 },
  codeSendsPerIdentity: { burst: 3, perSecond: 1 / 600 },
  wrongKeysPerAddress: { burst: 5, perSecond: 1 / 30 },
  connectionsPerAddress: { burst: 20, perSecond: 1 / 2 },
};

export type Verdict = { ok: true } | { ok: false; retryAfter: number };

export interface Bucket {
  tokens: number;
  at: number;
}

/** Takes one token from `bucket` (filled up for the time passed); says how long to wait if empty. */
export function take(bucket: Bucket, spec: BucketSpec, now: number, cost = 1): Verdict {
  bucket.tokens = Math.min(spec.burst, bucket.tokens + ((now - bucket.at) / 1000) * spec.perSecond);
  bucket.at = now;
  if (bucket.tokens >= cost) {
    bucket.tokens -= cost;
    return { ok: true };
  }
  return { ok: false, retryAfter: Math.max(1, Math.ceil((cost - bucket.tokens) / spec.perSecond)) };
}

export const fullBucket = (spec: BucketSpec, now: number): Bucket => ({ tokens: spec.burst, at: now });

/**
 * Buckets by key. Keys idle long enough to have refilled are swept, so memory stays bounded by
 * the keys active in the last few minutes, not by every address ever seen.
 */
export class KeyedLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(private readonly spec: BucketSpec) {}

  take(key: string, now = Date.now(), cost = 1): Verdict {
    this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = fullBucket(this.spec, now)));
    return take(bucket, this.spec, now, cost);
  }

  /** Returns a token taken for something that then did not happen. */
  giveBack(key: string, cost = 1): void {
    const bucket = this.buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.spec.burst, bucket.tokens + cost);
  }

  /** Whether a token is there, without taking it. */
  peek(key: string, now = Date.now()): Verdict {
    const bucket = this.buckets.get(key);
    if (!bucket) return { ok: true };
    return take({ ...bucket }, this.spec, now, 1);
  }

  /** How much of its burst `key` has spent and not yet earned back (0 for a key not seen). */
  spent(key: string, now = Date.now()): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    const tokens = Math.min(this.spec.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.spec.perSecond);
    return this.spec.burst - tokens;
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const refillMs = (this.spec.burst / this.spec.perSecond) * 1000;
    for (const [key, b] of this.buckets) if (now - b.at > refillMs) this.buckets.delete(key);
  }
}

/** Every limiter of one server, built from the settings. */
export class Limits {
  readonly settings: LimitSettings;
  readonly participants: KeyedLimiter;
  readonly addresses: KeyedLimiter;
  readonly ideaChanges: KeyedLimiter;
  readonly joins: KeyedLimiter;
  readonly wrongCodes: KeyedLimiter;
  readonly wrongKeys: KeyedLimiter;
  readonly connections: KeyedLimiter;
  readonly proofs: KeyedLimiter;
  readonly wrongProofs: KeyedLimiter;
  readonly wrongProofsPerIdentity: KeyedLimiter;
  readonly codeSends: KeyedLimiter;
  readonly codeSendsPerIdentity: KeyedLimiter;

  constructor(overrides: Partial<LimitSettings> = {}) {
    const s = (this.settings = { ...DEFAULT_LIMITS, ...overrides });
    this.participants = new KeyedLimiter(s.commandsPerParticipant);
    this.addresses = new KeyedLimiter(s.commandsPerAddress);
    this.ideaChanges = new KeyedLimiter(s.ideaChangesPerParticipant);
    this.joins = new KeyedLimiter(s.joinsPerAddress);
    this.wrongCodes = new KeyedLimiter(s.wrongCodesPerAddress);
    this.wrongKeys = new KeyedLimiter(s.wrongKeysPerAddress);
    this.connections = new KeyedLimiter(s.connectionsPerAddress);
    this.proofs = new KeyedLimiter(s.proofsPerAddress);
    this.wrongProofs = new KeyedLimiter(s.wrongProofsPerAddress);
    this.wrongProofsPerIdentity = new KeyedLimiter(s.wrongProofsPerIdentity);
    this.codeSends = new KeyedLimiter(s.codeSendsPerAddress);
    this.codeSendsPerIdentity = new KeyedLimiter(s.codeSendsPerIdentity);
  }
}
