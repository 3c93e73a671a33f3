// Short-lived grants for the console's download and print links, so that no link (kept in a
// browser's history, a download list or a proxy's log) carries the facilitator's key itself.
// A grant is a signed token, not a server's memory: it says which forum and which downloads it
// opens, until when, and under which epoch of the grant key it was signed (server/forums/secrets.ts),
// so any server process sharing the store checks it, and a key rotation voids every earlier one.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { GrantKey } from '../forums/secrets.js';

export const GRANT_TTL_MS = 10 * 60_000;

/** What a grant may download: results (files, charts, report), ticket sheets, the poster, the forum file. */
export const DOWNLOADS = ['results', 'tickets', 'poster', 'forumFile'] as const;
export type Download = (typeof DOWNLOADS)[number];

/** A grant of the forum list's: every forum's file. */
export const EVERY_FORUM = '*';

export type GrantRefusal = 'GRANT_EXPIRED' | 'GRANT_REVOKED' | 'GRANT_INVALID' | 'GRANT_NOT_HERE';
export type GrantCheck = { ok: true } | { ok: false; code: GrantRefusal };

interface GrantBody {
  /** The forum's id, or EVERY_FORUM. */
  f: string;
  /** What it may download. */
  d: Download[];
  /** Until when (ms since the epoch). */
  x: number;
  /** The grant key's epoch it is signed under. */
  k: number;
}

/** The grant key as it is now, and a re-read of it from the store when a grant names a newer epoch. */
export interface GrantKeys {
  readonly grantKey: GrantKey;
  /** Re-reads the shared secrets (bounded in how often); true when anything changed. */
  reloadAfterMiss(): Promise<boolean>;
}

/** A grant is its body and its HMAC-SHA256 signature, each in base64url, the signature last and of this length: one run of [A-Za-z0-9_-]. */
const SIGNATURE_CHARS = 43;

const sign = (secret: string, body: string): Buffer => createHmac('sha256', secret).update(`viche-grant/1\n${body}`).digest();

function bodyOf(text: string): GrantBody | null {
  try {
    const b = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<GrantBody>;
    const ok =
      typeof b === 'object' &&
      b !== null &&
      typeof b.f === 'string' &&
      Array.isArray(b.d) &&
      b.d.every((d) => (DOWNLOADS as readonly unknown[]).includes(d)) &&
      Number.isSafeInteger(b.x) &&
      Number.isSafeInteger(b.k) &&
      (b.k as number) > 0;
    return ok ? (b as GrantBody) : null;
  } catch {
    return null;
  }
}

export class Grants {
  constructor(
    private readonly keys: GrantKeys,
    private readonly ttlMs = GRANT_TTL_MS,
  ) {}

  issue(forum: string, what: readonly Download[], now = Date.now()): { grant: string; expiresAt: number } {
    const { epoch, secret } = this.keys.grantKey;
    const expiresAt = now + this.ttlMs;
    const body = Buffer.from(JSON.stringify({ f: forum, d: [...what], x: expiresAt, k: epoch } satisfies GrantBody)).toString('base64url');
    return { grant: `${body}${sign(secret, body).toString('base64url')}`, expiresAt };
  }

  /** Whether `grant` opens `what` of the forum `forum`, and if not, why. */
  async check(grant: unknown, forum: string, what: Download, now = Date.now()): Promise<GrantCheck> {
    const whole = typeof grant === 'string' && /^[\w-]{44,1024}$/.test(grant);
    const parts = whole ? [grant.slice(0, -SIGNATURE_CHARS), grant.slice(-SIGNATURE_CHARS)] : [];
    const body = whole ? bodyOf(parts[0]) : null;
    if (!body) return { ok: false, code: 'GRANT_INVALID' };
    // Signed under an epoch this process has not seen yet: another process may have rotated the key.
    if (body.k > this.keys.grantKey.epoch) await this.keys.reloadAfterMiss();
    const key = this.keys.grantKey;
    if (body.k < key.epoch) return { ok: false, code: 'GRANT_REVOKED' };
    if (body.k > key.epoch) return { ok: false, code: 'GRANT_INVALID' };
    const given = Buffer.from(parts[1], 'base64url');
    const expected = sign(key.secret, parts[0]);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, code: 'GRANT_INVALID' };
    if (body.x <= now) return { ok: false, code: 'GRANT_EXPIRED' };
    if ((body.f !== forum && body.f !== EVERY_FORUM) || !body.d.includes(what)) return { ok: false, code: 'GRANT_NOT_HERE' };
    return { ok: true };
  }
}
