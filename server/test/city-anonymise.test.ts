// Deleting a closed city vote's personal data, end to end: residents prove who they are by e-mail
// (a real SMTP server started here, each code read from the mail it received) and cast ballots;
// after the close the facilitator deletes the personal data. Then the SQLite file and its
// write-ahead log, read raw, hold no e-mail address, no keyed person id and no phone's address used
// here; the published results and ballot lists hash as before, every receipt finds its line, the
// step is in the forum's log with who and when, no proof is taken any more, and a restart on the
// same database keeps all of it. The deletion by the retention date takes the backups taken
// before it that hold the data.

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLog } from '../../shared/forum/verify.js';
import { PersonKeys } from '../forum/persons.js';
import { mailbox } from '../forum/oneTimeCodes.js';
import type { ConsoleView } from '../../shared/protocol.js';
import { codeIn, readable, startSmtp, waitFor } from './codeProviders.js';
import { connect, connectConsole, joinPhone, newToken, ok, refused, startTestServer, tempDir, type TestClient, type TestServer } from './harness.js';
import { definition, firstForum, forumAt, newCityForum } from './cityForum.js';
import { anonymiseIfDue } from '../city/retention.js';
import { backupDatabase, listBackups } from '../db/backup.js';
import { retentionEnds } from '../../shared/forum/city.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Every byte of the database file and its write-ahead log, as text to search (a `strings` of both). */
function rawBytes(dbPath: string): string {
  return [dbPath, `${dbPath}-wal`].filter(existsSync).map((p) => readFileSync(p).toString('latin1')).join('\n');
}

const RESIDENTS = ['olena.koval@example.com', 'petro.shevchuk@example.org', 'iryna@misto.zt.ua'];
/** The name the first resident types at the proof: a person's, so it goes too. */
const NAME = 'Олена Коваленко';

/** Whether a backup holds forum `forumId` without its personsAnonymised event: its personal data still in it. */
function holdsPersons(file: string, forumId: string): boolean {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const has = (sql: string) => db.prepare(sql).get(forumId) !== undefined;
    return has('SELECT 1 FROM forums WHERE id = ?') && !has("SELECT 1 FROM events WHERE forum_id = ? AND type = 'personsAnonymised'");
  } finally {
    db.close();
  }
}

describe('deleting a closed city vote’s personal data', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'forum.db');
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  let slug: string;
  let forumId: string;
  let admin: TestClient;
  const receipts: string[] = [];
  let personIds: string[] = [];
  let addresses: string[] = [];
  let published: { resultsHash: string; canonical: string; ballotLists: { budgetId: string; sha256: string }[] };

  const get = (path: string) => fetch(`${server.url}/f/${slug}/${path}`);
  const state = () => server.forums.get(forumId)!.room.state;
  const phone = async () => {
    const token = newToken();
    return Object.assign(keep(await connect(`${server.url}/f/${slug}`, { role: 'phone', token })), { token });
  };
  const prove = async (p: TestClient & { token: string }, to: string) => {
    const before = smtp.mails.length;
    ok(await p.send('person:requestCode', { token: p.token, method: 'email', to }));
    const mail = await waitFor(() => smtp.mails.slice(before).find((m) => m.to.includes(mailbox(to)!)), `a mail to ${to}`);
    return p.send('person:prove', { token: p.token, ...(to === RESIDENTS[0] ? { name: NAME } : {}), proof: { method: 'email', to, code: codeIn(readable(mail.text))! } });
  };
  /** Each budget's ballot list as downloaded, hashed. */
  const listHashes = async () => {
    const out: Record<string, string> = {};
    for (const { budgetId } of published.ballotLists) out[budgetId] = sha256(Buffer.from(await (await get(`api/city/ballots/${budgetId}.pb`)).arrayBuffer()));
    return out;
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({ dbPath, smtp: { url: `smtp://127.0.0.1:${smtp.port}`, from: 'Громадський бюджет <vote@city.test>' } });
    const made = await newCityForum(server, keep, await firstForum(server, keep));
    slug = made.slug;
    forumId = server.forums.bySlug(slug)!.room.state.id;
    admin = keep(await connectConsole(forumAt(server, slug)));
    ok(await admin.send('identity:setMethod', { method: 'email' }));
    ok(await admin.send('city:setVote', { vote: definition(made.ideas, { privacy: { controller: 'Житомирська міська рада', contact: 'privacy@zt-rada.gov.ua', retainUntil: '2099-12-31' } }) }));
    ok(await admin.send('phase:set', { to: 'voting' }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
    await new Promise<void>((resolve) => smtp?.server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('is refused while the vote is open, then done once after the close, in the log with who and when', async () => {
    for (const [i, to] of RESIDENTS.entries()) {
      const p = await phone();
      ok(await prove(p, to));
      const ballot = { kind: 'knapsack', budgetId: 'centre', projectIds: i === 0 ? ['square'] : ['bike', 'lamps'] };
      receipts.push(ok(await p.send('city:cast', { ballot, actionId: `act-${Math.random().toString(16).slice(2, 14)}` })).receipt!);
    }
    // A second phone of the first resident: the same person, another device.
    ok(await prove(await phone(), RESIDENTS[0]));
    const keys = new PersonKeys(server.forums.secrets.personKey, forumId);
    personIds = RESIDENTS.map((to) => keys.contactPerson('email', to));
    addresses = [...state().participants.values()].map((p) => p.address).filter(Boolean);
    expect(addresses.length).toBe(RESIDENTS.length);
    expect([...state().persons.byPerson.keys()].sort()).toEqual([...personIds].sort());
    // What is deleted is there before: the scan finds it, so its finding nothing later means something.
    await server.forums.get(forumId)!.room.durable();
    const before = rawBytes(dbPath);
    for (const id of personIds) expect(before.includes(id), id).toBe(true);
    expect(Buffer.from(before, 'latin1').includes(Buffer.from(NAME))).toBe(true);

    const early = await admin.send('city:anonymise', {});
    expect(refused(early)).toBe('CITY_NOT_CLOSED');
    expect(early.ok ? '' : early.error.message).toMatch(/Голосування ще триває/);

    ok(await admin.send('phase:set', { to: 'results' }));
    published = (await (await get('api/city/results.json')).json()) as typeof published;
    const lists = await listHashes();
    const at = ok(await admin.send('city:anonymise', {})).at;
    expect(state().persons.anonymised).toEqual({ at, by: 'facilitator' });
    expect(state().persons.byPerson.size).toBe(0);
    const again = await admin.send('city:anonymise', {});
    expect(refused(again)).toBe('PERSONS_ANONYMISED');
    expect(again.ok ? '' : again.error.message).toMatch(/Персональні дані цього голосування/);

    // The results and the ballot lists as published, byte for byte.
    const after = (await (await get('api/city/results.json')).json()) as typeof published;
    expect(after.resultsHash).toBe(published.resultsHash);
    expect(after.canonical).toBe(published.canonical);
    expect(await listHashes()).toEqual(lists);
  });

  it('serves the data-protection notice for the way in used, in Ukrainian and in English, and says once the data is gone', async () => {
    const page = await (await get('privacy')).text();
    expect(page).toContain('<html lang="uk"');
    expect(page).toContain('Володілець персональних даних: Житомирська міська рада. Звертатися: privacy@zt-rada.gov.ua.');
    expect(page).toContain('адресу е-пошти');
    expect(page).toContain('31 грудня 2099');
    expect(page).toContain('вже видалено');
    const english = await (await get('privacy?lang=en')).text();
    expect(english).toContain('Data controller: Житомирська міська рада.');
    expect(english).toContain('Your e-mail address is used only to send you the code');
    expect(english).toContain('Ukrainian Parliament Commissioner for Human Rights');
  });

  it('leaves no e-mail address, person id or phone address in the database file or its write-ahead log', async () => {
    // The write-ahead log is emptied after the deletion; a reader elsewhere may hold it a moment.
    let raw = rawBytes(dbPath);
    for (let i = 0; i < 100 && [...personIds, ...addresses].some((s) => raw.includes(s)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      raw = rawBytes(dbPath);
    }
    for (const secret of [...RESIDENTS, ...RESIDENTS.map((r) => mailbox(r)!), ...personIds, ...addresses]) expect(raw.includes(secret), secret).toBe(false);
    // No e-mail address of any kind: the SMTP sender's is in no event either.
    expect(raw).not.toMatch(/[a-z0-9.]+@(example\.(com|org)|misto\.zt\.ua)/);
    expect(Buffer.from(raw, 'latin1').includes(Buffer.from(NAME))).toBe(false);
    expect([...state().participants.values()].every((p) => p.name === '')).toBe(true);
  });

  it('takes no proof any more, and every receipt still finds its line', async () => {
    const p = await phone();
    // Asking for a code is refused before any mail goes; proving with one is refused too.
    const sent = smtp.mails.length;
    const asked = await p.send('person:requestCode', { token: p.token, method: 'email', to: RESIDENTS[1] });
    expect(refused(asked)).toBe('PERSONS_ANONYMISED');
    expect(smtp.mails.length).toBe(sent);
    const proof = await p.send('person:prove', { token: p.token, proof: { method: 'email', to: RESIDENTS[1], code: '123456' } });
    expect(refused(proof)).toBe('PERSONS_ANONYMISED');
    for (const receipt of receipts) {
      const found = await get(`api/city/receipt?code=${receipt}`);
      expect(found.status, receipt).toBe(200);
      expect(((await found.json()) as { budgetId: string }).budgetId).toBe('centre');
    }
  });

  it('survives a restart: replayed from the rewritten log, nothing comes back, and the results are the same', async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
    const db = new Database(dbPath, { readonly: true });
    const logged = db.prepare("SELECT payload FROM events WHERE forum_id = ? AND type = 'personsAnonymised'").pluck().all(forumId) as string[];
    expect(logged.map((p) => JSON.parse(p) as { by: string })).toEqual([expect.objectContaining({ type: 'personsAnonymised', by: 'facilitator' })]);
    db.close();
    server = await startTestServer({ dbPath, smtp: { url: `smtp://127.0.0.1:${smtp.port}`, from: 'vote@city.test' } });
    const room = (await server.forums.use(forumId))!;
    expect(room.room.state.persons.anonymised?.by).toBe('facilitator');
    expect(room.room.state.persons.byPerson.size).toBe(0);
    expect([...room.room.state.participants.values()].every((p) => p.address === '')).toBe(true);
    const after = (await (await get('api/city/results.json')).json()) as typeof published;
    expect(after.resultsHash).toBe(published.resultsHash);
    for (const receipt of receipts) expect((await get(`api/city/receipt?code=${receipt}`)).status).toBe(200);
    const p = await phone();
    expect(refused(await p.send('person:requestCode', { token: p.token, method: 'email', to: RESIDENTS[0] }))).toBe('PERSONS_ANONYMISED');
    // The rewritten log still passes the rules from its first event to its last.
    const report = verifyLog((await server.forums.events(forumId)).map((event, i) => ({ seq: i + 1, event })));
    expect(report.problems).toEqual([]);
    const raw = rawBytes(dbPath);
    for (const secret of [...personIds, ...addresses, ...RESIDENTS]) expect(raw.includes(secret), secret).toBe(false);
  });
});

describe('the retention date in the vote’s definition', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  it('must be a real day from tomorrow on, and once it has passed after the close the server deletes the data by itself', async () => {
    const { slug, ideas } = await newCityForum(server, keep, await firstForum(server, keep));
    const forum = forumAt(server, slug);
    const admin = keep(await connectConsole(forum));
    const privacy = (retainUntil: string) => definition(ideas, { privacy: { controller: 'Міська рада', contact: '+380 412 000 000', retainUntil } });
    for (const bad of ['2020-01-01', '2027-02-30', 'завтра']) {
      const refusedAck = await admin.send('city:setVote', { vote: privacy(bad) });
      expect(refused(refusedAck), bad).toBe('BAD_INPUT');
      expect(refusedAck.ok ? '' : refusedAck.error.message).toMatch(/Зберігати персональні дані до/);
    }
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const vote = ok(await admin.send('city:setVote', { vote: privacy(tomorrow) })).vote;
    expect(vote.privacy).toEqual({ controller: 'Міська рада', contact: '+380 412 000 000', retainUntil: tomorrow });
    ok(await admin.send('phase:set', { to: 'voting' }));
    const voter = keep(await joinPhone(forum, 'Олена'));
    const { receipt } = ok(await voter.send('city:cast', { ballot: { kind: 'knapsack', budgetId: 'centre', projectIds: ['lamps'] }, actionId: 'act-retention01' }));
    const room = server.forums.bySlug(slug)!.room;
    const ends = retentionEnds(vote.privacy!)!;
    // Not while the vote is open, whatever the date; not before the date once it has closed.
    expect(anonymiseIfDue(room, () => {}, ends + 1)).toBe(false);
    ok(await admin.send('phase:set', { to: 'results' }));
    const hash = ((await (await fetch(`${server.url}/f/${slug}/api/city/results.json`)).json()) as { resultsHash: string }).resultsHash;
    expect(anonymiseIfDue(room, () => {}, ends - 1)).toBe(false);
    expect(room.state.persons.anonymised).toBeNull();
    // A backup taken before the deletion holds the vote's personal data: the deletion takes it too.
    await room.durable();
    const before = await backupDatabase(server.dbPath, { kind: 'manual' });
    expect(holdsPersons(before.file, room.state.id)).toBe(true);
    const mark = admin.mark();
    expect(anonymiseIfDue(room, () => {}, ends + 1)).toBe(true);
    expect(room.state.persons.anonymised).toEqual({ at: ends + 1, by: 'retention' });
    // The console is told, and the step is stored: the next look finds nothing to do.
    await admin.next<ConsoleView>('console', (v) => v.admission.identity.anonymised?.by === 'retention', mark);
    await room.durable();
    expect(existsSync(before.file)).toBe(false);
    for (const { file } of listBackups(server.dbPath)) expect(holdsPersons(file, room.state.id), file).toBe(false);
    expect(anonymiseIfDue(room, () => {}, ends + 2)).toBe(false);
    expect(((await (await fetch(`${server.url}/f/${slug}/api/city/results.json`)).json()) as { resultsHash: string }).resultsHash).toBe(hash);
    expect((await fetch(`${server.url}/f/${slug}/api/city/receipt?code=${receipt}`)).status).toBe(200);
  });
});
