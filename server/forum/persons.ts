// What is worked out under a forum's person key: voter codes and their check, eligibility-list
// entries, and person ids. Everything a person proves is turned into a keyed hash (HMAC-SHA256)
// here, so the log holds only hashes, and without the key (kept in the store's settings beside the
// facilitator's key, never in a forum file) nobody can tell whose they are, or make a code.
//
// A voter code is 16 characters of Crockford's base 32 (0-9 and the letters without I, L, O, U):
// 80 bits, a 56-bit check (the first 56 bits of an HMAC of the code's serial) and the serial (24
// bits, masked by a hash of the check so that codes of one batch do not look alike). So a code is
// checked without any stored list, a batch of 100,000 is worked out in a fraction of a second, and
// a guess is right with odds of 1 in 2^56 whatever the number of codes issued.

import { createHmac, timingSafeEqual } from 'node:crypto';

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

function toSymbols(bytes: Buffer): string {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < VOTER_CODE_LENGTH; i++) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

function fromSymbols(symbols: string): Buffer {
  let value = 0n;
  for (const ch of symbols) value = (value << 5n) | BigInt(ALPHABET.indexOf(ch));
  const bytes = Buffer.alloc(CHECK_BYTES + SERIAL_BYTES);
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i] = Number(value & 255n);
    value >>= 8n;
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

  private check(serial: number): Buffer {
    const s = Buffer.alloc(SERIAL_BYTES);
    s.writeUIntBE(serial, 0, SERIAL_BYTES);
    return createHmac('sha256', this.codeKey).update(s).digest().subarray(0, CHECK_BYTES);
  }

  private mask(check: Buffer): Buffer {
    return createHmac('sha256', this.maskKey).update(check).digest().subarray(0, SERIAL_BYTES);
  }

  /** The voter code of a serial (1 to 2^24 - 1), as its 16 symbols. */
  voterCode(serial: number): string {
    const check = this.check(serial);
    const mask = this.mask(check);
    const bytes = Buffer.alloc(CHECK_BYTES + SERIAL_BYTES);
    check.copy(bytes, 0);
    for (let i = 0; i < SERIAL_BYTES; i++) bytes[CHECK_BYTES + i] = ((serial >> (8 * (SERIAL_BYTES - 1 - i))) & 255) ^ mask[i];
    return toSymbols(bytes);
  }

  /** The serial a typed code carries when its check is right; null for a mistyped or made-up code. */
  readVoterCode(typed: string): number | null {
    const symbols = voterCodeSymbols(typed);
    if (!symbols) return null;
    const bytes = fromSymbols(symbols);
    const check = bytes.subarray(0, CHECK_BYTES);
    const mask = this.mask(check);
    let serial = 0;
    for (let i = 0; i < SERIAL_BYTES; i++) serial = (serial << 8) | (bytes[CHECK_BYTES + i] ^ mask[i]);
    if (serial < 1) return null;
    return timingSafeEqual(check, this.check(serial)) ? serial : null;
  }

  private hash(label: string, value: string): string {
    return createHmac('sha256', this.personKey).update(`${label}\u0000${value}`).digest('hex');
  }

  /** The person a voter code names: one code, one person. */
  codePerson(serial: number): string {
    return this.hash('code', String(serial));
  }

  /** An eligibility-list entry as stored: the number with its second fact. */
  listEntry(number: string, fact: string): string {
    return this.hash('list-entry', `${listNumber(number)}\u0000${listFact(fact)}`);
  }

  /** The person a listed number names (one person, whatever second fact proves it). */
  listPerson(number: string): string {
    return this.hash('list-person', listNumber(number));
  }
}
