// A city's vote by the organiser's eligibility list, end to end with a real server, real socket.io
// phones and a real SQLite file: the list goes up in parts, kept only as keyed hashes; a resident
// proves a listed entry (number and second fact, typed as people type them) and gets a ballot,
// the same one on a second phone; a wrong second fact is refused and, per listed number, slowed
// across addresses; nothing typed reaches the log.

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleView } from '../../shared/protocol.js';
import { startCityVote, type CityVote } from './cityVote.js';
import { connect, newToken, ok, refused, type TestClient } from './harness.js';

const LIST = [
  { number: 'АВ 123456', fact: '1987' },
  { number: 'KM-000777', fact: '1950' },
  { number: '0012345678', fact: '2001' },
];

describe('the eligibility list: a listed resident, one ballot', () => {
  let city: CityVote;
  const clients: TestClient[] = [];
  const phone = async () => {
    const token = newToken();
    const c = await connect(city.vote.socketUrl, { role: 'phone', token });
    clients.push(c);
    return Object.assign(c, { token });
  };
  const prove = (p: TestClient & { token: string }, number: string, fact: string) => p.send('person:prove', { token: p.token, proof: { method: 'list', number, fact } });
  const state = () => city.server.forums.get(city.vote.forumId)!.room.state;

  beforeAll(async () => {
    city = await startCityVote();
    ok(await city.admin.send('identity:setMethod', { method: 'list' }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await city?.close();
  });

  it('takes the list in parts as keyed hashes, a row listed twice once, and refuses a part with an empty row whole', async () => {
    expect(ok(await city.admin.send('identity:addListed', { rows: LIST.slice(0, 2), firstLine: 2 }))).toEqual({ added: 2, already: 0, listed: 2 });
    // The next part repeats a row already listed (typed otherwise): it is not listed twice.
    expect(ok(await city.admin.send('identity:addListed', { rows: [LIST[2], { number: 'ав123456', fact: ' 1987 ' }], firstLine: 4 }))).toEqual({ added: 1, already: 1, listed: 3 });
    const bad = await city.admin.send('identity:addListed', { rows: [{ number: 'ЕК 5', fact: '1970' }, { number: '  ', fact: '1980' }], firstLine: 6 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'LIST_ROW_EMPTY', params: { row: 7 } } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/Рядок 7/);
    expect(state().persons.listed.size).toBe(3);
    const view = await city.admin.next<ConsoleView>('console', (v) => v.admission.identity.listed === 3);
    expect(view.admission.identity.method).toBe('list');
  });

  it('gives a listed resident a ballot, and the same one on a second phone', async () => {
    const first = await phone();
    const me = ok(await prove(first, 'ав 123456', '1987')).me;
    ok(await first.send('dot:place', { ideaId: city.ideaIds[0] }));
    const second = await phone();
    const again = ok(await prove(second, 'AB-123456'.replace('A', 'А').replace('B', 'В'), '1987')).me;
    expect(again.participantId).toBe(me.participantId);
    expect(again.dots).toEqual({ [city.ideaIds[0]]: 1 });
    expect(state().participants.size).toBe(1);
  });

  it('refuses a wrong second fact or an unlisted number, in Ukrainian, and slows guesses at one number from any address', async () => {
    const p = await phone();
    const wrong = await prove(p, 'KM-000777', '1951');
    expect(wrong).toMatchObject({ ok: false, error: { code: 'NOT_LISTED' } });
    expect(wrong.ok ? '' : wrong.error.message).toMatch(/Такого запису в списку мешканців немає/);
    expect(refused(await prove(p, 'KM-000999', '1950'))).toBe('NOT_LISTED');
    // Four more wrong years for the same number, each from a phone of its own (an address of its own).
    for (const year of ['1952', '1953', '1954', '1955']) expect(refused(await prove(await phone(), 'KM-000777', year))).toBe('NOT_LISTED');
    // Five wrong facts for this number: now even the right one waits, from a fresh address.
    expect(refused(await prove(await phone(), 'KM 000777', '1950'))).toBe('RATE_LIMITED');
    // Another listed number is not held up.
    ok(await prove(await phone(), '0012345678', '2001'));
    expect(state().participants.size).toBe(2);
  });

  it('keeps nothing typed in the log: no number, no second fact', async () => {
    const db = new Database(city.server.dbPath, { readonly: true });
    const log = (db.prepare('SELECT payload FROM events WHERE forum_id = ?').all(city.vote.forumId) as { payload: string }[]).map((r) => r.payload).join('\n');
    db.close();
    expect(log).toContain('eligibleListed');
    // Quoted, as a stored field would hold them: a bare year could be part of a time in milliseconds.
    for (const typed of ['АВ', 'KM000777', 'KM-000777', '"0012345678"', '"1987"', '"1950"', '"2001"', '"1951"']) expect(log).not.toContain(typed);
  });
});
