// A city's vote by voter codes, end to end with a real server, real socket.io phones and a real
// SQLite file: the organiser chooses the way before anyone votes and issues a batch of codes; a
// code proved on a second phone opens the same ballot (one person, one ballot across devices);
// wrong codes are refused and slowed where they come from; the per-address cap is off; the log and
// both forum files hold no code, no key, and (the archive) no person id; the key outlives a restart.

import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForumEvent } from '../../shared/forum/types.js';
import { verifyLog } from '../../shared/forum/verify.js';
import type { ConsoleView, MeView } from '../../shared/protocol.js';
import { groupVoterCode, PersonKeys } from '../forum/persons.js';
import { startCityVote, type CityVote } from './cityVote.js';
import { connect, connectConsole, newToken, nextPhoneAddress, ok, refused, startTestServer, type TestClient } from './harness.js';

describe('voter codes: one person, one ballot', () => {
  let city: CityVote;
  let keys: PersonKeys;
  const clients: TestClient[] = [];
  const phone = async (address = nextPhoneAddress(), url = city.vote.socketUrl) => {
    const token = newToken();
    const c = await connect(url, { role: 'phone', token }, { localAddress: address });
    clients.push(c);
    return Object.assign(c, { token });
  };
  const state = () => city.server.forums.get(city.vote.forumId)!.room.state;

  beforeAll(async () => {
    city = await startCityVote();
    keys = new PersonKeys(city.server.forums.secrets.personKey, city.vote.forumId);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await city?.close();
    // The restarted server was given the database, so its folder is the first server's to remove.
    if (city?.server.dir) rmSync(city.server.dir, { recursive: true, force: true });
  });

  it('is chosen in a vote-only forum before anyone holds a ballot, and a plain join is refused then', async () => {
    const evening = await connectConsole(city.server);
    clients.push(evening);
    expect(refused(await evening.send('identity:setMethod', { method: 'codes' }))).toBe('BAD_INPUT');
    const set = ok(await city.admin.send('identity:setMethod', { method: 'codes' }));
    expect(set.method).toBe('codes');
    const view = await city.admin.next<ConsoleView>('console', (v) => v.admission.identity.method === 'codes');
    expect(view.admission).toMatchObject({ maxPerAddress: 0, identity: { changeable: true, persons: 0 } });

    const p = await phone();
    const ack = await p.send('participant:join', { code: '123456', name: '', token: p.token });
    expect(ack).toMatchObject({ ok: false, error: { code: 'IDENTITY_REQUIRED' } });
    expect(ack.ok ? '' : ack.error.message).toMatch(/код виборця/);
    expect(state().participants.size).toBe(0);
  });

  it('issues a batch of 1,000 codes, recorded as its serials only', async () => {
    expect(refused(await city.admin.send('identity:issueCodes', { count: 0 }))).toBe('BAD_INPUT');
    expect(ok(await city.admin.send('identity:issueCodes', { count: 1000 }))).toEqual({ batch: 1, first: 1, count: 1000 });
    expect(ok(await city.admin.send('identity:issueCodes', { count: 10 }))).toEqual({ batch: 2, first: 1001, count: 10 });
    const view = await city.admin.next<ConsoleView>('console', (v) => v.admission.identity.codes.issued === 1010);
    expect(view.admission.identity.codes.batches.map((b) => b.count)).toEqual([1000, 10]);
  });

  it('a code proved on a second phone opens the same ballot, which either phone changes', async () => {
    const code = keys.voterCode(5);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
    const first = await phone();
    const me = ok(await first.send('person:prove', { token: first.token, name: 'Ірина', proof: { method: 'codes', code: groupVoterCode(code) } })).me;
    ok(await first.send('dot:place', { ideaId: city.ideaIds[0] }));

    // The same code, typed in lower case with Cyrillic look-alikes and spaces, from another address.
    const typed = code
      .toLowerCase()
      .replace(/a/g, 'а')
      .replace(/c/g, 'с')
      .replace(/(.{4})/g, '$1 ');
    const second = await phone();
    const again = ok(await second.send('person:prove', { token: second.token, proof: { method: 'codes', code: typed } })).me;
    expect(again.participantId).toBe(me.participantId);
    expect(again.dots).toEqual({ [city.ideaIds[0]]: 1 });
    expect(state().participants.size).toBe(1);
    expect(state().persons.devices.size).toBe(1);

    // The second phone takes the dot off; the first phone is told.
    const mark = first.mark();
    ok(await second.send('dot:remove', { ideaId: city.ideaIds[0] }));
    await first.next<MeView>('me', (m) => Object.keys(m.dots).length === 0, mark);
    expect(state().dots.get(me.participantId)?.size ?? 0).toBe(0);

    // Each phone comes back after a reload with its own token, to the same ballot, without the code.
    const reload = await connect(city.vote.socketUrl, { role: 'phone', token: second.token });
    clients.push(reload);
    expect(ok(await reload.send('person:prove', { token: second.token, proof: { method: 'codes', code: 'anything' } })).me.participantId).toBe(me.participantId);
  });

  it('refuses a wrong code, one not issued yet, and slows wrong codes per connection', async () => {
    const p = await phone();
    const wrong = await p.send('person:prove', { token: p.token, proof: { method: 'codes', code: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ' } });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'WRONG_VOTER_CODE' } });
    expect(wrong.ok ? '' : wrong.error.message).toMatch(/Такого коду виборця немає/);
    // A right code of a serial not yet issued is as wrong as a made-up one.
    expect(refused(await p.send('person:prove', { token: p.token, proof: { method: 'codes', code: keys.voterCode(1011) } }))).toBe('WRONG_VOTER_CODE');
    expect(refused(await p.send('person:prove', { token: p.token, proof: { method: 'codes', code: 'short' } }))).toBe('WRONG_VOTER_CODE');
    // A code changed in one symbol is refused: the check covers every bit.
    const code = keys.voterCode(7);
    const changed = code.slice(0, 15) + (code[15] === '0' ? '1' : '0');
    expect(refused(await p.send('person:prove', { token: p.token, proof: { method: 'codes', code: changed } }))).toBe('WRONG_VOTER_CODE');
    expect(refused(await p.send('person:prove', { token: p.token, proof: { method: 'codes', code: 'ABCD' } }))).toBe('WRONG_VOTER_CODE');
    // Five wrong ones used the connection's burst: now even a right code waits.
    expect(refused(await p.send('person:prove', { token: p.token, proof: { method: 'codes', code } }))).toBe('RATE_LIMITED');
    expect(state().participants.size).toBe(1);
  });

  it('slows wrong codes per address across connections, and never holds up another address', async () => {
    const address = nextPhoneAddress();
    let limited = 0;
    for (let i = 0; i < 8 && limited === 0; i++) {
      const p = await phone(address);
      for (let j = 0; j < 5; j++) {
        const ack = await p.send('person:prove', { token: p.token, proof: { method: 'codes', code: `WRONG${i}${j}`.padEnd(16, 'X') } });
        if (!ack.ok && ack.error.code === 'RATE_LIMITED') limited++;
      }
      p.close();
    }
    // 30 wrong codes per address at once: the seventh connection of five wrong each is refused.
    expect(limited).toBeGreaterThan(0);
    const fresh = await phone(address);
    expect(refused(await fresh.send('person:prove', { token: fresh.token, proof: { method: 'codes', code: keys.voterCode(8) } }))).toBe('RATE_LIMITED');
    const elsewhere = await phone();
    ok(await elsewhere.send('person:prove', { token: elsewhere.token, proof: { method: 'codes', code: keys.voterCode(8) } }));
  });

  it('lets many persons vote from one address: the per-address cap is off', async () => {
    const carrier = nextPhoneAddress();
    const ids = new Set<string>();
    for (let serial = 20; serial < 26; serial++) {
      const p = await phone(carrier);
      ids.add(ok(await p.send('person:prove', { token: p.token, proof: { method: 'codes', code: keys.voterCode(serial) } })).me.participantId);
      ok(await p.send('dot:place', { ideaId: city.ideaIds[0] }));
    }
    expect(ids.size).toBe(6);
  });

  it('cannot change the way once ballots are held', async () => {
    const ack = await city.admin.send('identity:setMethod', { method: 'list' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'IDENTITY_LOCKED' } });
    expect(state().persons.method).toBe('codes');
  });

  it('keeps no code, no key and no raw identifier in the log or the forum files', async () => {
    const codes = [5, 7, 8, 20].map((n) => keys.voterCode(n));
    const db = new Database(city.server.dbPath, { readonly: true });
    const rows = db.prepare('SELECT seq, payload FROM events WHERE forum_id = ? ORDER BY seq').all(city.vote.forumId) as { seq: number; payload: string }[];
    const log = (db.prepare('SELECT payload FROM events').all() as { payload: string }[]).map((r) => r.payload).join('\n');
    db.close();
    // The log passes its own rules' check: the method, the batches, each person's first ballot and further devices.
    const report = verifyLog(rows.map((r) => ({ seq: r.seq, event: JSON.parse(r.payload) as ForumEvent })));
    expect(report.problems).toEqual([]);
    expect(rows.map((r) => (JSON.parse(r.payload) as ForumEvent).type)).toEqual(expect.arrayContaining(['identitySet', 'voterCodesIssued', 'deviceLinked']));
    const personKey = city.server.forums.secrets.personKey;
    const persons = [...state().persons.byPerson.keys()];
    expect(log).toContain(persons[0]);
    const files: Record<string, string> = {};
    for (const kind of ['sealed', 'archive']) {
      const res = await fetch(`${city.server.url}/f/${city.vote.slug}/api/forum.json?kind=${kind}`, { headers: { 'x-facilitator-key': city.server.facilitatorKey } });
      expect(res.status).toBe(200);
      files[kind] = await res.text();
    }
    for (const text of [log, files.sealed, files.archive]) {
      for (const code of codes) expect(text).not.toContain(code);
      expect(text).not.toContain(personKey);
    }
    expect(files.sealed).toContain(persons[0]);
    for (const person of persons) expect(files.archive).not.toContain(person);
    // The archive still holds one ballot a person: its stand-ins keep a person's devices together.
    const archived = JSON.parse(files.archive) as { events: { type: string; personId?: string }[] };
    const linked = archived.events.find((e) => e.type === 'deviceLinked')!;
    expect(archived.events.filter((e) => e.type === 'participantJoined' && e.personId === linked.personId)).toHaveLength(1);
    // The archive imports on another server: every new event passes the file's checks and the rules' replay.
    const other = await startTestServer();
    try {
      const res = await fetch(`${other.url}/api/forums/import?lang=en`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-facilitator-key': other.facilitatorKey },
        body: files.archive,
      });
      const reply = (await res.json()) as { ok: boolean; data?: { forumId: string } };
      expect(res.status, JSON.stringify(reply)).toBe(200);
      const imported = other.forums.get(reply.data!.forumId)!.room.state;
      expect(imported.persons.byPerson.size).toBe(persons.length);
      expect(imported.persons.method).toBe('codes');
      for (const person of persons) expect(imported.persons.byPerson.has(person)).toBe(false);
    } finally {
      await other.stop();
    }
    // The sealed file opens, not read-only, on a server with the same facilitator key but a person
    // key of its own: there no one may prove who they are, or a returning person would be a new one.
    const elsewhere = await startTestServer({ facilitatorKey: city.server.facilitatorKey });
    try {
      const res = await fetch(`${elsewhere.url}/api/forums/import?lang=en`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-facilitator-key': elsewhere.facilitatorKey },
        body: files.sealed,
      });
      const reply = (await res.json()) as { ok: boolean; data?: { slug: string } };
      expect(res.status, JSON.stringify(reply)).toBe(200);
      const token = newToken();
      const moved = await connect(`${elsewhere.url}/f/${reply.data!.slug}`, { role: 'phone', token });
      const ack = await moved.send('person:prove', { token, proof: { method: 'codes', code: keys.voterCode(9) } });
      moved.close();
      expect(ack).toMatchObject({ ok: false, error: { code: 'IDENTITY_KEY_ELSEWHERE' } });
      expect(ack.ok ? '' : ack.error.message).toMatch(/перенесено з іншого сервера/);
      const csv = await fetch(`${elsewhere.url}/f/${reply.data!.slug}/console/voter-codes.csv`, { headers: { 'x-facilitator-key': elsewhere.facilitatorKey } });
      expect(csv.status).toBe(409);
    } finally {
      await elsewhere.stop();
    }
  });

  it('keeps its key through a restart: a code proved again opens the same ballot', async () => {
    const before = [...state().persons.byPerson.values()];
    const dbPath = city.server.dbPath;
    const dir = city.server.dir;
    await city.admin.close();
    for (const c of clients.splice(0)) c.close();
    // Stopped without removing its folder, then started again on the same database.
    await city.server.close();
    const again = await startTestServer({ dbPath });
    city.server = Object.assign(again, { dir });
    try {
      const p = await phone(nextPhoneAddress(), `${again.url}/f/${city.vote.slug}`);
      const me = ok(await p.send('person:prove', { token: p.token, proof: { method: 'codes', code: keys.voterCode(5) } })).me;
      expect(before).toContain(me.participantId);
      expect(new PersonKeys(again.forums.secrets.personKey, city.vote.forumId).voterCode(5)).toBe(keys.voterCode(5));
    } finally {
      for (const c of clients.splice(0)) c.close();
    }
  });
});
