// One-time codes sent by e-mail or SMS, waiting to be typed back: held in memory only (a code
// lives 15 minutes; after a restart the resident asks for another), as a hash, each with a few
// tries. Also how an address or a number is read, so that one mailbox or one phone is one person.

import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

export const CODE_LIFETIME_MS = 15 * 60_000;
/** Wrong tries before a code is void and a new one must be asked for: 5 in 1,000,000. */
export const CODE_TRIES = 5;
/** Codes waiting at once; the oldest go first past it (each a resident who never typed theirs back). */
const MAX_WAITING = 200_000;

const GMAIL = new Set(['gmail.com', 'googlemail.com']);

/**
 * An e-mail address as one mailbox: lower case, without a "+tag" (most providers deliver
 * name+x@ to name@, which would otherwise make a mailbox into as many persons as tags), and for
 * Gmail without dots. Null when it cannot be an address.
 */
export function mailbox(typed: string): string | null {
  const m = /^([^\s@]{1,64})@([a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+)$/.exec(typed.trim().toLowerCase());
  if (!m) return null;
  let local = m[1].split('+')[0];
  const domain = m[2] === 'googlemail.com' ? 'gmail.com' : m[2];
  if (GMAIL.has(domain)) local = local.replace(/\./g, '');
  return local ? `${local}@${domain}` : null;
}

/** A phone number as +<country><number>: a Ukrainian 0XXXXXXXXX is +380XXXXXXXXX. Null when it cannot be one. */
export function phoneNumber(typed: string): string | null {
  const digits = typed.replace(/[\s()\-.]/g, '');
  if (!/^\+?\d{9,15}$/.test(digits)) return null;
  if (/^0\d{9}$/.test(digits)) return `+38${digits}`;
  if (/^380\d{9}$/.test(digits)) return `+${digits}`;
  return digits.startsWith('+') ? digits : null;
}

/** What the phone is told the code went to: enough to recognise, not to read someone's address off a screen. */
export function masked(to: string): string {
  const at = to.indexOf('@');
  if (at > 0) return `${to[0]}•••@${to.slice(at + 1)}`;
  return `${to.slice(0, 4)}•••${to.slice(-2)}`;
}

const hashOf = (code: string) => createHash('sha256').update(code).digest();

interface Waiting {
  hash: Buffer;
  expiresAt: number;
  tries: number;
  /** The provider could not deliver it: the resident is told to ask again. */
  failed: boolean;
}

export type CodeCheck = 'right' | 'wrong' | 'none' | 'expired' | 'failed';

export class OneTimeCodes {
  private readonly waiting = new Map<string, Waiting>();

  /** A new code for a person (replacing one they were sent before); the code itself goes to the sender only. */
  issue(personId: string, now: number): string {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.waiting.delete(personId);
    if (this.waiting.size >= MAX_WAITING) this.waiting.delete(this.waiting.keys().next().value!);
    this.waiting.set(personId, { hash: hashOf(code), expiresAt: now + CODE_LIFETIME_MS, tries: 0, failed: false });
    return code;
  }

  /** The provider failed to deliver the code it was given. */
  failed(personId: string): void {
    const w = this.waiting.get(personId);
    if (w) w.failed = true;
  }

  /** Every code waiting goes: the vote's personal data was deleted, and no proof is taken any more. */
  forgetAll(): void {
    this.waiting.clear();
  }

  /** Checks a typed code; a right one is used up, and a code wrong CODE_TRIES times is void. */
  check(personId: string, typed: string, now: number): CodeCheck {
    const w = this.waiting.get(personId);
    if (!w) return 'none';
    if (w.failed) return 'failed';
    if (now > w.expiresAt) {
      this.waiting.delete(personId);
      return 'expired';
    }
    const digits = typed.replace(/\D/g, '');
    if (digits.length === 6 && timingSafeEqual(hashOf(digits), w.hash)) {
      this.waiting.delete(personId);
      return 'right';
    }
    if (++w.tries >= CODE_TRIES) this.waiting.delete(personId);
    return 'wrong';
  }
}
