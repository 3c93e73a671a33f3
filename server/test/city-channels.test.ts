// A city vote's channels, end to end with a real server, real socket.io clients and a real SQLite
// file: staff of two service points invited by the organiser (one of them entering paper
// ballots), residents of the eligibility list voting online on two phones, at a service point and
// on paper; a person who voted in one channel refused in every other, both ways and across
// devices; in-person ballots final; every staff step in the audit log without the ballot or the
// person; a revoked staff link dead at once; the results per channel after the close against a
// count made here; the ballot lists' channel column; and all of it the same after a restart.

import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPabulib } from '../../shared/city/pabulib.js';
import type { CityBallot } from '../../shared/city/vote.js';
import type { CityVoteInput } from '../../shared/forum/city.js';
import type { ForumEvent } from '../../shared/forum/types.js';
import { verifyLog } from '../../shared/forum/verify.js';
import type { ConsoleView, StaffMe } from '../../shared/protocol.js';
import { firstForum, forumAt, newCityForum } from './cityForum.js';
import { connect, connectConsole, newToken, ok, refused, startTestServer, type TestClient, type TestServer } from './harness.js';

const LIST = [
  { number: 'АВ 100001', fact: '1980' }, // online, on two phones
  { number: 'АВ 100002', fact: '1975' }, // at the service point
  { number: 'АВ 100003', fact: '1990' }, // proved on a phone, voted at the service point
  { number: 'АВ 100004', fact: '1961' }, // on paper
  { number: 'АВ 100005', fact: '2002' }, // online
  { number: 'АВ 100006', fact: '1999' }, // on paper
];

const vote = (ideaId: string): CityVoteInput => ({
  title: 'Громадський бюджет 2027',
  budgets: [
    { id: 'north', name: 'Північ', amount: 1_000 },
    { id: 'south', name: 'Південь', amount: 500 },
  ],
  projects: [
    { id: 'park', budgetId: 'north', cost: 600, ideaId },
    { id: 'lamps', budgetId: 'north', cost: 300, title: 'Ліхтарі' },
    { id: 'bench', budgetId: 'north', cost: 200, title: 'Лавки' },
    { id: 'pool', budgetId: 'south', cost: 400, title: 'Басейн' },
    { id: 'books', budgetId: 'south', cost: 100, title: 'Книги' },
  ],
  ballot: { kind: 'approval', maxChoices: 2 },
  counting: { kind: 'greedy' },
  tie: { kind: 'cheaperThenListed' },
});

const approval = (budgetId: string, ...projectIds: string[]): CityBallot => ({ kind: 'approval', budgetId, projectIds });
const listProof = (i: number) => ({ method: 'list' as const, number: LIST[i].number, fact: LIST[i].fact });

type Channel = 'online' | 'service-point' | 'paper';

describe('channels: online, at a service point and on paper, one person one channel', () => {
  let city: { server: TestServer; vote: { slug: string; forumId: string }; admin: TestClient; ideaIds: string[] };
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  /** Each person's standing ballots and channel, as this test cast them: the count made here. */
  const standing = new Map<number, { channel: Channel; ballots: Map<string, CityBallot> }>();
  const record = (person: number, channel: Channel, ballot: CityBallot) => {
    const held = standing.get(person) ?? { channel, ballots: new Map() };
    held.ballots.set(ballot.budgetId, ballot);
    standing.set(person, held);
  };
  let staffA: TestClient; // service point «ЦНАП Центр»
  let staffB: TestClient; // paper ballots at «Бібліотека №3»
  let staffBId: string;
  let staffBKey: string;
  let staffAKey: string;
  const socketUrl = () => `${city.server.url}/f/${city.vote.slug}`;
  const state = () => city.server.forums.get(city.vote.forumId)!.room.state;

  const phone = async (person: number) => {
    const token = newToken();
    const c = keep(await connect(socketUrl(), { role: 'phone', token }));
    const ack = await c.send('person:prove', { token, proof: listProof(person) });
    return { c, ack };
  };
  const staff = async (key: string, lang: 'uk' | 'en' = 'uk') => {
    const c = keep(await connect(socketUrl(), { role: 'staff', key, lang }));
    await c.next<StaffMe>('staff');
    return c;
  };
  const keyOf = (link: string) => new URL(link, 'http://x').searchParams.get('host')!;

  beforeAll(async () => {
    // A snapshot every 10 events: the restart below opens the forum from one, then replays the rest.
    const server = await startTestServer({ snapshotEvery: 10 });
    const { slug, ideas } = await newCityForum(server, keep, await firstForum(server, keep));
    const admin = keep(await connectConsole(forumAt(server, slug)));
    city = { server, vote: { slug, forumId: server.forums.bySlug(slug)!.room.state.id }, admin, ideaIds: Object.values(ideas) };
    ok(await city.admin.send('identity:setMethod', { method: 'list' }));
    ok(await city.admin.send('identity:addListed', { rows: LIST, firstLine: 2 }));
    ok(await city.admin.send('city:setVote', { vote: vote(city.ideaIds[0]) }));
    const a = ok(await city.admin.send('host:invite', { name: 'Олена', scope: null, point: 'ЦНАП Центр' }));
    const b = ok(await city.admin.send('host:invite', { name: 'Петро', scope: null, point: 'Бібліотека №3' }));
    expect(a.link).toMatch(/^\/f\/[^/]+\/staff\?host=/);
    staffBId = b.hostId;
    staffBKey = keyOf(b.link);
    staffAKey = keyOf(a.link);
    staffA = await staff(staffAKey);
    staffB = await staff(staffBKey, 'en');
    ok(await city.admin.send('phase:set', { to: 'voting' }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await city?.server.close();
    if (city?.server.dir) rmSync(city.server.dir, { recursive: true, force: true });
  });

  it('opens a staff link on the staff page only, and tells staff who and where they are', async () => {
    const staffMe = staffA.received.find((r) => r.event === 'staff')!.args[0] as StaffMe;
    expect(staffMe).toMatchObject({ name: 'Олена', point: 'ЦНАП Центр' });
    // The same secret does not open the console as a host, nor a host's secret the staff page.
    await expect(connect(socketUrl(), { role: 'host', key: keyOf(ok(await city.admin.send('host:invite', { name: 'Ігор', scope: null, point: 'Ринок' })).link) })).rejects.toThrow('FORBIDDEN');
    const host = ok(await city.admin.send('host:invite', { name: 'Ведучий', scope: null }));
    await expect(connect(socketUrl(), { role: 'staff', key: keyOf(host.link) })).rejects.toThrow('FORBIDDEN');
    // Staff send only staff commands: no console command, no phone's ballot.
    expect(refused(await staffA.send('phase:set', { to: 'results' }))).toBe('FORBIDDEN');
    expect(refused(await staffA.send('city:cast', { ballot: approval('north', 'park') }))).toBe('FORBIDDEN');
  });

  it('refuses at the service point and on paper a person who voted online, from any phone of theirs', async () => {
    const first = await phone(0);
    ok(first.ack);
    ok(await first.c.send('city:cast', { ballot: approval('north', 'park', 'lamps') }));
    record(0, 'online', approval('north', 'park', 'lamps'));
    // Their second phone holds the same ballot, and may change it until the close.
    const second = await phone(0);
    ok(second.ack);
    ok(await second.c.send('city:cast', { ballot: approval('north', 'park') }));
    record(0, 'online', approval('north', 'park'));

    const check = await staffA.send('staff:check', { proof: listProof(0), channel: 'service-point' });
    expect(check).toMatchObject({ ok: false, error: { code: 'CITY_CHANNEL_TAKEN', params: { channel: 'online' } } });
    expect(check.ok ? '' : check.error.message).toBe('Ця особа вже проголосувала онлайн. Голосують лише в один спосіб: інший бюлетень не приймається.');
    const cast = await staffA.send('staff:cast', { proof: listProof(0), channel: 'service-point', document: 'passport', ballot: approval('south', 'pool') });
    expect(cast).toMatchObject({ ok: false, error: { code: 'CITY_CHANNEL_TAKEN' } });
    const paper = await staffB.send('staff:cast', { proof: listProof(0), channel: 'paper', ballot: approval('south', 'books') });
    expect(paper.ok ? '' : paper.error.message).toBe('This person has already voted online. A person votes one way only: no other ballot is taken.');

    const other = await phone(4);
    ok(other.ack);
    ok(await other.c.send('city:cast', { ballot: approval('south', 'pool', 'books') }));
    record(4, 'online', approval('south', 'pool', 'books'));
  });

  it('takes a ballot at the service point, final, and refuses that person online on any phone and on paper', async () => {
    const check = ok(await staffA.send('staff:check', { proof: listProof(1), channel: 'service-point' }));
    expect(check).toEqual({ fresh: true, voted: [] });
    const cast = ok(await staffA.send('staff:cast', { proof: listProof(1), channel: 'service-point', document: 'id-card', ballot: approval('north', 'lamps', 'bench') }));
    expect(cast.receipt).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(cast.voted).toEqual(['north']);
    record(1, 'service-point', approval('north', 'lamps', 'bench'));
    // The same visit, the other budget; the number typed as people type it.
    ok(await staffA.send('staff:cast', { proof: { method: 'list', number: 'ав100002', fact: ' 1975 ' }, channel: 'service-point', document: 'id-card', ballot: approval('south', 'books') }));
    record(1, 'service-point', approval('south', 'books'));
    expect(ok(await staffA.send('staff:check', { proof: listProof(1), channel: 'service-point' }))).toEqual({ fresh: false, voted: ['north', 'south'] });
    // Final: not cast again in a budget, neither here nor on paper.
    const again = await staffA.send('staff:cast', { proof: listProof(1), channel: 'service-point', document: 'id-card', ballot: approval('north', 'park') });
    expect(again).toMatchObject({ ok: false, error: { code: 'CITY_ALREADY_VOTED' } });
    expect(again.ok ? '' : again.error.message).toMatch(/вже проголосувала тут/);
    expect(await staffB.send('staff:cast', { proof: listProof(1), channel: 'paper', ballot: approval('north', 'park') })).toMatchObject({ ok: false, error: { code: 'CITY_CHANNEL_TAKEN', params: { channel: 'service-point' } } });
    // Online, on a phone: refused at the proof, worded.
    const online = await phone(1);
    expect(online.ack).toMatchObject({ ok: false, error: { code: 'CITY_CHANNEL_TAKEN', params: { channel: 'service-point' } } });
    expect(online.ack.ok ? '' : online.ack.error.message).toBe('Ця особа вже проголосувала у центрі обслуговування. Голосують лише в один спосіб: інший бюлетень не приймається.');
  });

  it('serves at the service point a person who proved online but never voted, whose phone then cannot cast', async () => {
    const proved = await phone(2);
    ok(proved.ack);
    ok(await staffA.send('staff:cast', { proof: listProof(2), channel: 'service-point', document: 'residence-permit', ballot: approval('north', 'park', 'bench') }));
    record(2, 'service-point', approval('north', 'park', 'bench'));
    const late = await proved.c.send('city:cast', { ballot: approval('south', 'pool') });
    expect(late).toMatchObject({ ok: false, error: { code: 'CITY_CHANNEL_TAKEN', params: { channel: 'service-point' } } });
    expect(refused(await proved.c.send('city:withdraw', { budgetId: 'north' }))).toBe('CITY_CHANNEL_TAKEN');
  });

  it('enters paper ballots, which bind their persons as the service point does', async () => {
    ok(await staffB.send('staff:cast', { proof: listProof(3), channel: 'paper', ballot: approval('north', 'lamps') }));
    record(3, 'paper', approval('north', 'lamps'));
    ok(await staffB.send('staff:cast', { proof: listProof(5), channel: 'paper', ballot: approval('north', 'park', 'lamps') }));
    record(5, 'paper', approval('north', 'park', 'lamps'));
    ok(await staffB.send('staff:cast', { proof: listProof(5), channel: 'paper', ballot: approval('south', 'pool') }));
    record(5, 'paper', approval('south', 'pool'));
    expect((await phone(3)).ack).toMatchObject({ ok: false, error: { code: 'CITY_CHANNEL_TAKEN', params: { channel: 'paper' } } });
    expect(await staffA.send('staff:check', { proof: listProof(5), channel: 'service-point' })).toMatchObject({ ok: false, error: { code: 'CITY_CHANNEL_TAKEN', params: { channel: 'paper' } } });
  });

  it('refuses what staff type wrong, clearly, and changes nothing', async () => {
    const before = state().city.casts.length;
    const unlisted = await staffA.send('staff:cast', { proof: { method: 'list', number: 'АВ 999999', fact: '1980' }, channel: 'service-point', document: 'passport', ballot: approval('north', 'park') });
    expect(unlisted).toMatchObject({ ok: false, error: { code: 'NOT_LISTED' } });
    const kind = await staffA.send('staff:check', { proof: { method: 'document', number: 'АВ 100001' }, channel: 'service-point' });
    expect(kind).toMatchObject({ ok: false, error: { code: 'STAFF_PROOF_KIND', params: { expected: 'list' } } });
    expect(kind.ok ? '' : kind.error.message).toMatch(/номер документа і рік народження/);
    // At a service point the document checked is said; on paper it is not.
    expect(refused(await staffA.send('staff:cast', { proof: listProof(4), channel: 'service-point', ballot: approval('north', 'park') }))).toBe('CITY_CHANNEL_TAKEN');
    const nobody = { method: 'list' as const, number: 'АВ 999998', fact: '1' };
    expect(refused(await staffA.send('staff:cast', { proof: nobody, channel: 'service-point', ballot: approval('north', 'park') }))).toBe('NOT_LISTED');
    const over = await staffB.send('staff:cast', { proof: listProof(3), channel: 'paper', ballot: approval('south', 'pool', 'books', 'pool') });
    expect(over).toMatchObject({ ok: false, error: { code: 'CITY_REFUSED' } });
    expect(state().city.casts.length).toBe(before);
    // Second facts are slowed per listed number as a phone's are: the sixth try waits, even from a fresh page.
    const desk = await staff(staffAKey);
    for (const year of ['1901', '1902', '1903', '1904', '1905']) {
      expect(refused(await desk.send('staff:check', { proof: { method: 'list', number: 'АВ 999997', fact: year }, channel: 'service-point' }))).toBe('NOT_LISTED');
    }
    const slowed = await (await staff(staffAKey)).send('staff:check', { proof: { method: 'list', number: 'АВ 999997', fact: '1906' }, channel: 'service-point' });
    expect(slowed).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });

  it('logs every in-person ballot with its staff, point, channel, document and budget, never the ballot or the person', async () => {
    const view = await city.admin.next<ConsoleView>('console', (v) => v.moderation.filter((m) => m.action === 'inPersonBallot').length === 6);
    const entries = view.moderation.filter((m) => m.action === 'inPersonBallot');
    expect(entries.map((m) => [m.byName, m.channel, m.document ?? null, m.budgetId])).toEqual([
      ['Олена · ЦНАП Центр', 'service-point', 'id-card', 'north'],
      ['Олена · ЦНАП Центр', 'service-point', 'id-card', 'south'],
      ['Олена · ЦНАП Центр', 'service-point', 'residence-permit', 'north'],
      ['Петро · Бібліотека №3', 'paper', null, 'north'],
      ['Петро · Бібліотека №3', 'paper', null, 'north'],
      ['Петро · Бібліотека №3', 'paper', null, 'south'],
    ]);
    for (const m of entries) {
      expect(m).not.toHaveProperty('participantId');
      expect(JSON.stringify(m)).not.toMatch(/park|lamps|bench|pool|books/);
    }
    // Nothing of the count before the close: the console's turnout tells voters per channel only.
    const turnout = (await (await fetch(`${city.server.url}/f/${city.vote.slug}/api/city/turnout.json`, { headers: { 'x-facilitator-key': city.server.facilitatorKey } })).json()) as {
      voters: number;
      perChannel: Record<Channel, number>;
      byHour: { newVoters: number; newByChannel: Record<Channel, number> }[];
    };
    expect(turnout.perChannel).toEqual({ online: 2, 'service-point': 2, paper: 2 });
    expect(turnout.voters).toBe(6);
    const hours = turnout.byHour.reduce((n, h) => n + h.newByChannel.online + h.newByChannel['service-point'] + h.newByChannel.paper, 0);
    expect(hours).toBe(6);
    expect((await fetch(`${city.server.url}/f/${city.vote.slug}/api/city/results.json`)).status).toBe(409);
  });

  it('stops a revoked staff link at once: its page is disconnected and refused again', async () => {
    ok(await city.admin.send('host:revoke', { hostId: staffBId }));
    await new Promise<void>((resolve) => (staffB.socket.connected ? staffB.socket.once('disconnect', () => resolve()) : resolve()));
    await expect(connect(socketUrl(), { role: 'staff', key: staffBKey })).rejects.toThrow('FORBIDDEN');
    expect(state().hosts.get(staffBId)?.revoked).toBe(true);
  });

  /** The count made here: votes per project and channel, voters per budget and channel. */
  function countHere(): Map<string, { voters: Record<Channel, number>; votes: Map<string, Record<Channel, number>> }> {
    const out = new Map<string, { voters: Record<Channel, number>; votes: Map<string, Record<Channel, number>> }>();
    const zero = () => ({ online: 0, 'service-point': 0, paper: 0 });
    for (const b of vote('').budgets) out.set(b.id, { voters: zero(), votes: new Map(vote('').projects.filter((p) => p.budgetId === b.id).map((p) => [p.id, zero()])) });
    for (const { channel, ballots } of standing.values()) {
      for (const ballot of ballots.values()) {
        const budget = out.get(ballot.budgetId)!;
        budget.voters[channel]++;
        if (ballot.kind !== 'points') for (const id of ballot.projectIds) budget.votes.get(id)![channel]++;
      }
    }
    return out;
  }

  async function checkPublished(): Promise<void> {
    const base = `${city.server.url}/f/${city.vote.slug}`;
    const published = (await (await fetch(`${base}/api/city/results.json`)).json()) as {
      canonical: string;
      byChannel: { budgetId: string; voters: Record<Channel, number>; projects: { projectId: string; votes: Record<Channel, number> }[] }[];
    };
    const here = countHere();
    const doc = JSON.parse(published.canonical) as { budgets: { id: string; voters: number; projects: { id: string; votes: number }[] }[] };
    for (const b of published.byChannel) {
      const mine = here.get(b.budgetId)!;
      expect(b.voters).toEqual(mine.voters);
      for (const p of b.projects) expect(p.votes, `${b.budgetId}/${p.projectId}`).toEqual(mine.votes.get(p.projectId));
      // The channels add up to the canonical count.
      const canonical = doc.budgets.find((d) => d.id === b.budgetId)!;
      expect(canonical.voters).toBe(b.voters.online + b.voters['service-point'] + b.voters.paper);
      for (const p of canonical.projects) {
        const v = b.projects.find((x) => x.projectId === p.id)!.votes;
        expect(p.votes).toBe(v.online + v['service-point'] + v.paper);
      }
    }
    // Each ballot list says every line's channel, and its channels add up to the count made here.
    for (const budgetId of ['north', 'south']) {
      const file = readPabulib(await (await fetch(`${base}/api/city/ballots/${budgetId}.pb`)).text());
      const byChannel: Record<string, number> = { online: 0, 'service-point': 0, paper: 0 };
      for (const v of file.votes) byChannel[v.channel!]++;
      expect(byChannel).toEqual(here.get(budgetId)!.voters);
    }
    const csv = await (await fetch(`${base}/api/city/results.csv`)).text();
    // park: online 1 (person 0), service point 1 (person 2), paper 1 (person 5).
    expect(csv).toMatch(/\r\nnorth,Північ,1000,5,park,.*,1,1,1\r\n/);
  }

  it('publishes after the close the votes per channel, as counted here, adding up to the canonical count', async () => {
    ok(await city.admin.send('phase:set', { to: 'results' }));
    expect(refused(await staffA.send('staff:cast', { proof: listProof(4), channel: 'service-point', document: 'passport', ballot: approval('south', 'pool') }))).toBe('WRONG_PHASE');
    await checkPublished();
    // Its forum files, moved to another server: every in-person ballot checked and replayed there,
    // the same results to the hash, and the same votes per channel.
    const base = `${city.server.url}/f/${city.vote.slug}`;
    const here = (await (await fetch(`${base}/api/city/results.json`)).json()) as { resultsHash: string; byChannel: unknown };
    for (const kind of ['sealed', 'archive']) {
      const file = await (await fetch(`${base}/api/forum.json?kind=${kind}`, { headers: { 'x-facilitator-key': city.server.facilitatorKey } })).text();
      expect(file).toContain('"service-point"');
      const other = await startTestServer({ facilitatorKey: city.server.facilitatorKey });
      try {
        const imported = await fetch(`${other.url}/api/forums/import`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-facilitator-key': other.facilitatorKey }, body: file });
        const reply = (await imported.json()) as { ok: boolean; data: { slug: string } };
        expect(reply.ok, kind).toBe(true);
        const there = (await (await fetch(`${other.url}/f/${reply.data.slug}/api/city/results.json`)).json()) as { resultsHash: string; byChannel: unknown };
        expect(there.resultsHash, kind).toBe(here.resultsHash);
        expect(there.byChannel, kind).toEqual(here.byChannel);
      } finally {
        await other.stop();
      }
    }
  });

  it('keeps the channels through a restart, its log passing its own rules', async () => {
    const db = new Database(city.server.dbPath, { readonly: true });
    const rows = db.prepare('SELECT seq, payload FROM events WHERE forum_id = ? ORDER BY seq').all(city.vote.forumId) as { seq: number; payload: string }[];
    db.close();
    const events = rows.map((r) => ({ seq: r.seq, event: JSON.parse(r.payload) as ForumEvent }));
    expect(verifyLog(events).problems).toEqual([]);
    // No number, no second fact, no name of a resident in the log (as whole words: a hash or a
    // timestamp may hold the same digits).
    expect(rows.map((r) => r.payload).join('\n')).not.toMatch(/\b(100001|100002|1975)\b|АВ/);
    const casts = state().city.casts.map((c) => [c.voterId, c.budgetId, c.channel ?? 'online']);
    const journal = state().moderation.filter((m) => m.action === 'inPersonBallot');
    const points = [...state().hosts.values()].map((h) => h.point ?? null);
    const dbPath = city.server.dbPath;
    const dir = city.server.dir;
    for (const c of clients.splice(0)) c.close();
    city.admin.close();
    await city.server.close();
    const again = await startTestServer({ dbPath, snapshotEvery: 10 });
    city.server = Object.assign(again, { dir });
    const check = new Database(dbPath, { readonly: true });
    const snapshots = check.prepare('SELECT COUNT(*) AS n FROM snapshot_parts WHERE forum_id = ?').get(city.vote.forumId) as { n: number };
    check.close();
    expect(snapshots.n).toBeGreaterThan(0);
    expect(state().city.casts.map((c) => [c.voterId, c.budgetId, c.channel ?? 'online'])).toEqual(casts);
    expect(state().moderation.filter((m) => m.action === 'inPersonBallot')).toEqual(journal);
    expect([...state().hosts.values()].map((h) => h.point ?? null)).toEqual(points);
    city.admin = keep(await connect(socketUrl(), { role: 'console', key: again.facilitatorKey }));
    await checkPublished();
    // The person who voted on paper is still refused online after the restart.
    const token = newToken();
    const p = keep(await connect(socketUrl(), { role: 'phone', token }));
    expect(refused(await p.send('person:prove', { token, proof: listProof(5) }))).toBe('CITY_CHANNEL_TAKEN');
  });
});
