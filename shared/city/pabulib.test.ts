// The published ballot list (pabulib.ts, pabulibHash.ts): written, read back equal, counted again
// to the same results, hashed stably, and read from files in Pabulib's wider use.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { countCityVote } from './counting.js';
import type { BallotCast } from './latestBallots.js';
import { publishedBallotLists } from './ballotList.js';
import { ballotsFromPabulib, PabulibError, pabulibMeta, readPabulib, writePabulib, type PabulibVoteLine } from './pabulib.js';
import { pabulibSha256 } from './pabulibHash.js';
import { randomInstance, seededRandom } from './testing.js';
import type { CityVote } from './vote.js';

const place = { country: 'Ukraine', unit: 'Zhytomyr' };

const vote: CityVote = {
  id: 'zt-2027',
  title: 'Громадський бюджет 2027',
  budgets: [{ id: 'centre', name: 'Центр; Старе місто', amount: 100 }],
  projects: [
    { id: 'c2', title: 'Сквер "Липки"', cost: 60, budgetId: 'centre', originIdeaId: 'i-12' },
    { id: 'c1', title: 'Лавки\nі ліхтарі', cost: 30, budgetId: 'centre' },
    { id: 'c3', title: ' Бібліотека', cost: 20, budgetId: 'centre' },
  ],
  ballot: { kind: 'approval', maxChoices: 2 },
  counting: { kind: 'equalShares' },
  tie: { kind: 'cheaperThenListed' },
};

const lines: PabulibVoteLine[] = [
  { voterId: 'r-9', ballot: { kind: 'approval', budgetId: 'centre', projectIds: ['c3', 'c2'] } },
  { voterId: 'r-10', ballot: { kind: 'approval', budgetId: 'centre', projectIds: ['c1'] } },
  { voterId: 'r-1', ballot: { kind: 'approval', budgetId: 'centre', projectIds: ['c2', 'c1'] } },
];

describe('writePabulib', () => {
  it('writes the canonical text: fixed META order, listed projects, votes by voter_id, quoted fields', () => {
    expect(writePabulib(vote, 'centre', lines, place)).toBe(
      [
        'META',
        'key;value',
        'description;"Громадський бюджет 2027: Центр; Старе місто"',
        'country;Ukraine',
        'unit;Zhytomyr',
        'subunit;"Центр; Старе місто"',
        'instance;zt-2027',
        'num_projects;3',
        'num_votes;3',
        'budget;100',
        'vote_type;approval',
        'rule;equalshares/add1',
        'min_length;1',
        'max_length;2',
        'PROJECTS',
        'project_id;cost;name',
        'c2;60;"Сквер ""Липки"""',
        'c1;30;Лавки і ліхтарі',
        'c3;20;" Бібліотека"',
        'VOTES',
        'voter_id;vote',
        'r-1;c2,c1',
        'r-10;c1',
        'r-9;c2,c3',
        '',
      ].join('\n'),
    );
  });

  it('writes knapsack as approval with max_sum_cost, and points as cumulative with both limits', () => {
    const knapsack = writePabulib({ ...vote, ballot: { kind: 'knapsack' }, counting: { kind: 'greedy' } }, 'centre', [], place);
    const k = readPabulib(knapsack);
    expect([pabulibMeta(k, 'vote_type'), pabulibMeta(k, 'max_sum_cost'), pabulibMeta(k, 'max_length'), pabulibMeta(k, 'rule')]).toEqual(['approval', '100', undefined, 'greedy']);
    const points = writePabulib({ ...vote, ballot: { kind: 'points', points: 5, maxPerProject: 3 } }, 'centre', [{ voterId: 'a', ballot: { kind: 'points', budgetId: 'centre', points: [{ projectId: 'c3', points: 2 }, { projectId: 'c2', points: 3 }] } }], place);
    expect(points.split('\n').slice(-4)).toEqual(['VOTES', 'voter_id;vote;points', 'a;c2,c3;3,2', '']);
    const p = readPabulib(points);
    expect([pabulibMeta(p, 'vote_type'), pabulibMeta(p, 'max_points'), pabulibMeta(p, 'max_sum_points')]).toEqual(['cumulative', '3', '5']);
  });

  it('refuses a voter_id that could break the file or name someone twice, and a ballot of another budget', () => {
    const one = lines[0].ballot;
    expect(() => writePabulib(vote, 'centre', [{ voterId: 'a;b', ballot: one }], place)).toThrow(PabulibError);
    expect(() => writePabulib(vote, 'centre', [{ voterId: 'a', ballot: one }, { voterId: 'a', ballot: one }], place)).toThrow(/twice/);
    expect(() => writePabulib(vote, 'centre', [{ voterId: 'a', ballot: { ...one, budgetId: 'east' } }], place)).toThrow(PabulibError);
    expect(() => writePabulib(vote, 'east', [], place)).toThrow(PabulibError);
  });
});

describe('reading back', () => {
  const canonicalLines = (ls: PabulibVoteLine[], v: CityVote) => {
    const order = new Map(v.projects.map((p, i) => [p.id, i]));
    return [...ls]
      .sort((a, b) => (a.voterId < b.voterId ? -1 : 1))
      .map(({ voterId, ballot }) => ({
        voterId,
        ballot:
          ballot.kind === 'points'
            ? { ...ballot, points: [...ballot.points].sort((x, y) => order.get(x.projectId)! - order.get(y.projectId)!) }
            : { ...ballot, projectIds: [...ballot.projectIds].sort((x, y) => order.get(x)! - order.get(y)!) },
      }));
  };

  it('reads every kind back to the same ballots and writes the same text again (300 random votes)', () => {
    const rules = [{ kind: 'approval', maxChoices: 3 }, { kind: 'knapsack' }, { kind: 'points', points: 6, maxPerProject: 3 }] as const;
    for (let seed = 1; seed <= 300; seed++) {
      const { vote: v, casts } = randomInstance(seed, rules);
      for (const budget of v.budgets) {
        const standing = new Map<string, BallotCast>();
        for (const c of casts) if (c.budgetId === budget.id && (!standing.has(c.voterId) || c.seq >= standing.get(c.voterId)!.seq)) standing.set(c.voterId, c);
        const ls = [...standing.values()].filter((c) => c.ballot).map((c) => ({ voterId: c.voterId, ballot: c.ballot! }));
        const text = writePabulib(v, budget.id, ls, place);
        const file = readPabulib(text);
        expect(file.projects, `seed ${seed}`).toEqual(v.projects.filter((p) => p.budgetId === budget.id).map((p) => ({ id: p.id, cost: p.cost, name: p.title })));
        const back = ballotsFromPabulib(file, budget.id);
        expect(back, `seed ${seed}`).toEqual(canonicalLines(ls, v));
        expect(writePabulib(v, budget.id, back, place), `seed ${seed}`).toBe(text);
      }
    }
  });

  it('gives the same results when the file read back is counted again', () => {
    const { vote: v, casts } = randomInstance(7, [{ kind: 'approval', maxChoices: 3 }]);
    for (const counting of [{ kind: 'greedy' }, { kind: 'equalShares' }] as const) {
      const counted = { ...v, counting };
      const again: BallotCast[] = v.budgets.flatMap((b) => {
        const latest = new Map<string, BallotCast>();
        for (const c of casts) if (c.budgetId === b.id && (!latest.has(c.voterId) || c.seq >= latest.get(c.voterId)!.seq)) latest.set(c.voterId, c);
        const standing = [...latest.values()].filter((c) => c.ballot).map((c) => ({ voterId: c.voterId, ballot: c.ballot! }));
        const text = writePabulib(counted, b.id, standing, place);
        return ballotsFromPabulib(readPabulib(text), b.id).map((l, i) => ({ voterId: l.voterId, budgetId: b.id, seq: i, ballot: l.ballot }));
      });
      expect(again.length).toBeGreaterThan(3);
      expect(countCityVote(counted, again)).toEqual(countCityVote(counted, casts));
    }
  });

  it('reads a file in the wider format: a byte-order mark, CRLF, extra columns, blank lines, spaces', () => {
    const text =
      '\uFEFFMETA\r\nkey;value\r\ndescription;Test\r\nvote_type;cumulative\r\nbudget;500\r\n\r\nPROJECTS\r\nproject_id;cost;name;category\r\n' +
      '7; 250 ;"Park; big";green\r\n8;125;Path;transport\r\nVOTES\r\nvoter_id;age;sex;vote;points;voting_method\r\n1;34;F;7,8;2,1;internet\r\n2;none;M; 8 ;3;paper\r\n';
    const file = readPabulib(text);
    expect(file.projects).toEqual([{ id: '7', cost: 250, name: 'Park; big' }, { id: '8', cost: 125, name: 'Path' }]);
    expect(file.votes).toEqual([{ voterId: '1', projectIds: ['7', '8'], points: [2, 1] }, { voterId: '2', projectIds: ['8'], points: [3] }]);
    expect(ballotsFromPabulib(file, 'd')[0].ballot).toEqual({ kind: 'points', budgetId: 'd', points: [{ projectId: '7', points: 2 }, { projectId: '8', points: 1 }] });
  });

  it('refuses a broken file with the line it breaks on', () => {
    expect(() => readPabulib('META\nkey;value\nx;"open\n')).toThrow(/line 3: a quoted field is not closed/);
    expect(() => readPabulib('1;2\n')).toThrow(/line 1: a row before any section/);
    expect(() => readPabulib('VOTES\nvoter_id;vote;points\n1;a,b;2\n')).toThrow(/line 3: 2 projects and 1 points/);
    expect(() => readPabulib('PROJECTS\nproject_id;cost\n1;12.5\n')).toThrow(/line 3: cost "12.5" is not a whole number/);
    expect(() => ballotsFromPabulib(readPabulib('META\nkey;value\nvote_type;ordinal\n'), 'd')).toThrow(/vote_type "ordinal"/);
    expect(() => ballotsFromPabulib(readPabulib('META\nkey;value\nvote_type;cumulative\nVOTES\nvoter_id;vote\n4;a\n'), 'd')).toThrow(/voter 4: a cumulative vote without points/);
  });
});

describe('pabulibSha256', () => {
  it('is the SHA-256 of the UTF-8 text, as node:crypto computes it', async () => {
    const text = writePabulib(vote, 'centre', lines, place);
    expect(await pabulibSha256(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    expect(await pabulibSha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('is the same whatever order the ballots come in, NFC or not, and changes with any one ballot', async () => {
    const text = writePabulib(vote, 'centre', lines, place);
    const hash = await pabulibSha256(text);
    const r = seededRandom(3);
    for (let k = 0; k < 5; k++) {
      const shuffled = [...lines].sort(() => (r.chance(0.5) ? 1 : -1));
      expect(await pabulibSha256(writePabulib(vote, 'centre', shuffled, place))).toBe(hash);
    }
    // "й" typed as и + combining breve hashes as the precomposed one.
    const decomposed = { ...vote, title: vote.title.normalize('NFD') };
    expect(decomposed.title).not.toBe(vote.title);
    expect(await pabulibSha256(writePabulib(decomposed, 'centre', lines, place))).toBe(hash);
    const changed = lines.map((l) => (l.voterId === 'r-10' ? { ...l, ballot: { ...l.ballot, projectIds: ['c3'] } } : l));
    expect(await pabulibSha256(writePabulib(vote, 'centre', changed, place))).not.toBe(hash);
  });
});

describe('publishedBallotLists', () => {
  it('publishes each budget once, with the latest ballots under anonymous ids, and the hash of each text', async () => {
    const two: CityVote = {
      ...vote,
      budgets: [...vote.budgets, { id: 'north', name: 'Північ', amount: 50 }],
      projects: [...vote.projects, { id: 'n1', title: 'Парк', cost: 50, budgetId: 'north' }],
    };
    const casts: BallotCast[] = [
      { voterId: 'person-a', budgetId: 'centre', seq: 1, ballot: { kind: 'approval', budgetId: 'centre', projectIds: ['c1'] } },
      { voterId: 'person-a', budgetId: 'centre', seq: 3, ballot: { kind: 'approval', budgetId: 'centre', projectIds: ['c3'] } },
      { voterId: 'person-b', budgetId: 'north', seq: 2, ballot: { kind: 'approval', budgetId: 'north', projectIds: ['n1'] } },
    ];
    const receipts: Record<string, string> = { 'person-a/centre': 'K7QF2', 'person-b/north': 'M3XD9' };
    const lists = await publishedBallotLists(two, casts, place, (voterId, budgetId) => receipts[`${voterId}/${budgetId}`]);
    expect(lists.map((l) => l.budgetId)).toEqual(['centre', 'north']);
    expect(lists[0].text.endsWith('VOTES\nvoter_id;vote\nK7QF2;c3\n')).toBe(true);
    expect(lists[1].text.endsWith('VOTES\nvoter_id;vote\nM3XD9;n1\n')).toBe(true);
    expect(lists.map((l) => l.text).join('')).not.toContain('person-');
    for (const l of lists) expect(l.sha256).toBe(createHash('sha256').update(l.text, 'utf8').digest('hex'));
  });
});
