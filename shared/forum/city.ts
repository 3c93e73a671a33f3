// The city vote inside a vote-only forum, as rules over the forum's state: the organiser defines
// it while the forum is still in the lobby (its projects typed in or taken from the shortlisted
// ideas), and each participant casts, changes or withdraws a ballot per budget while voting is
// open. The ballot and definition checks themselves are shared/city's (checkBallot.ts,
// checkVote.ts); this file says when they apply and which events follow. Pure, like rules.ts.

import { castChannel, type CityChannel } from '../city/channels.js';
import { checkBallot } from '../city/checkBallot.js';
import { checkVote } from '../city/checkVote.js';
import type { StoredCast } from '../city/latestBallots.js';
import type { CityRefusal } from '../city/refusals.js';
import type { BallotRule, CityPrivacy, CityProject, CityVote, CountingRule, TieRule } from '../city/vote.js';
import { accept, refuse, type Decision } from './errors.js';
import { checkLine, checkText } from './rules.js';
import { LIMITS, type ForumEvent, type ForumState } from './types.js';

/** Most budgets and projects one vote may have: a city's districts, and what their ballots can show. */
export const CITY_LIMITS = { budgets: 50, projects: 500 } as const;

/** A receipt as the voter reads it: ten letters and digits of Crockford's base32 in two groups of five. */
export const RECEIPT_PATTERN = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

/** A receipt as typed back: case and the letters that look like digits forgiven, dashes and spaces optional. */
export function normaliseReceipt(typed: string): string | null {
  const plain = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{10}$/.test(plain)) return null;
  return `${plain.slice(0, 5)}-${plain.slice(5)}`;
}

/** A project as the organiser sends it: typed in whole, or taken from a shortlisted idea (`ideaId`), whose texts fill what is left empty. */
export interface CityProjectInput {
  id: string;
  budgetId: string;
  cost: number;
  title?: string;
  description?: string;
  place?: string;
  ideaId?: string;
}

export interface CityVoteInput {
  title: string;
  budgets: { id: string; name: string; amount: number }[];
  projects: CityProjectInput[];
  ballot: BallotRule;
  counting: CountingRule;
  tie: TieRule;
  place?: { country: string; unit: string };
  privacy?: CityPrivacy;
}

/** A retention date as the definition gives it: a real day, YYYY-MM-DD. */
export function retentionDay(typed: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typed);
  if (!m) return null;
  const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(day).toISOString().slice(0, 10) === typed ? day : null;
}

/** When a vote's personal data is due to go: the end of its retention day (UTC). */
export const retentionEnds = (privacy: CityPrivacy): number | null => {
  const day = retentionDay(privacy.retainUntil);
  return day === null ? null : day + 86_400_000;
};

export const refuseCityRule = (error: CityRefusal) => refuse('CITY_REFUSED', { reason: error.code, ...(error.params ?? {}) });

/** Whether voting on the city vote is open now. */
export const cityVoteOpen = (state: ForumState): boolean => state.city.vote !== null && state.phase === 'voting' && !state.archived;

/** Whether the city vote has closed: its results and ballot lists may be seen. */
export const cityVoteClosed = (state: ForumState): boolean => state.city.vote !== null && (state.phase === 'results' || state.phase === 'closed');

/**
 * `basedOn`: the revision of the definition the organiser edited (state.city.revision as their
 * console last saw it; 0 before any). When another console has saved since, this save would erase
 * that one's work unseen, so it is refused; the console then shows theirs or keeps its own on the
 * new revision. Absent (a script, verify.ts deciding a stored event again): not checked.
 */
export function decideSetCityVote(state: ForumState, input: CityVoteInput, at: number, basedOn?: number): Decision<ForumEvent[]> {
  if (state.archived) return refuse('ARCHIVED');
  if (!state.voteOnly) return refuse('CITY_NO_VOTE');
  if (state.phase !== 'lobby') return refuse('CITY_VOTE_OPEN', { phase: state.phase });
  if (basedOn !== undefined && basedOn !== state.city.revision) return refuse('CITY_DEFINITION_CHANGED', { revision: state.city.revision });
  const title = checkLine('title', input.title, LIMITS.title, true);
  if (!title.ok) return title;
  if (input.budgets.length > CITY_LIMITS.budgets) return refuse('BAD_INPUT', { field: 'budgets' });
  if (input.projects.length > CITY_LIMITS.projects) return refuse('BAD_INPUT', { field: 'projects' });
  const budgets = [];
  for (const b of input.budgets) {
    const name = checkLine('title', b.name, LIMITS.title, true);
    if (!name.ok) return name;
    budgets.push({ id: b.id, name: name.value, amount: b.amount });
  }
  const projects: CityProject[] = [];
  for (const p of input.projects) {
    const idea = p.ideaId === undefined ? undefined : state.ideas.get(p.ideaId);
    if (p.ideaId !== undefined && (!idea || idea.status !== 'active')) return refuse('IDEA_NOT_FOUND');
    const projectTitle = checkLine('title', p.title || idea?.title || '', LIMITS.title, true);
    if (!projectTitle.ok) return projectTitle;
    const description = checkText('description', p.description ?? idea?.description ?? '', LIMITS.description, false);
    if (!description.ok) return description;
    const place = checkLine('place', p.place ?? idea?.place ?? '', LIMITS.place, false);
    if (!place.ok) return place;
    const project: CityProject = { id: p.id, title: projectTitle.value, cost: p.cost, budgetId: p.budgetId };
    if (description.value) project.description = description.value;
    if (place.value) project.place = place.value;
    if (idea) {
      project.originIdeaId = idea.id;
      project.origin = { title: idea.title, forumTitle: idea.origin?.forumTitle ?? state.title };
    }
    projects.push(project);
  }
  let place: CityVote['place'];
  if (input.place) {
    const country = checkLine('place', input.place.country, LIMITS.place, true);
    if (!country.ok) return country;
    const unit = checkLine('place', input.place.unit, LIMITS.place, true);
    if (!unit.ok) return unit;
    place = { country: country.value, unit: unit.value };
  }
  let privacy: CityPrivacy | undefined;
  if (input.privacy) {
    const controller = checkLine('controller', input.privacy.controller, LIMITS.place, true);
    if (!controller.ok) return controller;
    const contact = checkLine('contact', input.privacy.contact, LIMITS.place, true);
    if (!contact.ok) return contact;
    const day = retentionDay(input.privacy.retainUntil.trim());
    // A date already gone would delete the data as soon as the vote closed, before anyone could ask.
    if (day === null || day + 86_400_000 <= at) return refuse('BAD_INPUT', { field: 'retainUntil' });
    const purpose = checkText('purpose', input.privacy.purpose ?? '', LIMITS.description, false);
    if (!purpose.ok) return purpose;
    privacy = { controller: controller.value, contact: contact.value, retainUntil: input.privacy.retainUntil.trim(), ...(purpose.value ? { purpose: purpose.value } : {}) };
  }
  const vote: CityVote = {
    // The vote's id goes into the published ballot lists: the forum's, where it is fit to.
    id: /^[A-Za-z0-9_.-]{1,64}$/.test(state.id) ? state.id : 'city-vote',
    title: title.value,
    budgets,
    projects,
    ballot: input.ballot,
    counting: input.counting,
    tie: input.tie,
    ...(place ? { place } : {}),
    ...(privacy ? { privacy } : {}),
  };
  const checked = checkVote(vote);
  if (!checked.ok) return refuseCityRule(checked.error);
  return accept([{ type: 'cityVoteSet', vote, at }]);
}

/** The definition as the organiser would have sent it: a stored vote decided again (verify.ts) gives itself back. */
export function cityVoteInput(vote: CityVote): CityVoteInput {
  return {
    title: vote.title,
    budgets: vote.budgets,
    projects: vote.projects.map((p) => ({
      id: p.id,
      budgetId: p.budgetId,
      cost: p.cost,
      title: p.title,
      description: p.description ?? '',
      place: p.place ?? '',
      ...(p.originIdeaId !== undefined ? { ideaId: p.originIdeaId } : {}),
    })),
    ballot: vote.ballot,
    counting: vote.counting,
    tie: vote.tie,
    ...(vote.place ? { place: vote.place } : {}),
    ...(vote.privacy ? { privacy: vote.privacy } : {}),
  };
}

/**
 * What the casts say, kept beside them: each voter's standing cast per budget, and the receipts
 * given. The casts only ever grow (state.ts appends), so the index catches up on the new ones
 * rather than walking all of them: a city's 100,000 phones reconnecting would otherwise each walk
 * every cast for its own view. Keyed by the list itself, so a copied state has its own.
 */
interface CastIndex {
  upTo: number;
  standing: Map<string, Map<string, StoredCast>>;
  receipts: Set<string>;
  /** Each voter's channel: their first cast's (shared/city/channels.ts), which binds the ballot. */
  channels: Map<string, CityChannel>;
}
const indexes = new WeakMap<StoredCast[], CastIndex>();

function castIndex(state: ForumState): CastIndex {
  const casts = state.city.casts;
  let index = indexes.get(casts);
  // A list that shrank is no longer the one indexed (nothing in the rules does that): start again.
  if (index && index.upTo > casts.length) index = undefined;
  if (!index) indexes.set(casts, (index = { upTo: 0, standing: new Map(), receipts: new Set(), channels: new Map() }));
  for (; index.upTo < casts.length; index.upTo++) {
    const cast = casts[index.upTo];
    let mine = index.standing.get(cast.voterId);
    if (!mine) index.standing.set(cast.voterId, (mine = new Map()));
    if (cast.ballot) mine.set(cast.budgetId, cast);
    else mine.delete(cast.budgetId);
    if (cast.receiptHash) index.receipts.add(cast.receiptHash);
    if (!index.channels.has(cast.voterId)) index.channels.set(cast.voterId, castChannel(cast));
  }
  return index;
}

/** The channel a participant's ballot is bound to: that of their first cast; null before any. */
export function voterChannel(state: ForumState, participantId: string): CityChannel | null {
  return castIndex(state).channels.get(participantId) ?? null;
}

/** Whether a receipt with this hash was already given in the vote. */
export const receiptGiven = (state: ForumState, receiptHash: string): boolean => castIndex(state).receipts.has(receiptHash);

/** A participant's standing casts: the latest per budget that was not a withdrawal. */
export function standingCasts(state: ForumState, participantId: string): Map<string, StoredCast> {
  return new Map(castIndex(state).standing.get(participantId));
}

function mayCast(state: ForumState, participantId: string): Decision<CityVote> {
  const vote = state.city.vote;
  if (!vote) return refuse('CITY_NO_VOTE');
  if (state.archived) return refuse('ARCHIVED');
  if (state.phase !== 'voting') return refuse('WRONG_PHASE', { phase: state.phase });
  const participant = state.participants.get(participantId);
  if (!participant) return refuse('NOT_JOINED');
  const voided = participant.voided;
  if (voided) return refuse('VOIDED', { reason: voided.reason });
  // A ballot cast at a service point or on paper is that person's only one: their phone may not change it.
  const channel = voterChannel(state, participantId);
  if (channel !== null && channel !== 'online') return refuse('CITY_CHANNEL_TAKEN', { channel });
  return accept(vote);
}

/** `receiptHash`: the SHA-256 of the receipt this cast gives (the caller makes the receipt and hashes it). */
export function decideCastCityBallot(state: ForumState, participantId: string, cast: unknown, receiptHash: string, at: number): Decision<ForumEvent[]> {
  const may = mayCast(state, participantId);
  if (!may.ok) return may;
  const checked = checkBallot(may.value, cast);
  if (!checked.ok) return refuseCityRule(checked.error);
  if (castIndex(state).receipts.has(receiptHash)) return refuse('CITY_RECEIPT_USED');
  const ballot = checked.value;
  return accept([{ type: 'cityBallotCast', participantId, budgetId: ballot.budgetId, ballot, receiptHash, at }]);
}

export function decideWithdrawCityBallot(state: ForumState, participantId: string, budgetId: string, at: number): Decision<ForumEvent[]> {
  const may = mayCast(state, participantId);
  if (!may.ok) return may;
  if (!standingCasts(state, participantId).has(budgetId)) return refuse('CITY_NO_BALLOT', { budgetId });
  return accept([{ type: 'cityBallotCast', participantId, budgetId, ballot: null, receiptHash: null, at }]);
}

/** The casts that count: every cast of a participant not voided (a voided ballot counts nowhere). */
export function countedCasts(state: ForumState): StoredCast[] {
  return state.city.casts.filter((c) => !state.participants.get(c.voterId)?.voided);
}
