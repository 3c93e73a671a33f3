// Unit tests for what is worked out under a vote's person key (forum/persons.ts) and how a typed
// contact is read (forum/oneTimeCodes.ts): voter codes read back to their serials however they are
// typed, any one symbol changed refused, another vote's codes refused; list entries and persons
// the same however a number is typed; one mailbox and one phone number one person.

import { describe, expect, it } from 'vitest';
import { mailbox, masked, OneTimeCodes, phoneNumber } from '../forum/oneTimeCodes.js';
import { groupVoterCode, PersonKeys, voterCodeSymbols } from '../forum/persons.js';

const KEY = 'a-server-person-key-of-at-least-32-chars';
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('voter codes', () => {
  const keys = new PersonKeys(KEY, 'forum-1');

  it('read back to their serials, as made in a batch or one at a time', () => {
    const batch = keys.voterCodes(1, 2000);
    expect(new Set(batch).size).toBe(2000);
    batch.forEach((code, i) => {
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
      expect(keys.readVoterCode(code)).toBe(i + 1);
    });
    expect(keys.voterCode(1234)).toBe(batch[1233]);
    expect(keys.readVoterCode(keys.voterCode(2 ** 24 - 1))).toBe(2 ** 24 - 1);
  });

  it('are read however they are typed: groups, lower case, O for 0, I and L for 1, Cyrillic look-alikes', () => {
    const code = keys.voterCode(77);
    expect(keys.readVoterCode(groupVoterCode(code).toLowerCase())).toBe(77);
    expect(keys.readVoterCode(` ${code.slice(0, 8)}  ${code.slice(8)} `)).toBe(77);
    const typed = code.replace(/0/g, 'O').replace(/1/g, 'l').replace(/A/g, 'А').replace(/C/g, 'с').replace(/K/g, 'к');
    expect(keys.readVoterCode(typed)).toBe(77);
    expect(voterCodeSymbols('U'.repeat(16))).toBeNull();
    expect(voterCodeSymbols(code.slice(1))).toBeNull();
  });

  it('refuse any code with one symbol changed, and another vote’s codes', () => {
    for (let serial = 1; serial <= 200; serial++) {
      const code = keys.voterCode(serial);
      for (let at = 0; at < 16; at++) {
        const other = ALPHABET[(ALPHABET.indexOf(code[at]) + 1 + (serial % 31)) % 32];
        expect(keys.readVoterCode(code.slice(0, at) + other + code.slice(at + 1))).toBeNull();
      }
    }
    const elsewhere = new PersonKeys(KEY, 'forum-2');
    expect(elsewhere.voterCode(5)).not.toBe(keys.voterCode(5));
    expect(elsewhere.readVoterCode(keys.voterCode(5))).toBeNull();
  });
});

describe('persons', () => {
  const keys = new PersonKeys(KEY, 'forum-1');

  it('are the same however a listed number is typed, and differ between votes', () => {
    expect(keys.listEntry('ав 123-456', ' 1987 ')).toBe(keys.listEntry('АВ123456', '1987'));
    expect(keys.listEntry('АВ123456', '1987')).toMatch(/^[0-9a-f]{32}$/);
    expect(keys.listEntry('АВ123456', '1988')).not.toBe(keys.listEntry('АВ123456', '1987'));
    expect(keys.listPerson('ав 123456')).toBe(keys.listPerson('АВ-123456'));
    expect(new PersonKeys(KEY, 'forum-2').listPerson('АВ123456')).not.toBe(keys.listPerson('АВ123456'));
    expect(keys.contactPerson('email', 'a@b.ua')).not.toBe(keys.contactPerson('sms', 'a@b.ua'));
  });

  it('read a mailbox as one person: case, +tags and Gmail’s dots aside', () => {
    expect(mailbox(' Olena.Koval+vote@Example.COM ')).toBe('olena.koval@example.com');
    expect(mailbox('o.l.e.n.a+1@googlemail.com')).toBe('olena@gmail.com');
    for (const bad of ['', 'olena', '@example.com', 'olena@', 'olena@localhost', 'a b@example.com', '+tag@example.com']) expect(mailbox(bad), bad).toBeNull();
    expect(masked('olena@example.com')).toBe('o•••@example.com');
  });

  it('read a phone number with its country code, a Ukrainian one from its 0', () => {
    expect(phoneNumber('067 123-45-67')).toBe('+380671234567');
    expect(phoneNumber('(067) 123 45 67')).toBe('+380671234567');
    expect(phoneNumber('380671234567')).toBe('+380671234567');
    expect(phoneNumber('+48 601 234 567')).toBe('+48601234567');
    for (const bad of ['', '12345', '067-123', 'телефон', '48601234567']) expect(phoneNumber(bad), bad).toBeNull();
    expect(masked('+380671234567')).toBe('+380•••67');
  });
});

describe('one-time codes', () => {
  it('are right once, void after five wrong tries, and stale after 15 minutes', () => {
    const codes = new OneTimeCodes();
    const code = codes.issue('p', 0);
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(codes.check('p', wrong, 1)).toBe('wrong');
    expect(codes.check('p', code.replace(/(\d{3})/, '$1 '), 2)).toBe('right');
    expect(codes.check('p', code, 3)).toBe('none');
    const next = codes.issue('p', 10);
    for (let i = 0; i < 5; i++) expect(codes.check('p', next === '000000' ? '111111' : '000000', 11)).toBe('wrong');
    expect(codes.check('p', next, 12)).toBe('none');
    const late = codes.issue('p', 100);
    expect(codes.check('p', late, 100 + 15 * 60_000 + 1)).toBe('expired');
    codes.issue('q', 0);
    codes.failed('q');
    expect(codes.check('q', '123456', 1)).toBe('failed');
  });
});
