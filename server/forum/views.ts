// What each kind of client is allowed to see, built from the state. This is where the rule
// "tallies stay on the server until revealed" lives: phone and projector views carry dot counts
// only for revealed priorities; a phone's own view carries only its own dots.

import type {
  AdmissionView,
  ConsoleHealth,
  ConsoleMe,
  DuplicateGroup,
  NearestIdeas,
  ConsoleIdea,
  ConsoleParticipant,
  ConsoleView,
  JoinInfo,
  ForumInfo,
  MeView,
  MyIdea,
  PhoneView,
  PhoneResult,
  PhoneResultRow,
  PriorityResult,
  PublicIdea,
  ResultRow,
  ScreenView,
} from '../../shared/protocol.js';
import { countDots, ideaCounts, tallyPriority, topWithTies, votingProgress, type VotingProgress } from '../../shared/forum/tally.js';
import { ideasOf } from '../../shared/forum/rules.js';
import { standingCasts } from '../../shared/forum/city.js';
import { DEFAULT_WORD_LIST, flaggedWords } from '../../shared/forum/facilitation.js';
import { ballotCount } from '../../shared/forum/state.js';
import { FACILITATOR, type ForumState, type Idea, type Participant } from '../../shared/forum/types.js';
import { resultsHash } from './resultsHash.js';
import { resultsFinal } from '../../shared/forum/resultsHash.js';

export interface Presence {
  isOnline(participantId: string): boolean;
  onlineCount(): number;
}

export function forumInfo(state: ForumState): ForumInfo {
  return {
    title: state.title,
    vision: state.structure.vision,
    priorities: state.structure.priorities,
    rules: state.rules,
    phase: state.phase,
    revealed: [...state.revealed],
    admission: state.admission,
    identity: state.persons.method,
    display: state.display,
    resultsTop: state.resultsTop,
    publicResults: state.publicResults,
    timer: state.timer,
    archived: state.archived,
    voteOnly: state.voteOnly,
    basedOn: state.basedOn,
    cityVote: state.city.vote,
    cityVoteRevision: state.city.revision,
  };
}

export function publicIdea(state: ForumState, idea: Idea): PublicIdea {
  return {
    id: idea.id,
    priorityCode: idea.priorityCode,
    goalCode: idea.goalCode,
    title: idea.title,
    description: idea.description,
    place: idea.place,
    // A paper card has no participant: the name written on it, if any.
    authorName: idea.authorId ? (state.participants.get(idea.authorId)?.name ?? '') : idea.paperAuthor,
    corrected: idea.corrected,
  };
}

/** Ideas on the wall (active), in submission order. */
export function publicIdeas(state: ForumState): PublicIdea[] {
  const list: PublicIdea[] = [];
  for (const idea of state.ideas.values()) if (idea.status === 'active') list.push(publicIdea(state, idea));
  return list;
}

function results(state: ForumState, codes: readonly string[]): PriorityResult[] {
  // Nothing revealed (all of voting): no count of every dot for the projector at each update.
  if (codes.length === 0) return [];
  const counts = countDots(state);
  return codes.map((priorityCode) => ({
    priorityCode,
    rows: tallyPriority(state, priorityCode, counts).map((r): ResultRow => {
      const idea = state.ideas.get(r.ideaId)!;
      return { ideaId: r.ideaId, title: idea.title, goalCode: idea.goalCode, dots: r.dots, phoneDots: r.phoneDots, paperDots: r.paperDots, supporters: r.supporters, rank: r.rank };
    }),
  }));
}

export function revealedResults(state: ForumState): PriorityResult[] {
  return results(state, state.revealed);
}

/**
 * How long a phone waits, at most, before coming back after a dropped connection: when the Wi-Fi
 * fails, every phone in the hall drops at once, and thousands coming back in the same half second
 * overflow the server's queue of connections (at 5,000 phones, `npm run bench` saw 6,921 attempts
 * dropped, each retried seconds later by the phone's system). A hall of thousands spreads its
 * returns over a few seconds instead: about 1,000 phones a second.
 */
export function reconnectSpreadMs(phones: number): number {
  return Math.min(10_000, Math.max(1000, phones));
}

export function phoneView(state: ForumState, phones = 0): PhoneView {
  // A slide or a reveal changes nothing a phone shows (its rankings come as `results`): at 5,000
  // phones, each one sent to every phone was megabytes for the hall's Wi-Fi.
  const { revealed: _revealed, display: _display, resultsTop: _top, ...forum } = forumInfo(state);
  return { forum, reconnectWithinMs: reconnectSpreadMs(phones) };
}

/**
 * A phone's rows of a revealed priority: the first PHONE_RESULT_ROWS, ties at the cut kept whole
 * up to twice that; `more` says how many are left out. A hall's 50 ideas a priority all go; a
 * city's thousands would be megabytes to every phone at every reveal (the report and the public
 * results page have every row).
 */
export const PHONE_RESULT_ROWS = 50;

export function phoneResults(state: ForumState): PhoneResult[] {
  if (state.revealed.length === 0) return [];
  return revealedResults(state).map((r) => {
    const { shown, left } = topWithTies(r.rows, PHONE_RESULT_ROWS, PHONE_RESULT_ROWS * 2);
    const rows = shown.map(({ ideaId, title, dots, supporters, rank }): PhoneResultRow => ({ ideaId, title, dots, supporters, rank }));
    const result: PhoneResult = { priorityCode: r.priorityCode, rows };
    if (shown.length < r.rows.length) result.more = r.rows.length - shown.length;
    // Left out only past twice the top, so all of the tie at rank PHONE_RESULT_ROWS.
    if (left) result.tiedAfter = left.count;
    return result;
  });
}

/**
 * The idea a merged one lives on in, through merges of merges: its author finds it in the
 * rankings as theirs. Null for an idea that was not merged.
 */
function standingIdea(state: ForumState, idea: Idea): string | null {
  let into = idea.mergedInto ? state.ideas.get(idea.mergedInto) : undefined;
  // A chain is as long as the merges made, and never returns on itself; the bound is for safety.
  for (let hops = 0; into?.mergedInto && hops < state.ideas.size; hops++) into = state.ideas.get(into.mergedInto);
  return into?.id ?? null;
}

/**
 * A ballot's dots by idea id, as a record made as a hash table from the start (no prototype). Each
 * ballot's keys are ids no other record shares: a plain object gave V8 a new hidden class for every
 * key added, 20 to 40 µs for a ballot of 18 dots, and a phone's view is made at its every dot and
 * at each reconnect (6 % of the server's time in a storm of 1,000 phones coming back went to it).
 * Its JSON is the same.
 */
function dotsByIdea(dots: ReadonlyMap<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  for (const [ideaId, count] of dots ?? []) out[ideaId] = count;
  return out;
}

export function meView(state: ForumState, participantId: string): MeView | null {
  const p = state.participants.get(participantId);
  if (!p) return null;
  const ideas: MyIdea[] = ideasOf(state, participantId)
    .sort((a, b) => a.seq - b.seq)
    // Added to the public record, not spread into a new one: see consoleView.
    .map((idea): MyIdea =>
      Object.assign(publicIdea(state, idea), { status: idea.status, hiddenReason: idea.hiddenReason, mergedInto: standingIdea(state, idea) }),
    );
  return {
    participantId,
    name: p.name,
    ideas,
    dots: dotsByIdea(state.dots.get(participantId)),
    voided: p.voided ? { reason: p.voided.reason } : null,
    cityBallots: state.city.vote ? [...standingCasts(state, participantId).values()].map((c) => c.ballot!) : [],
  };
}

/** The projector pages through these a screenful at a time, so the newest few all get their turn. */
const NEWEST_ON_SCREEN = 24;

const sum = (values: Iterable<number> | undefined): number => {
  let total = 0;
  for (const n of values ?? []) total += n;
  return total;
};

/** The newest `n` ideas on the wall, newest first, without building the rest of a wall of thousands. */
function newestIdeas(state: ForumState, n: number): PublicIdea[] {
  const all = [...state.ideas.values()];
  const out: PublicIdea[] = [];
  for (let i = all.length - 1; i >= 0 && out.length < n; i--) if (all[i].status === 'active') out.push(publicIdea(state, all[i]));
  return out;
}

/**
 * Participants online who hold a ballot: a voided phone stays connected to read why, but is not
 * counted. Counted over the forum's participants, as their rows are: presence also holds a phone
 * bound to a join not yet stored, or to one the disk refused (taken back, the phone still there),
 * and the count then said more than the rows showed online, the latter for as long as it stayed.
 */
function onlineBallots(state: ForumState, presence: Presence): number {
  let online = 0;
  for (const p of state.participants.values()) if (!p.voided && presence.isOnline(p.id)) online++;
  return online;
}

/** What was worked out from each forum, by name, and at which version of the forum (ForumRoom.version). */
const keptByState = new WeakMap<ForumState, Map<string, { version: number; value: unknown }>>();

/**
 * `make()`, worked out once per version of the forum: the projector and the console, sent one after
 * the other, and the projector's refreshes while nothing changed, share it. Without a version: anew.
 */
function keptFor<T>(state: ForumState, version: number | undefined, what: string, make: () => T): T {
  if (version === undefined) return make();
  let kept = keptByState.get(state);
  if (!kept) keptByState.set(state, (kept = new Map()));
  const hit = kept.get(what);
  if (hit?.version === version) return hit.value as T;
  const value = make();
  kept.set(what, { version, value });
  return value;
}

/** Voting progress, from the totals kept as ballots change: the projector and the console share one record per version. */
const progressOf = (state: ForumState, version: number | undefined): VotingProgress => keptFor(state, version, 'progress', () => votingProgress(state));

/** What the projector and the console both show: the forum, how to join, and the hall's counts. */
function hallSummary(state: ForumState, presence: Presence, join: JoinInfo, version?: number) {
  const progress = progressOf(state, version);
  return {
    forum: forumInfo(state),
    ...join,
    joined: ballotCount(state),
    online: onlineBallots(state, presence),
    ideaCounts: ideaCounts(state),
    voted: progress.voted,
    votedPerPriority: progress.votedPerPriority,
    dotsPerPriority: progress.dotsPerPriority,
  };
}

/** `version`: the forum's (ForumRoom.version), to share what the console worked out at the same version. */
export function screenView(state: ForumState, presence: Presence, join: JoinInfo, version?: number): ScreenView {
  // Dots per priority are a tally of sorts: the projector gets only how many have voted.
  const { dotsPerPriority: _hidden, ...summary } = hallSummary(state, presence, join, version);
  return {
    ...summary,
    newestIdeas: newestIdeas(state, NEWEST_ON_SCREEN),
    results: keptFor(state, version, 'screenResults', () => revealedResults(state).map((r) => screenResult(r, state.resultsTop))),
    // A hash reveals nothing of the counts; shown on the final slide so the hall can check them later,
    // and only once every priority is revealed: nothing the rules still allow then changes it.
    resultsHash: resultsFinal(state) ? keptFor(state, version, 'resultsHash', () => resultsHash(state)) : null,
  };
}

/**
 * The projector's rows of a revealed priority: the forum's top (`resultsTop`) with the tie at the
 * cut whole, at most SCREEN_RESULT_ROWS, which is more than a screen has room for. A city's ranking
 * of a thousand ideas would otherwise be a hundred kilobytes at each reveal, and the projector shows
 * the top (the report, the exports and the public results page have every row).
 */
export const SCREEN_RESULT_ROWS = 100;

export function screenResult(result: PriorityResult, top: number): PriorityResult {
  const rows = result.rows;
  const n = Math.min(top, rows.length);
  if (n === 0) return result;
  let end = n;
  while (end < rows.length && rows[end].rank === rows[n - 1].rank) end++;
  const kept = Math.min(end, SCREEN_RESULT_ROWS);
  if (kept === rows.length) return result;
  const cut: PriorityResult = { priorityCode: result.priorityCode, rows: rows.slice(0, kept), more: rows.length - kept };
  if (end > kept) cut.tiedAfter = end - kept;
  return cut;
}

/**
 * What the server knows about itself for the console. Whether phones can reach it is decided once
 * at start (server/net.ts) and rides along with the storage's health, the one callback the
 * composition root already hands to the realtime layer; without it, reachable is assumed.
 */
export type ConsoleStatus = ConsoleHealth & { reachable?: ConsoleView['reachable'] };

/** What the console shows of facilitation: who is looking, likely duplicates, who hosts. */
export interface Facilitation {
  me: ConsoleMe;
  duplicates: DuplicateGroup[];
  themes?: DuplicateGroup[];
  nearest?: NearestIdeas[];
  hostOnline(hostId: string): boolean;
  /**
   * The participants whose row may have changed since the caller's last view (it knows: consoles.ts,
   * from the room's effects), and that view's rows: only theirs are built again, the rest are the
   * last ones, not walked. Absent or 'all': every row is looked at.
   */
  rowsChanged?: ReadonlySet<string> | 'all';
  lastRows?: readonly ConsoleParticipant[];
  /** Set for a forum whose console asks for its rows a page at a time (consoles.ts): no row is built here. */
  paged?: { version: number };
}

/** Rows on a page of a paged console. */
export const PARTICIPANTS_PAGE = 50;

/** The name of whoever did a moderation step. */
function actorName(state: ForumState, by: string | undefined): string {
  if (!by || by === FACILITATOR) return '';
  const host = state.hosts.get(by);
  if (!host) return by;
  // A service point's staff are named with their point: the log says where a ballot was taken.
  return host.point === undefined ? host.name : `${host.name} · ${host.point}`;
}

/**
 * Per priority: participants (not voided) who could still place a dot there; and ballots that
 * could still place one anywhere (`left`), or have placed none (`none`). One pass over the ballots,
 * none in a city vote, which has no dots.
 */
function unspentOf(state: ForumState): { perPriority: Record<string, number>; left: number; none: number } {
  const priorities = state.structure.priorities;
  if (state.city.vote) return { perPriority: Object.fromEntries(priorities.map((p) => [p.code, 0])), left: 0, none: 0 };
  const open = new Map<string, number>();
  for (const idea of state.ideas.values()) if (idea.status === 'active') open.set(idea.priorityCode, (open.get(idea.priorityCode) ?? 0) + 1);
  // A ballot can place at most the budget, or what the cap allows on the ideas there are.
  const possible = priorities.map((p) => Math.min(state.rules.dotsPerPriority, (open.get(p.code) ?? 0) * state.rules.maxDotsPerIdea));
  const counts = priorities.map(() => 0);
  let budget = 0;
  for (const n of possible) budget += n;
  let left = 0;
  let none = 0;
  // Plain loops, no closure per ballot: this runs over every participant at each console update.
  const n = priorities.length;
  for (const who of state.participants.values()) {
    if (who.voided) continue;
    // Dots per priority, kept as the ballot changes (state.dotTotals): no walk over every dot.
    const spent = state.dotTotals.byBallot.get(who.id);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (possible[i] > 0 && (spent === undefined || (spent.get(priorities[i].code) ?? 0) < possible[i])) {
        counts[i]++;
        any = true;
      }
    }
    if (any) left++;
    if (spent === undefined && budget > 0) none++;
  }
  return { perPriority: Object.fromEntries(priorities.map((p, i) => [p.code, counts[i]])), left, none };
}

/**
 * Each participant's console row as last built, per forum: a row that reads the same is the same
 * object, so the patch to the consoles (shared/viewPatch.ts) passes over it at a glance. Compared
 * field by field, 5,000 rows took 4 to 10 ms of each update of the console (scripts/stalls.ts).
 */
const rowsByState = new WeakMap<ForumState, Map<string, ConsoleParticipant>>();
const ROW_FIELDS = ['name', 'online', 'ideas', 'dots', 'joinedAt', 'address', 'ticketNumber', 'voided'] as const satisfies readonly (keyof ConsoleParticipant)[];
// A field added to the row and not to ROW_FIELDS would leave a changed row unsent: this fails to compile then.
const everyField: Exclude<keyof ConsoleParticipant, 'id' | (typeof ROW_FIELDS)[number]> extends never ? true : never = true;
void everyField;

/**
 * A participant's console row: the one last built where it reads the same, a new one where not.
 * Filled into one scratch row and compared before a row is made: at 5,000 participants, a new row
 * each at every update was 5,000 objects for the collector, whose pauses then held the loop tens
 * of ms (scripts/stalls.ts).
 */
function rowOf(state: ForumState, presence: Presence, p: Participant, ideas: number, kept: Map<string, ConsoleParticipant>): ConsoleParticipant {
  scratch.id = p.id;
  scratch.name = p.name;
  scratch.online = presence.isOnline(p.id);
  scratch.ideas = ideas;
  scratch.dots = sum(state.dotTotals.byBallot.get(p.id)?.values());
  scratch.joinedAt = p.joinedAt;
  scratch.address = p.address;
  scratch.ticketNumber = p.ticketId ? (state.tickets.get(p.ticketId)?.number ?? null) : null;
  scratch.voided = p.voided?.reason ?? null;
  let row = kept.get(p.id);
  if (!row || !sameRow(row, scratch)) kept.set(p.id, (row = { ...scratch }));
  return row;
}
const scratch: ConsoleParticipant = { id: '', name: '', online: false, ideas: 0, dots: 0, joinedAt: 0, address: '', ticketNumber: null, voided: null };

/** The ideas a participant wrote that the console counts (all but those withdrawn). */
function ideaCountOf(state: ForumState, participantId: string): number {
  let n = 0;
  for (const idea of state.ideasByAuthor.get(participantId) ?? []) if (idea.status !== 'withdrawn') n++;
  return n;
}

/** Every participant's console row, in the order they joined. */
function participantRows(state: ForumState, presence: Presence): ConsoleParticipant[] {
  const ideasByAuthor = new Map<string, number>();
  for (const idea of state.ideas.values()) {
    if (idea.status !== 'withdrawn') ideasByAuthor.set(idea.authorId, (ideasByAuthor.get(idea.authorId) ?? 0) + 1);
  }
  const kept = keptRows(state);
  const rows = new Array<ConsoleParticipant>(state.participants.size);
  let i = 0;
  for (const p of state.participants.values()) rows[i++] = rowOf(state, presence, p, ideasByAuthor.get(p.id) ?? 0, kept);
  return rows;
}

function keptRows(state: ForumState): Map<string, ConsoleParticipant> {
  let kept = rowsByState.get(state);
  if (!kept) rowsByState.set(state, (kept = new Map()));
  return kept;
}

/** Where each participant's row stands in a list of rows (the same in every list built from the last). */
const rowIndex = new WeakMap<readonly ConsoleParticipant[], Map<string, number>>();

/**
 * The rows of the last view with those of `changed` built again: participants are never taken
 * out and new ones come last, so a row keeps its place. A few dots placed among 5,000 participants
 * walked every row at each update of the console (participantRows, 5 to 10 ms).
 */
function rowsChangedIn(state: ForumState, presence: Presence, last: readonly ConsoleParticipant[], changed: ReadonlySet<string>): ConsoleParticipant[] {
  let at = rowIndex.get(last);
  if (!at) rowIndex.set(last, (at = new Map(last.map((row, i) => [row.id, i]))));
  const kept = keptRows(state);
  const rows = last.slice();
  for (const id of changed) {
    const i = at.get(id);
    const p = state.participants.get(id);
    if (i === undefined || !p) continue;
    rows[i] = rowOf(state, presence, p, ideaCountOf(state, id), kept);
  }
  rowIndex.set(rows, at);
  return rows;
}

function rowsOf(state: ForumState, presence: Presence, changed: ReadonlySet<string> | 'all', last: readonly ConsoleParticipant[] | undefined): ConsoleParticipant[] {
  // Walked whole when a participant is new since the last rows, or so many changed that it is as quick.
  const few = changed !== 'all' && last !== undefined && last.length === state.participants.size && changed.size <= last.length / 4;
  if (!few) return participantRows(state, presence);
  return changed.size === 0 ? (last as ConsoleParticipant[]) : rowsChangedIn(state, presence, last, changed);
}

/** Every one of ROW_FIELDS, written out: a loop over their names (a[f]) took 0.8 ms per 5,000 rows against 0.1. */
function sameRow(a: ConsoleParticipant, b: ConsoleParticipant): boolean {
  return (
    a.name === b.name &&
    a.online === b.online &&
    a.ideas === b.ideas &&
    a.dots === b.dots &&
    a.joinedAt === b.joinedAt &&
    a.address === b.address &&
    a.ticketNumber === b.ticketNumber &&
    a.voided === b.voided
  );
}

export function consoleView(
  state: ForumState,
  presence: Presence,
  join: JoinInfo,
  admission: AdmissionView,
  status: ConsoleStatus,
  facilitation: Facilitation = { me: { role: 'facilitator' }, duplicates: [], hostOnline: () => false },
  version?: number,
): ConsoleView {
  const { reachable = { ok: true }, ...health } = status;
  const nameOf = (authorId: string, paperAuthor: string) => (authorId ? (state.participants.get(authorId)?.name ?? '') : paperAuthor);
  const afterVoting = state.phase === 'results' || state.phase === 'closed';
  // Once per version: a console's refresh for someone coming online or the storage's health walks no ballot.
  const unspent = keptFor(state, version, 'unspent', () => unspentOf(state));
  const paged = facilitation.paged;
  return {
    ...hallSummary(state, presence, join, version),
    participants: paged ? [] : rowsOf(state, presence, facilitation.rowsChanged ?? 'all', facilitation.lastRows),
    ...(paged
      ? { participantPages: { pageSize: PARTICIPANTS_PAGE, version: paged.version, voided: state.voidedCount, unspent: { left: unspent.left, none: unspent.none } } }
      : {}),
    ideas: [...state.ideas.values()]
      .filter((i) => i.status !== 'withdrawn')
      // Added to the public record, not spread into a new one: for thousands of ideas at every
      // update, spreading took eight times as long (`npm run bench`, part views).
      .map((idea): ConsoleIdea => {
        const record: ConsoleIdea = Object.assign(publicIdea(state, idea), {
          authorId: idea.authorId,
          status: idea.status,
          hiddenReason: idea.hiddenReason,
          createdAt: idea.createdAt,
          source: idea.source,
          mergedInto: idea.mergedInto,
          merged: idea.merged.map((m) => ({ ideaId: m.ideaId, title: m.title, description: m.description, place: m.place, authorName: nameOf(m.authorId, m.paperAuthor) })),
          flagged: flaggedWords(state, idea),
        });
        // Only where stickers were entered: a host's view (hostView) then has nothing to take out
        // of thousands of ideas at every update of the voting.
        if (idea.paperDots > 0) record.paperDots = idea.paperDots;
        if (idea.status === 'hidden' && idea.hiddenDots) {
          record.hiddenDots = { voters: idea.hiddenDots.length, dots: idea.hiddenDots.reduce((n, d) => n + d.count, 0) };
        }
        return record;
      }),
    results: afterVoting ? results(state, state.structure.priorities.map((p) => p.code)) : [],
    moderation: state.moderation.map(({ at, action, ideaId, participantId, reason, ideaIds, before, after, count, by, voided, window, range, burst, channel, document, budgetId }) => ({
      at,
      action,
      ideaId,
      reason,
      by: by ?? FACILITATOR,
      byName: actorName(state, by),
      ...(participantId ? { participantId } : {}),
      ...(participantId && paged ? { participantName: state.participants.get(participantId)?.name ?? '' } : {}),
      ...(ideaIds ? { ideaIds } : {}),
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
      ...(count ? { count } : {}),
      ...(voided !== undefined ? { voided } : {}),
      ...(window ? { window } : {}),
      ...(range ? { range } : {}),
      ...(burst ? { burst } : {}),
      ...(channel ? { channel } : {}),
      ...(document ? { document } : {}),
      ...(budgetId ? { budgetId } : {}),
    })),
    admission,
    health,
    reachable,
    me: facilitation.me,
    duplicates: facilitation.duplicates,
    themes: facilitation.themes ?? [],
    nearest: facilitation.nearest ?? [],
    merges: [...state.merges.values()].map((m) => ({
      id: m.id,
      into: m.into,
      ideas: m.ideas,
      at: m.at,
      by: actorName(state, m.by),
      undone: m.undone,
      moved: m.moved.reduce((a, d) => a + d.count, 0),
      refunded: m.refunded.reduce((a, d) => a + d.count, 0),
    })),
    hosts: [...state.hosts.values()].map((h) => ({ id: h.id, name: h.name, scope: h.scope, revoked: h.revoked, online: facilitation.hostOnline(h.id), point: h.point ?? null })),
    wordList: { words: [...(state.wordList ?? DEFAULT_WORD_LIST)], isDefault: state.wordList === null },
    unspentPerPriority: unspent.perPriority,
    paperBallots: state.paperBallots,
  };
}

/**
 * A host's console: the same forum, without what only the facilitator needs (the projector's
 * key, participants' addresses, the admission figures, the hosts list) and without any count of a
 * priority the hall has not seen. The facilitator looks at the tallies before revealing; a table
 * host sees a ranking when the hall does (a revealed ranking is public, whatever the host's scope),
 * and meanwhile nothing to work one out from: no dots per ballot or per priority, no dots a merge
 * moved, no unspent ballots. A scoped host sees the stickers entered only in their own priority
 * (they enter them, in the results); another priority's, once the hall has seen it.
 */
export function hostView(view: ConsoleView): ConsoleView {
  const scope = view.me.role === 'host' ? view.me.scope : null;
  const revealed = new Set(view.forum.revealed);
  // Stickers are entered in the results, each by the hosts of its priority.
  const entering = view.forum.phase === 'results';
  const paperShown = (priorityCode: string) => revealed.has(priorityCode) || (entering && (scope === null || scope === priorityCode));
  let priorityOf: Map<string, string> | null = null;
  const shown = (ideaId: string | null, show: (code: string) => boolean) => {
    priorityOf ??= new Map(view.ideas.map((i) => [i.id, i.priorityCode]));
    const code = ideaId === null ? undefined : priorityOf.get(ideaId);
    return code !== undefined && show(code);
  };
  return {
    ...view,
    participants: view.participants.map((p) => ({
      id: p.id,
      name: p.name,
      online: p.online,
      ideas: p.ideas,
      joinedAt: p.joinedAt,
      address: '',
      ticketNumber: p.ticketNumber,
      voided: p.voided,
    })),
    ideas: view.ideas.map((idea) => {
      // How many voters an idea had when hidden is a tally: never a host's.
      const kept = idea.hiddenDots === undefined ? idea : (({ hiddenDots: _count, ...rest }) => rest)(idea);
      if (kept.paperDots === undefined || paperShown(kept.priorityCode)) return kept;
      const { paperDots: _hidden, ...rest } = kept;
      return rest;
    }),
    dotsPerPriority: Object.fromEntries(Object.entries(view.dotsPerPriority).filter(([code]) => revealed.has(code))),
    results: view.results.filter((r) => revealed.has(r.priorityCode)),
    unspentPerPriority: {},
    ...(view.participantPages ? { participantPages: (({ unspent: _tally, ...rest }) => rest)(view.participantPages) } : {}),
    merges: view.merges.map((m) => {
      if (m.moved === undefined || shown(m.into, (code) => revealed.has(code))) return m;
      const { moved: _moved, refunded: _refunded, ...rest } = m;
      return rest;
    }),
    moderation: view.moderation.map((m) => {
      if (m.action !== 'paperDots' || !m.count || shown(m.ideaId, paperShown)) return m;
      const { count: _count, ...rest } = m;
      return rest;
    }),
    admission: { ...view.admission, screenUrl: '', sharedAddresses: [], waiting: [] },
    hosts: [],
  };
}

/**
 * Builds a large forum's console rows and idea flags ahead of its first console, `rows` rows and a
 * tenth as many ideas a step (a step a turn of the event loop, see consoles.ts): the first view
 * then finds each row built and its code compiled. Built whole in the turn a console connected to
 * a forum just opened, 5,000 rows and 250 ideas' flags held the loop 50 to 90 ms (scripts/stalls.ts).
 * Returns the rows, in the order of the participants when it began: the first view's, with those
 * changed meanwhile built again (consoles.ts counts them from when it began).
 */
export function* warmConsole(state: ForumState, presence: Presence, rows: number): Generator<void, ConsoleParticipant[], void> {
  const kept = keptRows(state);
  const participants = [...state.participants.values()];
  const built = new Array<ConsoleParticipant>(participants.length);
  for (let i = 0; i < participants.length; i += rows) {
    for (let j = i; j < Math.min(i + rows, participants.length); j++) {
      const p = participants[j];
      built[j] = rowOf(state, presence, p, ideaCountOf(state, p.id), kept);
    }
    yield;
  }
  const ideas = [...state.ideas.values()];
  const step = Math.max(1, Math.floor(rows / 10));
  for (let i = 0; i < ideas.length; i += step) {
    for (const idea of ideas.slice(i, i + step)) flaggedWords(state, idea);
    yield;
  }
  return built;
}

/**
 * Builds every participant's console row again, `rows` rows a step (a step a turn of the event
 * loop, see consoles.ts), each step from the forum as `shown` gives it then. A void or a merge
 * changes the dots of most ballots at once: built in one turn with the rest of the view, 5,000
 * rows held the loop 30 to 60 ms (scripts/stalls.ts). Participants who joined meanwhile come last,
 * as in every list of rows; rows changed after they were built are the caller's to build again.
 */
export function* rowsInSteps(shown: () => ForumState, presence: Presence, rows: number): Generator<void, ConsoleParticipant[], void> {
  const built: ConsoleParticipant[] = [];
  for (;;) {
    const state = shown();
    const kept = keptRows(state);
    let seen = 0;
    for (const p of state.participants.values()) {
      if (seen++ < built.length) continue;
      built.push(rowOf(state, presence, p, ideaCountOf(state, p.id), kept));
      if (built.length % rows === 0) break;
    }
    if (built.length >= state.participants.size) return built;
    yield;
  }
}

/** What a console's search names besides a name: the participant a receipt or a voter code belongs to (the server finds them). */
export type FindParticipant = (query: string) => string | undefined;

/**
 * A page of a paged console's rows, newest first: every participant, or those whose name holds
 * `query` (in any case), whose ticket number it is, or whom `find` names for it (a receipt, a
 * voter code). A page past the last gives the last. A walk over the participants per ask, not per
 * change: at 100,000 the whole walk takes a few ms (`BENCH_ONLY=consolepages npm run bench`).
 */
export function participantPage(
  state: ForumState,
  presence: Presence,
  query: string,
  page: number,
  find: FindParticipant = () => undefined,
  pageSize = PARTICIPANTS_PAGE,
): { rows: ConsoleParticipant[]; matching: number; page: number; pageSize: number } {
  // Plain toLowerCase: the same for Ukrainian, and a tenth of toLocaleLowerCase's time over 100,000 names.
  const q = query.normalize('NFC').trim().toLowerCase();
  let ids: string[];
  if (!q) {
    ids = [...state.participants.keys()];
  } else {
    const found = find(query.trim());
    const ticket = /^(?:№\s*)?(\d{1,7})$/.exec(q)?.[1];
    const ticketNumber = ticket === undefined ? null : Number(ticket);
    ids = [];
    for (const p of state.participants.values()) {
      if (p.id === found || (p.name && p.name.toLowerCase().includes(q))) ids.push(p.id);
      else if (ticketNumber !== null && p.ticketId && state.tickets.get(p.ticketId)?.number === ticketNumber) ids.push(p.id);
    }
  }
  const pages = Math.max(1, Math.ceil(ids.length / pageSize));
  const at = Math.min(Math.max(0, page), pages - 1);
  // Newest first: the last joined are at the end of the join order.
  const end = ids.length - at * pageSize;
  const kept = keptRows(state);
  const rows: ConsoleParticipant[] = [];
  for (let i = end - 1; i >= Math.max(0, end - pageSize); i--) {
    const p = state.participants.get(ids[i])!;
    rows.push(rowOf(state, presence, p, ideaCountOf(state, p.id), kept));
  }
  return { rows, matching: ids.length, page: at, pageSize };
}
