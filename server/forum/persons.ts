// What is worked out under a forum's person key: voter codes and their check, eligibility-list
// entries, and person ids. Everything a person proves is turned into a keyed hash (HMAC-SHA256)
// here, so the log holds only hashes, and without the key (kept in the store's settings beside the
// facilitator's key, never in a forum file) nobody can tell whose they are, or make a code.
//
// A voter code is 16 characters of Crockford's base 32 (0-9 and the letters without I, L, O, U):
// 80 bits, a 56-bit check (the first 56 bits of AES-256 of the code's serial, under a key of the
// forum) and the serial (24 bits, masked by AES of the check under another key, so that codes of
// one batch do not look alike). So a code is checked without any stored list, and a guess is right
// with odds of 1 in 2^56 whatever the number of codes issued. AES rather than an HMAC for the two
// keyed functions: a batch is two cipher calls over all its blocks (HMAC made objects per code, and
// took 2.3 s per 100,000 where this takes a tenth of a second, `BENCH_ONLY=votercodes npm run bench`).

import { createCipheriv, createHmac, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const VOTER_CODE_LENGTH = 16;
const CHECK_BYTES = 7;
const SERIAL_BYTES = 3;

/**
 * Letters a phone's Ukrainian keyboard gives for the Latin ones they look like, and the letters
 * Crockford's base 32 reads as digits: a code typed from paper is read as it was meant.
 */
const LOOK_ALIKES: Record<string, string> = {
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: '0', Р: 'P', С: 'C', Т: 'T', Х: 'X', І: '1', У: 'Y', З: '3',
  O: '0', I: '1', L: '1',
};

/** A typed code as its 16 symbols, or null when it cannot be one (wrong length, a sign not in the alphabet). */
export function voterCodeSymbols(typed: string): string | null {
  let out = '';
  for (const ch of typed.toUpperCase()) {
    if (ch === ' ' || ch === '-' || ch === '\u00a0' || ch === '\u2010' || ch === '\u2011') continue;
    const read = LOOK_ALIKES[ch] ?? ch;
    if (!ALPHABET.includes(read)) return null;
    out += read;
  }
  return out.length === VOTER_CODE_LENGTH ? out : null;
}

/** "K7QF2M9XW3B8H1NZ" → "K7QF-2M9X-W3B8-H1NZ": four groups are easier to read out and type. */
export const groupVoterCode = (code: string): string => code.replace(/(.{4})(?=.)/g, '$1-');

/** 10 bytes as 16 symbols of 5 bits, most significant first (plain numbers: BigInt took most of the time). */
function toSymbols(bytes: Buffer): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc & 0xff) << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
  }
  return out;
}

function fromSymbols(symbols: string): Buffer {
  const bytes = Buffer.alloc(CHECK_BYTES + SERIAL_BYTES);
  let acc = 0;
  let bits = 0;
  let i = 0;
  for (const ch of symbols) {
    acc = ((acc & 0xff) << 5) | ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[i++] = (acc >> bits) & 255;
    }
  }
  return bytes;
}

/** Typed text as compared: NFKC, no spaces or dashes, upper case (a card number "ab 12-34" is "AB1234"). */
export const listNumber = (typed: string): string => typed.normalize('NFKC').replace(/[\s\-‐‑–—./]/g, '').toUpperCase();
export const listFact = (typed: string): string => typed.normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase();

export class PersonKeys {
  private readonly codeKey: Buffer;
  private readonly maskKey: Buffer;
  private readonly personKey: Buffer;

  /** `serverKey`: the server's person key; each forum's keys are derived from it and the forum's id. */
  constructor(serverKey: string, forumId: string) {
    const forumKey = createHmac('sha256', serverKey).update(`viche-person/1:${forumId}`).digest();
    const sub = (label: string) => createHmac('sha256', forumKey).update(label).digest();
    this.codeKey = sub('voter-code-check');
    this.maskKey = sub('voter-code-mask');
    this.personKey = sub('person-id');
  }

  /** AES-256 of whole 16-byte blocks under `key`, all in one call: a batch of 100,000 is one pass. */
  private static blocks(key: Buffer, input: Buffer): Buffer {
    const cipher = createCipheriv('aes-256-ecb', key, null);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(input), cipher.final()]);
  }

  /** Each serial's check: the first 7 bytes of AES of the serial's block (a keyed pseudo-random function). */
  private checks(first: number, count: number): Buffer {
    const input = Buffer.alloc(16 * count);
    for (let i = 0; i < count; i++) input.writeUIntBE(first + i, 16 * i + 16 - SERIAL_BYTES, SERIAL_BYTES);
    return PersonKeys.blocks(this.codeKey, input);
  }

  /** Each check's mask for the serial: the first 3 bytes of AES (another key) of the check's block. */
  private masks(checks: Buffer, count: number): Buffer {
    const input = Buffer.alloc(16 * count);
    for (let i = 0; i < count; i++) checks.copy(input, 16 * i, 16 * i, 16 * i + CHECK_BYTES);
    return PersonKeys.blocks(this.maskKey, input);
  }

  /** The voter codes of serials first to first + count - 1 (1 to 2^24 - 1), as their 16 symbols. */
  voterCodes(first: number, count: number): string[] {
    const checks = this.checks(first, count);
    const masks = this.masks(checks, count);
    const bytes = Buffer.alloc(CHECK_BYTES + SERIAL_BYTES);
    const out: string[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const serial = first + i;
      checks.copy(bytes, 0, 16 * i, 16 * i + CHECK_BYTES);
      for (let j = 0; j < SERIAL_BYTES; j++) bytes[CHECK_BYTES + j] = ((serial >> (8 * (SERIAL_BYTES - 1 - j))) & 255) ^ masks[16 * i + j];
      out[i] = toSymbols(bytes);
    }
    return out;
  }

  voterCode(serial: number): string {
    return this.voterCodes(serial, 1)[0];
  }

  /** The serial a typed code carries when its check is right; null for a mistyped or made-up code. */
  readVoterCode(typed: string): number | null {
    const symbols = voterCodeSymbols(typed);
    if (!symbols) return null;
    const bytes = fromSymbols(symbols);
    const check = Buffer.alloc(16);
    bytes.copy(check, 0, 0, CHECK_BYTES);
    const mask = this.masks(check, 1);
    let serial = 0;
    for (let i = 0; i < SERIAL_BYTES; i++) serial = (serial << 8) | (bytes[CHECK_BYTES + i] ^ mask[i]);
    if (serial < 1) return null;
    return timingSafeEqual(check.subarray(0, CHECK_BYTES), this.checks(serial, 1).subarray(0, CHECK_BYTES)) ? serial : null;
  }

  private hash(label: string, value: string): string {
    return createHmac('sha256', this.personKey).update(`${label}\u0000${value}`).digest('hex');
  }

  /** What the log records of this key (identitySet): enough to tell it from another server's, nothing to use. */
  fingerprint(): string {
    return this.hash('fingerprint', '').slice(0, 16);
  }

  /** The person a voter code names: one code, one person. */
  codePerson(serial: number): string {
    return this.hash('code', String(serial));
  }

  /** An eligibility-list entry as stored: the number with its second fact (128 bits: LIST_ENTRY). */
  listEntry(number: string, fact: string): string {
    return this.hash('list-entry', `${listNumber(number)}\u0000${listFact(fact)}`).slice(0, 32);
  }

  /** The person an e-mail address or a phone number (normalised: oneTimeCodes.ts) names. */
  contactPerson(method: 'email' | 'sms' | 'oidc', to: string): string {
    return this.hash(method, to);
  }

  /**
   * The person a state register's number names (the taxpayer number РНОКПП an e-ID provider gives,
   * or staff type from the resident's card): the same id by either way in.
   */
  registerPerson(number: string): string {
    return this.hash('register-person', listNumber(number));
  }

  /** The person a listed number names (one person, whatever second fact proves it). */
  listPerson(number: string): string {
    return this.hash('list-person', listNumber(number));
  }
}
