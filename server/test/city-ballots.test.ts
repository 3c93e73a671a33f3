// Casting city ballots, end to end with a real server, real socket.io phones and a real SQLite
// file: each ballot kind cast, changed and withdrawn until the close, every cast answered with a
// receipt; nothing of the count reaches anyone before the close; after it, the results counted by
// the rule fixed beforehand match a count made here independently (knapsack with a tie at the
// budget's edge), the Pabulib lists read back hash to what the canonical results hold, and a
// receipt finds its own line while a replaced one finds none.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalCityResults } from '../../shared/city/cityResults.js';
import { countCityVote } from '../../shared/city/counting.js';
import { publishedBallotLists } from '../../shared/city/ballotList.js';
import type { BallotCast } from '../../shared/city/latestBallots.js';
import { ballotsFromPabulib, readPabulib } from '../../shared/city/pabulib.js';
import type { BallotRule, CityBallot, CityVote } from '../../shared/city/vote.js';
import type { CommandPayload } from '../../shared/protocol.js';
import { connectConsole, connectScreen, joinPhone, ok, refused, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';
import { definition, firstForum, forumAt, newCityForum } from './cityForum.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

type CastBallot = CommandPayload<'city:cast'>['ballot'];

interface CityDoc {
  format: string;
  budgets: { id: string; voters: number; spent: number; ballotList: string; projects: { id: string; votes: number; fundedOrder?: number }[] }[];
}

/**
 * The count made here, without the server's code: each voter's last ballot per budget (none if
 * withdrawn last), votes summed (points as given), then greedy by votes, the cheaper first on a tie,
 * then the listed order; a project that does not fit what is left is passed over.
 */
function countHere(vote: CityVote, lastBallots: Map<string, CityBallot | null>): Map<string, { votes: Map<string, number>; funded: string[]; voters: number }> {
  const out = new Map<string, { votes: Map<string, number>; funded: string[]; voters: number }>();
  for (const budget of vote.budgets) {
    const projects = vote.projects.filter((p) => p.budgetId === budget.id);
    const votes = new Map(projects.map((p) => [p.id, 0]));
    let voters = 0;
    for (const ballot of lastBallots.values()) {
      if (!ballot || ballot.budgetId !== budget.id) continue;
      voters++;
      if (ballot.kind === 'points') for (const m of ballot.points) votes.set(m.projectId, votes.get(m.projectId)! + m.points);
      else for (const id of ballot.projectIds) votes.set(id, votes.get(id)! + 1);
    }
    const order = [...projects].sort((a, b) => votes.get(b.id)! - votes.get(a.id)! || a.cost - b.cost || projects.indexOf(a) - projects.indexOf(b));
    let left = budget.amount;
    const funded: string[] = [];
    for (const p of order) {
      if (votes.get(p.id)! > 0 && p.cost <= left) {
        funded.push(p.id);
        left -= p.cost;
      }
    }
    out.set(budget.id, { votes, funded, voters });
  }
  return out;
}

describe('city ballots: cast, changed, withdrawn, hidden until the close, then counted and published', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const keep = <T extends TestClient>(c: T): T => (clients.push(c), c);
  let first: string[];

  beforeAll(async () => {
    server = await startTestServer();
    first = await firstForum(server, keep);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
  });

  /** A city forum with this ballot rule, opened; its console, and phones that join it. */
  async function openVote(ballot: BallotRule, projects?: ReturnType<typeof definition>['projects'], budgets?: ReturnType<typeof definition>['budgets']) {
    const { slug, ideas } = await newCityForum(server, keep, first);
    const forum = forumAt(server, slug);
    const admin = keep(await connectConsole(forum));
    const base = definition(ideas);
    const { vote } = ok(await admin.send('city:setVote', { vote: { ...base, ballot, ...(projects ? { projects } : {}), ...(budgets ? { budgets } : {}) } }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    const phones = async (n: number) => Promise.all(Array.from({ length: n }, (_, i) => joinPhone(forum, `Виборець ${i + 1}`).then(keep)));
    return { slug, forum, admin, vote, phones };
  }

  /** Casts and keeps each voter's latest ballot, for the count made here. */
  function ballotBox() {
    const last = new Map<string, CityBallot | null>();
    const receipts = new Map<string, string>();
    return {
      last,
      receipts,
      async cast(phone: TestPhone, ballot: CastBallot): Promise<string> {
        const { receipt, me } = ok(await phone.send('city:cast', { ballot, actionId: `act-${Math.random().toString(16).slice(2, 14)}` }));
        expect(receipt).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
        expect(me.cityBallots.find((b) => b.budgetId === ballot.budgetId)).toBeDefined();
        last.set(`${phone.me.participantId}/${ballot.budgetId}`, ballot as CityBallot);
        receipts.set(`${phone.me.participantId}/${ballot.budgetId}`, receipt!);
        return receipt!;
      },
      async withdraw(phone: TestPhone, budgetId: string) {
        const { me } = ok(await phone.send('city:withdraw', { budgetId }));
        expect(me.cityBallots.find((b) => b.budgetId === budgetId)).toBeUndefined();
        last.set(`${phone.me.participantId}/${budgetId}`, null);
        receipts.delete(`${phone.me.participantId}/${budgetId}`);
      },
    };
  }

  const get = (slug: string, path: string) => fetch(`${server.url}/f/${slug}/${path}`);

  /** Closes the vote, checks the publication against the count made here and the lists read back; gives the document. */
  async function closeAndCheck(slug: string, admin: TestClient, vote: CityVote, box: ReturnType<typeof ballotBox>): Promise<CityDoc> {
    ok(await admin.send('phase:set', { to: 'results' }));
    const res = await get(slug, 'api/city/results.json');
    expect(res.status).toBe(200);
    const published = (await res.json()) as { resultsHash: string; canonical: string; ballotLists: { budgetId: string; sha256: string; url: string }[] };
    expect(sha256(published.canonical)).toBe(published.resultsHash);
    const doc = JSON.parse(published.canonical) as CityDoc;
    expect(doc.format).toBe('viche-city-results/1');
    const expected = countHere(vote, box.last);
    const recast: BallotCast[] = [];
    for (const budget of doc.budgets) {
      const here = expected.get(budget.id)!;
      expect(budget.voters, budget.id).toBe(here.voters);
      expect(Object.fromEntries(budget.projects.map((p) => [p.id, p.votes])), budget.id).toEqual(Object.fromEntries(here.votes));
      const funded = budget.projects.filter((p) => p.fundedOrder !== undefined).sort((a, b) => a.fundedOrder! - b.fundedOrder!).map((p) => p.id);
      expect(funded, budget.id).toEqual(here.funded);
      // The Pabulib file, downloaded and read back: its hash is the one inside the canonical results.
      const list = published.ballotLists.find((l) => l.budgetId === budget.id)!;
      const text = await (await get(slug, list.url)).text();
      expect(sha256(text)).toBe(budget.ballotList);
      expect(list.sha256).toBe(budget.ballotList);
      const lines = ballotsFromPabulib(readPabulib(text), budget.id);
      expect(lines).toHaveLength(here.voters);
      lines.forEach((line, i) => recast.push({ voterId: line.voterId, budgetId: budget.id, seq: i + 1, ballot: line.ballot }));
    }
    // Anyone holding the files alone counts them again to the same canonical results.
    const place = vote.place ?? { country: 'Ukraine', unit: vote.title };
    const again = await publishedBallotLists(vote, recast, place, (id) => id);
    expect(canonicalCityResults(vote, countCityVote(vote, recast), again)).toBe(published.canonical);
    // Each standing receipt finds its own line, naming the ballot as cast.
    for (const [key, receipt] of box.receipts) {
      const found = await get(slug, `api/city/receipt?code=${receipt.toLowerCase()}`);
      expect(found.status, key).toBe(200);
      const answer = (await found.json()) as { budgetId: string; lineId: string; line: string };
      const ballot = box.last.get(key)!;
      expect(answer.budgetId).toBe(ballot.budgetId);
      const marks = ballot.kind === 'points' ? ballot.points.map((m) => m.projectId) : ballot.projectIds;
      for (const id of marks) expect(answer.line).toContain(id);
      expect(answer.line.startsWith(`${answer.lineId};`)).toBe(true);
    }
    return doc;
  }

  it('knapsack, greedy: within the budget, a tie at its edge settled for the cheaper, a changed ballot counted once, a withdrawn one not at all', async () => {
    // Centre: 1,000,000 for three projects; the square leads, and the bike and the lamps tie for
    // the 500,000 left: the cheaper lamps (450,000) are funded, and the bike (500,000, which alone
    // would fit exactly) no longer does.
    const projects = [
      { id: 'square', budgetId: 'centre', cost: 500_000, title: 'Сквер' },
      { id: 'bike', budgetId: 'centre', cost: 500_000, title: 'Велодоріжка' },
      { id: 'lamps', budgetId: 'centre', cost: 450_000, title: 'Ліхтарі' },
      { id: 'courses', budgetId: 'city', cost: 200_000, title: 'Курси' },
      { id: 'library', budgetId: 'city', cost: 300_000, title: 'Книги' },
    ];
    const { slug, admin, vote, phones } = await openVote({ kind: 'knapsack' }, projects);
    const [a, b, c, d, e] = await phones(5);
    const screen = keep(await connectScreen(forumAt(server, slug)));
    const box = ballotBox();
    await box.cast(a, { kind: 'knapsack', budgetId: 'centre', projectIds: ['square', 'bike'] }); // exactly the budget
    await box.cast(b, { kind: 'knapsack', budgetId: 'centre', projectIds: ['square', 'lamps'] });
    await box.cast(c, { kind: 'knapsack', budgetId: 'centre', projectIds: ['bike', 'lamps'] });
    const replaced = await box.cast(d, { kind: 'knapsack', budgetId: 'centre', projectIds: ['bike', 'lamps'] });
    await box.cast(d, { kind: 'knapsack', budgetId: 'centre', projectIds: ['square'] }); // changed: counted once, as the latest
    await box.cast(e, { kind: 'knapsack', budgetId: 'centre', projectIds: ['bike'] });
    await box.withdraw(e, 'centre');
    await box.cast(a, { kind: 'knapsack', budgetId: 'city', projectIds: ['courses', 'library'] });
    await box.cast(b, { kind: 'knapsack', budgetId: 'city', projectIds: ['library'] });

    // Over the budget: refused, worded in Ukrainian, nothing stored.
    const over = await b.send('city:cast', { ballot: { kind: 'knapsack', budgetId: 'centre', projectIds: ['square', 'bike', 'lamps'] } });
    expect(refused(over)).toBe('CITY_REFUSED');
    expect(!over.ok && over.error.message.replace(/\s/g, ' ')).toBe('Не прийнято: обрані проєкти коштують 1 450 000 грн, а бюджет — 1 000 000 грн.');
    expect(refused(await b.send('city:cast', { ballot: { kind: 'approval', budgetId: 'centre', projectIds: ['square'] } }))).toBe('CITY_REFUSED');
    expect(refused(await b.send('city:cast', { ballot: { kind: 'knapsack', budgetId: 'centre', projectIds: [] } }))).toBe('CITY_REFUSED');
    expect(refused(await e.send('city:withdraw', { budgetId: 'centre' }))).toBe('CITY_NO_BALLOT');
    // A receipt the phone made is kept; the same one again is refused, so no two lines share one.
    const own = ok(await c.send('city:cast', { ballot: { kind: 'knapsack', budgetId: 'city', projectIds: ['courses'] }, receipt: 'abcde-fghjk' }));
    expect(own.receipt).toBe('ABCDE-FGHJK');
    box.last.set(`${c.me.participantId}/city`, { kind: 'knapsack', budgetId: 'city', projectIds: ['courses'] });
    box.receipts.set(`${c.me.participantId}/city`, 'ABCDE-FGHJK');
    expect(refused(await d.send('city:cast', { ballot: { kind: 'knapsack', budgetId: 'city', projectIds: ['courses'] }, receipt: 'ABCDE-FGHJK' }))).toBe('CITY_RECEIPT_USED');
    // A resend of a cast already taken (its ack lost) is not a second ballot.
    const again = { ballot: { kind: 'knapsack', budgetId: 'city', projectIds: ['library'] }, actionId: 'resent-cast-0001' };
    ok(await d.send('city:cast', again));
    const resent = await d.send('city:cast', again);
    expect(resent.ok && resent.duplicate && resent.data.receipt).toBe(null);
    box.last.set(`${d.me.participantId}/city`, { kind: 'knapsack', budgetId: 'city', projectIds: ['library'] });

    // Nothing of the count before the close: no results, lists or receipts, and no phone, projector
    // or console view carries a count of the city vote.
    for (const path of ['api/city/results.json', 'api/city/ballots/centre.pb', `api/city/receipt?code=${replaced}`]) {
      const res = await get(slug, path);
      expect(res.status, path).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('CITY_NOT_CLOSED');
    }
    const wire = JSON.stringify([a, b, c, d, e, screen, admin].flatMap((p) => p.received));
    expect(wire).not.toMatch(/"votes"|"voters"|"spent"/);
    // A phone sees its own ballot only.
    expect(JSON.stringify(a.received)).not.toContain('"projectIds":["square","lamps"]');

    // The organiser's turnout: voters per budget and casts by day and hour, no choices; theirs alone.
    expect((await get(slug, 'api/city/turnout.json')).status).toBe(403);
    const turnoutRes = await fetch(`${server.url}/f/${slug}/api/city/turnout.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
    const turnoutText = await turnoutRes.text();
    expect(turnoutText).not.toMatch(/square|bike|lamps|votes/);
    const turnout = JSON.parse(turnoutText) as { voters: number; perBudget: { budgetId: string; voters: number }[]; byDay: { casts: number; newVoters: number }[]; byHour: { hour: string; casts: number; newVoters: number }[] };
    const stored = server.forums.bySlug(slug)!.room.state.city.casts;
    expect(turnout.voters).toBe(4); // e withdrew their only ballot
    expect(turnout.perBudget).toEqual([
      { budgetId: 'centre', name: 'Центр', voters: 4 },
      { budgetId: 'city', name: 'Загальноміський', voters: 4 },
    ]);
    const sum = (xs: { casts: number; newVoters: number }[], k: 'casts' | 'newVoters') => xs.reduce((n, x) => n + x[k], 0);
    expect(sum(turnout.byHour, 'casts')).toBe(stored.length);
    expect(sum(turnout.byDay, 'casts')).toBe(stored.length);
    expect(sum(turnout.byHour, 'newVoters')).toBe(5);
    const now = new Date();
    expect(turnout.byHour.at(-1)!.hour).toBe(`${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')} ${String(now.getHours()).padStart(2, '0')}`);

    const doc = await closeAndCheck(slug, admin, vote, box);
    const centre = doc.budgets.find((x) => x.id === 'centre')!;
    expect(centre.projects.filter((p) => p.fundedOrder).map((p) => p.id)).toEqual(['square', 'lamps']);
    expect(centre.voters).toBe(4);
    expect(centre.spent).toBe(950_000);
    // The open data as a table: a row per project, funded ones with their order.
    const bytes = Buffer.from(await (await get(slug, 'api/city/results.csv')).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a byte-order mark, for spreadsheets
    const csv = bytes.subarray(3).toString('utf8');
    expect(csv.startsWith('budget_id,budget_name,budget_amount,budget_voters,project_id,title,cost,votes,funded_order,funded_by,votes_online,votes_service_point,votes_paper\r\n')).toBe(true);
    expect(csv).toContain('\r\ncentre,Центр,1000000,4,square,Сквер,500000,3,1,greedy,3,0,0\r\n');
    expect(csv).toContain('\r\ncentre,Центр,1000000,4,lamps,Ліхтарі,450000,2,2,greedy,2,0,0\r\n');
    expect(csv).toContain('\r\ncentre,Центр,1000000,4,bike,Велодоріжка,500000,2,,,2,0,0\r\n');
    // The replaced receipt finds nothing: only the latest ballot stands.
    const gone = await get(slug, `api/city/receipt?code=${replaced}`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string; message: string } }).error.code).toBe('RECEIPT_NOT_FOUND');
    // The forum's anonymised archive, imported on another server: every cast checked and replayed
    // there, and the same results published, to the hash.
    const archive = await (await fetch(`${server.url}/f/${slug}/api/forum.json?kind=archive`, { headers: { 'x-facilitator-key': server.facilitatorKey } })).text();
    expect(archive).toContain('"cityBallotCast"');
    const other = await startTestServer();
    try {
      const imported = await fetch(`${other.url}/api/forums/import`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-facilitator-key': other.facilitatorKey }, body: archive });
      const reply = (await imported.json()) as { ok: boolean; data: { slug: string } };
      expect(reply.ok).toBe(true);
      const there = (await (await fetch(`${other.url}/f/${reply.data.slug}/api/city/results.json`)).json()) as { resultsHash: string };
      const here = (await (await get(slug, 'api/city/results.json')).json()) as { resultsHash: string };
      expect(there.resultsHash).toBe(here.resultsHash);
    } finally {
      await other.stop();
    }
    // No more casts once closed.
    expect(refused(await a.send('city:cast', { ballot: { kind: 'knapsack', budgetId: 'centre', projectIds: ['square'] } }))).toBe('WRONG_PHASE');
  });

  it('approval: up to K of the budget’s projects, more refused, counted by its rule', async () => {
    const { slug, admin, vote, phones } = await openVote({ kind: 'approval', maxChoices: 2 });
    const voters = await phones(4);
    const box = ballotBox();
    await box.cast(voters[0], { kind: 'approval', budgetId: 'centre', projectIds: ['square', 'lamps'] });
    await box.cast(voters[1], { kind: 'approval', budgetId: 'centre', projectIds: ['bike', 'lamps'] });
    await box.cast(voters[2], { kind: 'approval', budgetId: 'centre', projectIds: ['bike'] });
    await box.cast(voters[2], { kind: 'approval', budgetId: 'centre', projectIds: ['lamps', 'square'] });
    await box.cast(voters[3], { kind: 'approval', budgetId: 'city', projectIds: ['library', 'courses'] });
    const many = await voters[3].send('city:cast', { ballot: { kind: 'approval', budgetId: 'centre', projectIds: ['square', 'bike', 'lamps'] } });
    expect(!many.ok && many.error.message).toBe('Не прийнято: обрано забагато проєктів: можна не більше 2, а обрано 3.');
    const doc = await closeAndCheck(slug, admin, vote, box);
    // Lamps (3) and the square (2) fund 750,000 of 1,000,000; the bike (1, 400,000) no longer fits.
    expect(doc.budgets[0].projects.filter((p) => p.fundedOrder).map((p) => p.id)).toEqual(['lamps', 'square']);
  });

  it('points: spread within the total and the cap per project, counted as given', async () => {
    const { slug, admin, vote, phones } = await openVote({ kind: 'points', points: 5, maxPerProject: 3 });
    const voters = await phones(3);
    const box = ballotBox();
    await box.cast(voters[0], { kind: 'points', budgetId: 'centre', points: [{ projectId: 'bike', points: 3 }, { projectId: 'lamps', points: 2 }] });
    await box.cast(voters[1], { kind: 'points', budgetId: 'centre', points: [{ projectId: 'square', points: 3 }, { projectId: 'lamps', points: 1 }] });
    await box.cast(voters[2], { kind: 'points', budgetId: 'centre', points: [{ projectId: 'square', points: 1 }] });
    await box.cast(voters[2], { kind: 'points', budgetId: 'city', points: [{ projectId: 'courses', points: 3 }, { projectId: 'library', points: 2 }] });
    const capped = await voters[1].send('city:cast', { ballot: { kind: 'points', budgetId: 'centre', points: [{ projectId: 'square', points: 4 }] } });
    expect(!capped.ok && capped.error.message).toBe('Не прийнято: забагато балів на один проєкт: можна не більше 3, а дано 4.');
    const total = await voters[1].send('city:cast', { ballot: { kind: 'points', budgetId: 'centre', points: [{ projectId: 'square', points: 3 }, { projectId: 'bike', points: 3 }] } });
    expect(!total.ok && total.error.message).toBe('Не прийнято: забагато балів: усього можна дати не більше 5, а дано 6.');
    const doc = await closeAndCheck(slug, admin, vote, box);
    expect(Object.fromEntries(doc.budgets[0].projects.map((p) => [p.id, p.votes]))).toEqual({ square: 4, bike: 3, lamps: 3 });
  });
});
