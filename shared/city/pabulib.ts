// The anonymised ballot list of one budget in the Pabulib format (pabulib.org/format, the format
// participatory-budgeting research reads): a META section of key;value rows, a PROJECTS section
// and a VOTES section, fields separated by `;`. Written in one canonical form, so the same ballots
// always give the same text, byte for byte, and its SHA-256 (pabulibHash.ts) can stand in the
// canonical results; and read back, so anyone can count the published file again.
//
// The canonical form, exactly:
//   - UTF-8 without a byte-order mark, every line ended by "\n", every string in Unicode NFC;
//   - a field holding `;` or `"`, or starting or ending with a space, is quoted ("…", with `"`
//     doubled); a line break in a name or description becomes a space, since Pabulib readers take
//     the file a line at a time;
//   - META: description, country, unit, subunit (the budget's name), instance (the vote's id),
//     num_projects, num_votes, budget, vote_type, rule, then the ballot's limits: approval:
//     min_length 1, max_length K; knapsack: vote_type approval with min_length 1 and
//     max_sum_cost the budget; points: vote_type cumulative with min_length 1, max_points the
//     cap per project and max_sum_points the points a ballot has. rule is `greedy` or
//     `equalshares/add1` (equal shares with add-one completion, then greedy);
//   - PROJECTS: project_id;cost;name, the budget's projects in the vote's listed order;
//   - VOTES: voter_id;vote (and ;points on points ballots), one line per standing ballot in the
//     order of voter_id by UTF-16 code units; a line's projects in the listed order, comma-separated;
//     and, when any ballot of the list was cast at a service point or on paper, a last column
//     `channel` (online, service-point or paper: channels.ts), which Pabulib's readers leave aside
//     as they do any column they do not know.
//
// The voter_id is the caller's: an id that names or traces no one (never a person's or device's
// id), for instance one a voter's receipt lets them find.

import { CITY_CHANNELS, type CityChannel } from './channels.js';
import { CITY_ID_PATTERN } from './checkVote.js';
import type { BallotRule, CityBallot, CityVote } from './vote.js';

export interface PabulibVoteLine {
  voterId: string;
  ballot: CityBallot;
  /** How the ballot came in; absent: online. */
  channel?: CityChannel;
}

export interface PabulibPlace {
  country: string;
  unit: string;
}

export class PabulibError extends Error {}

const field = (value: string): string => {
  const flat = value.normalize('NFC').replace(/\r\n|\r|\n/g, ' ');
  return /[;"]|^\s|\s$/.test(flat) ? `"${flat.replaceAll('"', '""')}"` : flat;
};

const row = (...fields: (string | number)[]): string => fields.map((f) => field(String(f))).join(';');

const pabulibRule = (vote: CityVote): string => (vote.counting.kind === 'greedy' ? 'greedy' : 'equalshares/add1');

function limitRows(rule: BallotRule, amount: number): [string, number][] {
  switch (rule.kind) {
    case 'approval':
      return [['min_length', 1], ['max_length', rule.maxChoices]];
    case 'knapsack':
      return [['min_length', 1], ['max_sum_cost', amount]];
    case 'points':
      return [['min_length', 1], ['max_points', rule.maxPerProject], ['max_sum_points', rule.points]];
  }
}

/** The canonical Pabulib text of one budget's standing ballots. */
export function writePabulib(vote: CityVote, budgetId: string, lines: readonly PabulibVoteLine[], place: PabulibPlace): string {
  const budget = vote.budgets.find((b) => b.id === budgetId);
  if (!budget) throw new PabulibError(`no budget ${budgetId} in vote ${vote.id}`);
  const projects = vote.projects.filter((p) => p.budgetId === budgetId);
  const listed = new Map(projects.map((p, i) => [p.id, i]));
  const seen = new Set<string>();
  for (const { voterId, ballot } of lines) {
    if (!CITY_ID_PATTERN.test(voterId)) throw new PabulibError(`voter_id ${JSON.stringify(voterId)} cannot be written`);
    if (seen.has(voterId)) throw new PabulibError(`voter_id ${voterId} twice`);
    seen.add(voterId);
    if (ballot.budgetId !== budgetId) throw new PabulibError(`a ballot of budget ${ballot.budgetId} in the list of ${budgetId}`);
  }
  const out: string[] = ['META', row('key', 'value')];
  const meta: [string, string | number][] = [
    ['description', `${vote.title}: ${budget.name}`],
    ['country', place.country],
    ['unit', place.unit],
    ['subunit', budget.name],
    ['instance', vote.id],
    ['num_projects', projects.length],
    ['num_votes', lines.length],
    ['budget', budget.amount],
    ['vote_type', vote.ballot.kind === 'points' ? 'cumulative' : 'approval'],
    ['rule', pabulibRule(vote)],
    ...limitRows(vote.ballot, budget.amount),
  ];
  for (const [k, v] of meta) out.push(row(k, v));
  out.push('PROJECTS', row('project_id', 'cost', 'name'));
  for (const p of projects) out.push(row(p.id, p.cost, p.title));
  const points = vote.ballot.kind === 'points';
  // A list of online ballots only is written as before channels were, byte for byte.
  const channels = lines.some((l) => (l.channel ?? 'online') !== 'online');
  const header = points ? ['voter_id', 'vote', 'points'] : ['voter_id', 'vote'];
  out.push('VOTES', row(...header, ...(channels ? ['channel'] : [])));
  const sorted = [...lines].sort((a, b) => (a.voterId < b.voterId ? -1 : a.voterId > b.voterId ? 1 : 0));
  for (const { voterId, ballot, channel } of sorted) {
    const marks: [string, number][] = ballot.kind === 'points' ? ballot.points.map((m) => [m.projectId, m.points]) : ballot.projectIds.map((id) => [id, 1]);
    for (const [id] of marks) if (!listed.has(id)) throw new PabulibError(`project ${id} is not on the ballot of ${budgetId}`);
    marks.sort(([a], [b]) => listed.get(a)! - listed.get(b)!);
    const vote = marks.map(([id]) => id).join(',');
    const fields = points ? [voterId, vote, marks.map(([, n]) => n).join(',')] : [voterId, vote];
    out.push(row(...fields, ...(channels ? [channel ?? 'online'] : [])));
  }
  return `${out.join('\n')}\n`;
}

export interface PabulibFile {
  /** META rows in the file's order. */
  meta: [string, string][];
  projects: { id: string; cost: number; name: string }[];
  votes: { voterId: string; projectIds: string[]; points?: number[]; channel?: string }[];
}

/** Splits a line at `;`, honouring quoted fields. */
function splitRow(line: string, lineNo: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new PabulibError(`line ${lineNo}: a quoted field is not closed`);
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ';') throw new PabulibError(`line ${lineNo}: text after a quoted field`);
      i += 1;
    } else {
      const semi = line.indexOf(';', i);
      if (semi < 0) {
        fields.push(line.slice(i).trim());
        return fields;
      }
      fields.push(line.slice(i, semi).trim());
      i = semi + 1;
    }
  }
}

const wholeNumber = (text: string, what: string, lineNo: number): number => {
  if (!/^\d+$/.test(text)) throw new PabulibError(`line ${lineNo}: ${what} ${JSON.stringify(text)} is not a whole number`);
  return Number(text);
};

/** Reads a Pabulib text: any file in the format, not only ours (numbers must be whole). */
export function readPabulib(text: string): PabulibFile {
  const file: PabulibFile = { meta: [], projects: [], votes: [] };
  let section: 'meta' | 'projects' | 'votes' | null = null;
  let header: string[] = [];
  let needHeader = false;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (line.trim() === '') return;
    const fields = splitRow(line, lineNo);
    const first = fields[0].toLowerCase();
    if (fields.length === 1 && (first === 'meta' || first === 'projects' || first === 'votes')) {
      section = first;
      needHeader = true;
      return;
    }
    if (needHeader) {
      header = fields.map((f) => f.toLowerCase());
      needHeader = false;
      return;
    }
    const at = (name: string): string | undefined => {
      const k = header.indexOf(name);
      return k < 0 ? undefined : fields[k];
    };
    switch (section) {
      case 'meta':
        file.meta.push([fields[0], fields[1] ?? '']);
        break;
      case 'projects': {
        const id = at('project_id');
        const cost = at('cost');
        if (!id || cost === undefined) throw new PabulibError(`line ${lineNo}: a project without project_id or cost`);
        file.projects.push({ id, cost: wholeNumber(cost, 'cost', lineNo), name: at('name') ?? '' });
        break;
      }
      case 'votes': {
        const voterId = at('voter_id');
        if (!voterId) throw new PabulibError(`line ${lineNo}: a vote without voter_id`);
        const list = (at('vote') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
        const points = at('points');
        const channel = at('channel');
        const how = channel ? { channel } : {};
        if (points === undefined) {
          file.votes.push({ voterId, projectIds: list, ...how });
        } else {
          const numbers = points.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => wholeNumber(s, 'points', lineNo));
          if (numbers.length !== list.length) throw new PabulibError(`line ${lineNo}: ${list.length} projects and ${numbers.length} points`);
          file.votes.push({ voterId, projectIds: list, points: numbers, ...how });
        }
        break;
      }
      default:
        throw new PabulibError(`line ${lineNo}: a row before any section`);
    }
  });
  return file;
}

/** A value of the META section, when the file has it. */
export const pabulibMeta = (file: PabulibFile, key: string): string | undefined => file.meta.find(([k]) => k === key)?.[1];

/**
 * The ballots of a file read back, as the vote's ballots of the given budget: approval or knapsack
 * (told apart by max_sum_cost) or points (vote_type cumulative).
 */
export function ballotsFromPabulib(file: PabulibFile, budgetId: string): PabulibVoteLine[] {
  const type = pabulibMeta(file, 'vote_type');
  const kind = type === 'cumulative' ? 'points' : type === 'approval' ? (pabulibMeta(file, 'max_sum_cost') !== undefined ? 'knapsack' : 'approval') : null;
  if (!kind) throw new PabulibError(`vote_type ${JSON.stringify(type)} is not one a city vote uses`);
  return file.votes.map((v): PabulibVoteLine => {
    const channel = (CITY_CHANNELS as readonly string[]).includes(v.channel ?? '') ? { channel: v.channel as CityChannel } : {};
    if (kind === 'points') {
      const points = v.points;
      if (!points) throw new PabulibError(`voter ${v.voterId}: a cumulative vote without points`);
      return { voterId: v.voterId, ballot: { kind, budgetId, points: v.projectIds.map((projectId, i) => ({ projectId, points: points[i] })) }, ...channel };
    }
    return { voterId: v.voterId, ballot: { kind, budgetId, projectIds: v.projectIds }, ...channel };
  });
}
