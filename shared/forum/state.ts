// The forum as a fold over its events: applyEvent is the only place state changes. The rules in
// this folder decide which events may happen; the server persists them and then applies them here.

import { everyCaseHandled } from '../exhaustive.js';
import type { DotMove, ForumEvent, ForumState, Idea } from './types.js';
import { DEFAULT_RULES, FACILITATOR, RESULTS_TOP_DEFAULT } from './types.js';

export function emptyState(): ForumState {
  return {
    id: '',
    title: '',
    titleFixed: false,
    archived: false,
    voteOnly: false,
    basedOn: null,
    joinCode: '',
    structure: { vision: '', priorities: [] },
    rules: { ...DEFAULT_RULES },
    phase: 'lobby',
    revealed: [],
    display: { slide: 'auto' },
    resultsTop: RESULTS_TOP_DEFAULT,
    publicResults: false,
    resultsPublishedAt: null,
    admission: 'open',
    maxPerAddress: null,
    expectedAttendance: null,
    joiningPaused: null,
    participants: new Map(),
    participantsByToken: new Map(),
    participantsByAddress: new Map(),
    voidedCount: 0,
    joinedAfterVoting: new Set(),
    tickets: new Map(),
    ticketsByCode: new Map(),
    persons: { method: null, key: null, eIdKey: null, byPerson: new Map(), devices: new Map(), codeBatches: [], listed: new Set(), listBatches: 0, anonymised: null },
    ideas: new Map(),
    ideasByAuthor: new Map(),
    dots: new Map(),
    dotTotals: { byBallot: new Map(), byIdea: new Map(), voted: 0, votedPerPriority: new Map(), dotsPerPriority: new Map() },
    moderation: [],
    merges: new Map(),
    hosts: new Map(),
    hostsBySecret: new Map(),
    timer: null,
    wordList: null,
    paperBallots: null,
    nextIdeaSeq: 1,
    createdAt: 0,
    city: { vote: null, casts: [], revision: 0 },
  };
}

/** Adds to (or subtracts from) a count kept in a map; a count of zero leaves no entry. */
function bump(counts: Map<string, number>, key: string, by: number): number {
  const n = (counts.get(key) ?? 0) + by;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
  return n;
}

/**
 * Sets a participant's dots on an idea (0 takes them off). Every change to a ballot goes through
 * here, so that the totals by priority (state.dotTotals) change with it.
 */
function setDots(state: ForumState, participantId: string, ideaId: string, n: number): void {
  let mine = state.dots.get(participantId);
  const before = mine?.get(ideaId) ?? 0;
  if (n === before) return;
  if (!mine) state.dots.set(participantId, (mine = new Map()));
  if (n === 0) mine.delete(ideaId);
  else mine.set(ideaId, n);
  countOnIdea(state, ideaId, before, n);
  const code = state.ideas.get(ideaId)?.priorityCode;
  if (code !== undefined) changeTotals(state, participantId, code, n - before);
}

/** A ballot's dots on an idea went from `before` to `after`: the idea's count and supporters follow. */
function countOnIdea(state: ForumState, ideaId: string, before: number, after: number): void {
  const byIdea = state.dotTotals.byIdea;
  const counted = byIdea.get(ideaId) ?? { dots: 0, supporters: 0 };
  counted.dots += after - before;
  counted.supporters += (after > 0 ? 1 : 0) - (before > 0 ? 1 : 0);
  if (counted.supporters === 0) byIdea.delete(ideaId);
  else byIdea.set(ideaId, counted);
}

/** A ballot's dots in a priority went up or down by `by`: the totals by priority follow. */
function changeTotals(state: ForumState, participantId: string, code: string, by: number): void {
  const totals = state.dotTotals;
  let ballot = totals.byBallot.get(participantId);
  if (!ballot) totals.byBallot.set(participantId, (ballot = new Map()));
  const had = ballot.get(code) ?? 0;
  const has = bump(ballot, code, by);
  bump(totals.dotsPerPriority, code, by);
  if (had === 0 && has > 0) {
    bump(totals.votedPerPriority, code, 1);
    if (ballot.size === 1) totals.voted++;
  } else if (had > 0 && has === 0) {
    bump(totals.votedPerPriority, code, -1);
    if (ballot.size === 0) {
      totals.voted--;
      totals.byBallot.delete(participantId);
    }
  }
}

/**
 * Takes every dot off a ballot, its totals with it in one step: dot by dot (setDots), a void of
 * 1,024 ballots on the largest forum took 34 ms of its 56 (scripts/stalls.ts, profiled).
 */
function clearBallot(state: ForumState, participantId: string): void {
  const mine = state.dots.get(participantId);
  if (!mine) return;
  for (const [ideaId, n] of mine) countOnIdea(state, ideaId, n, 0);
  state.dots.delete(participantId);
  const totals = state.dotTotals;
  const ballot = totals.byBallot.get(participantId);
  if (!ballot) return;
  for (const [code, n] of ballot) {
    bump(totals.dotsPerPriority, code, -n);
    bump(totals.votedPerPriority, code, -1);
  }
  if (ballot.size > 0) totals.voted--;
  totals.byBallot.delete(participantId);
}

/** Adds (or, with a negative count, takes off) a participant's dots on an idea; never below zero. */
function addDots(state: ForumState, participantId: string, ideaId: string, count: number): void {
  setDots(state, participantId, ideaId, Math.max(0, (state.dots.get(participantId)?.get(ideaId) ?? 0) + count));
}

/** Takes every dot off an idea, giving them back to their owners. Returns who got dots back. */
function refundDots(state: ForumState, ideaId: string): string[] {
  const owners: string[] = [];
  for (const [participantId, mine] of state.dots) {
    if (!mine.has(ideaId)) continue;
    setDots(state, participantId, ideaId, 0);
    owners.push(participantId);
  }
  return owners;
}

/**
 * For a void of many: each ballot holding a dot on an idea it hides, with those ideas (in the order
 * the ballot holds them). Found once, a thousand ballots a turn of the event loop, before the void
 * is taken (attendance.ts voidPlanInSteps): applying it then touches those dots only. For a merge,
 * the same of the ideas it folds (mergeHeld).
 */
export type HeldDots = ReadonlyMap<string, readonly string[]>;

/**
 * Takes every dot off the folded ideas and puts each ballot's moved dots onto the survivor (`into`;
 * none when the ideas are only taken off), a ballot at a time with its totals changed once per
 * priority. Taking every dot off and putting the moved ones back dot by dot (setDots 30,000 times
 * for a merge of 41 ideas on the largest forum) held the event loop 20 to 40 ms (scripts/stalls.ts).
 * `held`: the ballots holding dots on the folded ideas, each with those ideas, when known (a merge
 * names them in its event, a void of many finds them first): only those dots are looked at;
 * otherwise every ballot, whole. Yields after every `ballotsPerStep` ballots (applyEventInSteps); the
 * state is whole again only when it returns.
 */
function* foldDots(
  state: ForumState,
  into: Idea | null,
  folded: readonly string[],
  moved: readonly DotMove[],
  held: HeldDots | undefined,
  ballotsPerStep: number,
): Generator<void, void, void> {
  const onto = new Map<string, number>();
  for (const m of moved) onto.set(m.participantId, (onto.get(m.participantId) ?? 0) + m.count);
  // Each folded idea's priority (the survivor's, as decideMerge requires; none for an unknown idea),
  // and what comes off it: its count (dotTotals.byIdea) changes once, not once a ballot.
  const off = new Map<string, FoldedIdea>();
  for (const id of folded) off.set(id, { code: state.ideas.get(id)?.priorityCode, dots: 0, supporters: 0 });
  // A ballot's dots by priority change once each: the first priority in locals (a merge has only
  // that one), any other in a map.
  const change = new Map<string, number>();
  let intoDots = 0;
  let intoSupporters = 0;
  let looked = 0;
  for (const participantId of held?.keys() ?? state.dots.keys()) {
    if (++looked % ballotsPerStep === 0) yield;
    const mine = state.dots.get(participantId);
    if (!mine) continue;
    let firstCode: string | undefined;
    let firstBy = 0;
    let more = false;
    for (const ideaId of held?.get(participantId) ?? mine.keys()) {
      const idea = off.get(ideaId);
      if (idea === undefined) continue;
      const n = mine.get(ideaId);
      if (n === undefined) continue;
      mine.delete(ideaId);
      idea.dots += n;
      idea.supporters++;
      const code = idea.code;
      if (code === undefined) continue;
      if (firstCode === undefined || code === firstCode) {
        firstCode = code;
        firstBy -= n;
      } else {
        if (!more) change.clear();
        more = true;
        change.set(code, (change.get(code) ?? 0) - n);
      }
    }
    const on = onto.get(participantId) ?? 0;
    if (into && on > 0) {
      onto.delete(participantId);
      const had = mine.get(into.id) ?? 0;
      mine.set(into.id, had + on);
      intoDots += on;
      if (had === 0) intoSupporters++;
      if (firstCode === undefined || into.priorityCode === firstCode) {
        firstCode = into.priorityCode;
        firstBy += on;
      } else {
        if (!more) change.clear();
        more = true;
        change.set(into.priorityCode, (change.get(into.priorityCode) ?? 0) + on);
      }
    }
    if (firstCode !== undefined && firstBy !== 0) changeTotals(state, participantId, firstCode, firstBy);
    if (more) for (const [code, by] of change) if (by !== 0) changeTotals(state, participantId, code, by);
  }
  const byIdea = state.dotTotals.byIdea;
  if (into && intoSupporters + intoDots > 0) {
    const counted = byIdea.get(into.id) ?? { dots: 0, supporters: 0 };
    counted.dots += intoDots;
    counted.supporters += intoSupporters;
    if (counted.supporters === 0) byIdea.delete(into.id);
    else byIdea.set(into.id, counted);
  }
  for (const [ideaId, { dots, supporters }] of off) {
    if (supporters === 0) continue;
    const counted = byIdea.get(ideaId) ?? { dots: 0, supporters: 0 };
    counted.dots -= dots;
    counted.supporters -= supporters;
    if (counted.supporters === 0) byIdea.delete(ideaId);
    else byIdea.set(ideaId, counted);
  }
  // A move for a ballot that holds no dot (never from decideMerge): as the events say.
  if (into) for (const [participantId, count] of onto) addDots(state, participantId, into.id, count);
}

/** A folded idea's priority, and the dots and supporters taken off it so far (foldDots). */
interface FoldedIdea {
  code: string | undefined;
  dots: number;
  supporters: number;
}

/** A new active idea, from a phone, a paper card, or an earlier forum's shortlist. */
function addIdea(
  state: ForumState,
  event: Pick<Idea, 'priorityCode' | 'goalCode' | 'title' | 'description' | 'place'> & { ideaId: string; at: number },
  from: Pick<Idea, 'authorId' | 'source' | 'origin' | 'paperAuthor'>,
): void {
  const idea: Idea = {
    id: event.ideaId,
    ...from,
    priorityCode: event.priorityCode,
    goalCode: event.goalCode,
    title: event.title,
    description: event.description,
    place: event.place,
    status: 'active',
    hiddenReason: null,
    corrected: false,
    createdAt: event.at,
    seq: state.nextIdeaSeq++,
    mergedInto: null,
    merged: [],
    paperDots: 0,
  };
  state.ideas.set(event.ideaId, idea);
  const mine = state.ideasByAuthor.get(idea.authorId);
  if (mine) mine.push(idea);
  else state.ideasByAuthor.set(idea.authorId, [idea]);
}

/**
 * Voids one participant: their dots come off, their active ideas are hidden with the reason (others'
 * dots on them go back). The single void and the void of a burst both come here, so a participant
 * voided either way leaves the forum exactly alike. False when there was no one to void.
 */
/** `hidden`: where a void of many collects the ideas it hides, to take their dots off in one pass (foldDots). */
function voidParticipant(state: ForumState, participantId: string, reason: string, at: number, hidden?: Set<string>): boolean {
  const p = state.participants.get(participantId);
  if (!p || p.voided) return false;
  p.voided = { reason, at };
  state.voidedCount++;
  clearBallot(state, p.id);
  for (const idea of state.ideasByAuthor.get(p.id) ?? []) {
    if (idea.status !== 'active') continue;
    idea.status = 'hidden';
    idea.hiddenReason = reason;
    if (hidden) hidden.add(idea.id);
    else refundDots(state, idea.id);
  }
  return true;
}

/**
 * Applies one event in place. Events are trusted here: the rules checked them before.
 * `held`, for a void of many: the dots on the ideas it hides, when the caller already has them
 * (voidPlanInSteps): only those are taken off, no ballot walked. It must name every such dot. For a
 * merge, mergeHeld of it, when the caller made it already; otherwise it is made here.
 */
export function applyEvent(state: ForumState, event: ForumEvent, held?: HeldDots): void {
  switch (event.type) {
    case 'forumCreated':
      state.id = event.id;
      state.title = event.title;
      state.joinCode = event.joinCode;
      state.structure = event.structure;
      state.rules = event.rules;
      state.createdAt = event.at;
      state.admission = event.admission ?? 'open';
      state.titleFixed = event.titled ?? false;
      state.voteOnly = event.voteOnly ?? false;
      state.basedOn = event.basedOn ?? null;
      return;
    case 'structureSet':
      // A forum without a title of its own is called by its vision ("Житомир 2030").
      state.structure = event.structure;
      if (!state.titleFixed) state.title = event.structure.vision;
      return;
    case 'forumArchived':
      state.archived = true;
      return;
    case 'forumUnarchived':
      state.archived = false;
      return;
    case 'ideaImported':
      addIdea(state, event, { authorId: '', source: 'shortlist', origin: event.origin, paperAuthor: event.author });
      return;
    case 'rulesSet':
      state.rules = event.rules;
      return;
    case 'phaseChanged':
      state.phase = event.to;
      // A timer belongs to the phase it was set in.
      state.timer = null;
      // A new phase brings its own screen; what the facilitator put up belonged to the last one.
      state.display = { slide: 'auto' };
      return;
    case 'participantJoined': {
      const address = event.address ?? '';
      state.participants.set(event.participantId, {
        id: event.participantId,
        tokenHash: event.tokenHash,
        name: event.name,
        joinedAt: event.at,
        address,
        ticketId: event.ticketId ?? null,
        voided: null,
      });
      state.participantsByToken.set(event.tokenHash, event.participantId);
      if (address) state.participantsByAddress.set(address, (state.participantsByAddress.get(address) ?? 0) + 1);
      const ticket = event.ticketId ? state.tickets.get(event.ticketId) : undefined;
      if (ticket) ticket.participantId = event.participantId;
      if (event.personId) state.persons.byPerson.set(event.personId, event.participantId);
      if (event.eIdKey) state.persons.eIdKey = event.eIdKey;
      if (state.phase === 'results' || state.phase === 'closed') state.joinedAfterVoting.add(event.participantId);
      return;
    }
    case 'participantRenamed': {
      const p = state.participants.get(event.participantId);
      if (p) p.name = event.name;
      return;
    }
    case 'ideaSubmitted':
      addIdea(state, event, { authorId: event.authorId, source: event.source ?? 'phone', origin: null, paperAuthor: event.paperAuthor ?? '' });
      if (event.source === 'paper') {
        state.moderation.push({ at: event.at, action: 'paperIdea', ideaId: event.ideaId, reason: null, by: event.by ?? FACILITATOR });
      }
      return;
    case 'ideaEdited': {
      const idea = state.ideas.get(event.ideaId);
      if (!idea) return;
      if (event.by === 'facilitator') {
        state.moderation.push({
          at: event.at,
          action: 'correct',
          ideaId: idea.id,
          reason: null,
          by: event.actor ?? FACILITATOR,
          before: { title: idea.title, description: idea.description, place: idea.place },
          after: { title: event.title, description: event.description, place: event.place },
        });
        idea.corrected = true;
      }
      idea.goalCode = event.goalCode;
      idea.title = event.title;
      idea.description = event.description;
      idea.place = event.place;
      return;
    }
    case 'ideaWithdrawn': {
      const idea = state.ideas.get(event.ideaId);
      if (!idea) return;
      idea.status = 'withdrawn';
      refundDots(state, idea.id);
      return;
    }
    case 'ideaHidden': {
      const idea = state.ideas.get(event.ideaId);
      if (!idea) return;
      idea.status = 'hidden';
      idea.hiddenReason = event.reason;
      const held: DotMove[] = [];
      for (const [participantId, mine] of state.dots) {
        const count = mine.get(idea.id) ?? 0;
        if (count > 0) held.push({ participantId, ideaId: idea.id, count });
      }
      if (held.length > 0) idea.hiddenDots = held;
      else delete idea.hiddenDots;
      refundDots(state, idea.id);
      state.moderation.push({ at: event.at, action: 'hide', ideaId: idea.id, reason: event.reason, by: event.by ?? FACILITATOR });
      return;
    }
    case 'ideaRestored': {
      const idea = state.ideas.get(event.ideaId);
      if (!idea) return;
      idea.status = 'active';
      idea.hiddenReason = null;
      delete idea.hiddenDots;
      for (const r of event.reinstated ?? []) addDots(state, r.participantId, r.ideaId, r.count);
      state.moderation.push({ at: event.at, action: 'restore', ideaId: idea.id, reason: null, by: event.by ?? FACILITATOR });
      return;
    }
    case 'dotPlaced': {
      addDots(state, event.participantId, event.ideaId, 1);
      return;
    }
    case 'dotRemoved': {
      addDots(state, event.participantId, event.ideaId, -1);
      return;
    }
    case 'priorityRevealed':
      if (!state.revealed.includes(event.priorityCode)) state.revealed.push(event.priorityCode);
      // The projector moves on to what was just revealed.
      state.display = { slide: 'auto' };
      return;
    case 'displaySet':
      state.display = event.display;
      return;
    case 'resultsTopSet':
      state.resultsTop = event.top;
      return;
    case 'resultsPublished':
      state.publicResults = event.published;
      if (event.published) state.resultsPublishedAt ??= event.at;
      return;
    case 'admissionSet':
      state.admission = event.mode;
      return;
    case 'addressCapSet':
      state.maxPerAddress = event.max;
      return;
    case 'attendanceSet':
      state.expectedAttendance = event.expected;
      return;
    case 'joiningPaused':
      state.joiningPaused = { at: event.at, burst: event.burst ?? null };
      state.moderation.push({ at: event.at, action: 'pauseJoining', ideaId: null, reason: null, by: FACILITATOR, ...(event.burst ? { burst: event.burst } : {}) });
      return;
    case 'joiningResumed':
      state.joiningPaused = null;
      state.moderation.push({ at: event.at, action: 'resumeJoining', ideaId: null, reason: null, by: FACILITATOR });
      return;
    case 'ticketsIssued':
      for (const t of event.tickets) {
        state.tickets.set(t.id, { ...t, batch: event.batch, issuedAt: event.at, participantId: null, released: false });
        state.ticketsByCode.set(t.code, t.id);
      }
      return;
    case 'ticketReleased': {
      const ticket = state.tickets.get(event.ticketId);
      if (!ticket) return;
      ticket.released = true;
      state.moderation.push({ at: event.at, action: 'releaseTicket', ideaId: null, participantId: ticket.participantId ?? undefined, reason: null, by: FACILITATOR });
      return;
    }
    case 'ballotMoved': {
      const p = state.participants.get(event.participantId);
      const ticket = state.tickets.get(event.ticketId);
      if (!p) return;
      state.participantsByToken.delete(p.tokenHash);
      p.tokenHash = event.tokenHash;
      state.participantsByToken.set(event.tokenHash, p.id);
      if (ticket) ticket.released = false;
      return;
    }
    case 'identitySet':
      state.persons.method = event.method;
      if (event.key) state.persons.key = event.key;
      return;
    case 'voterCodesIssued':
      state.persons.codeBatches.push({ batch: event.batch, first: event.first, count: event.count, at: event.at });
      return;
    case 'eligibleListed':
      for (const entry of event.entries) state.persons.listed.add(entry);
      state.persons.listBatches = event.batch;
      return;
    case 'personsAnonymised':
      // Nothing is kept that leads from a person to a ballot: ids, list entries, addresses, the names typed at the proof.
      for (const id of state.persons.byPerson.values()) {
        const p = state.participants.get(id);
        if (p) p.name = '';
      }
      state.persons.byPerson.clear();
      state.persons.listed.clear();
      for (const p of state.participants.values()) p.address = '';
      state.participantsByAddress.clear();
      state.persons.anonymised = { at: event.at, by: event.by };
      return;
    case 'deviceLinked':
      if (!state.participants.has(event.participantId)) return;
      state.persons.devices.set(event.tokenHash, event.participantId);
      state.participantsByToken.set(event.tokenHash, event.participantId);
      return;
    case 'participantVoided':
      if (voidParticipant(state, event.participantId, event.reason, event.at)) {
        state.moderation.push({ at: event.at, action: 'void', ideaId: null, participantId: event.participantId, reason: event.reason, by: FACILITATOR });
      }
      return;
    case 'participantsVoided':
      return finish(voidMany(state, event, held, Infinity));
    case 'ideasMerged':
      return finish(mergeIdeas(state, event, held, Infinity));
    case 'mergeUndone': {
      const merge = state.merges.get(event.mergeId);
      const into = merge ? state.ideas.get(merge.into) : undefined;
      if (!merge || !into) return;
      merge.undone = true;
      for (const id of merge.ideas) {
        const idea = state.ideas.get(id);
        if (!idea) continue;
        idea.status = 'active';
        idea.mergedInto = null;
      }
      into.merged = into.merged.filter((m) => !merge.ideas.includes(m.ideaId));
      for (const r of event.restored) {
        addDots(state, r.participantId, into.id, -r.count);
        addDots(state, r.participantId, r.ideaId, r.count);
      }
      for (const r of event.reinstated) addDots(state, r.participantId, r.ideaId, r.count);
      state.moderation.push({ at: event.at, action: 'unmerge', ideaId: into.id, ideaIds: [...merge.ideas], reason: null, by: event.by });
      return;
    }
    case 'paperDotsSet': {
      const idea = state.ideas.get(event.ideaId);
      if (!idea) return;
      state.moderation.push({
        at: event.at,
        action: 'paperDots',
        ideaId: idea.id,
        reason: null,
        by: event.by,
        count: { before: idea.paperDots, after: event.count },
      });
      idea.paperDots = event.count;
      return;
    }
    case 'paperBallotsSet':
      state.moderation.push({ at: event.at, action: 'paperBallots', ideaId: null, reason: null, by: FACILITATOR, count: { before: state.paperBallots ?? 0, after: event.count } });
      state.paperBallots = event.count;
      return;
    case 'hostInvited':
      state.hosts.set(event.hostId, {
        id: event.hostId,
        name: event.name,
        scope: event.scope,
        secretHash: event.secretHash,
        invitedAt: event.at,
        revoked: false,
        ...(event.point !== undefined ? { point: event.point } : {}),
      });
      state.hostsBySecret.set(event.secretHash, event.hostId);
      return;
    case 'hostRevoked': {
      const host = state.hosts.get(event.hostId);
      if (!host) return;
      host.revoked = true;
      state.hostsBySecret.delete(host.secretHash);
      return;
    }
    case 'timerSet':
      state.timer = { phase: event.phase, endsAt: event.endsAt, durationMs: event.durationMs };
      return;
    case 'timerCleared':
      state.timer = null;
      return;
    case 'wordListSet':
      state.wordList = [...event.words];
      return;
    case 'cityVoteSet':
      state.city.vote = event.vote;
      state.city.revision++;
      return;
    case 'cityBallotCast': {
      const { participantId, budgetId, ballot, receiptHash, at, channel } = event;
      state.city.casts.push({ voterId: participantId, budgetId, seq: state.city.casts.length + 1, ballot, receiptHash, at, ...(channel ? { channel } : {}) });
      // Who cast it for whom stays apart from what was chosen: the log names the staff, the
      // channel, the document checked and the budget, never the ballot or the person.
      if (channel && event.by) {
        state.moderation.push({
          at,
          action: 'inPersonBallot',
          ideaId: null,
          reason: null,
          by: event.by,
          channel,
          budgetId,
          ...(event.document ? { document: event.document } : {}),
        });
      }
      return;
    }
    default:
      everyCaseHandled(event);
  }
}

/** Runs steps (a generator) to their end, in one go. */
function finish(steps: Generator<void, void, void>): void {
  while (!steps.next().done);
}

/**
 * applyEvent, yielding after every `ballotsPerStep` ballots a void of many or a merge looks at:
 * the server applies such an event to its saved copy of the forum a few turns of the event loop
 * at a time (server/forum/room.ts takeSaved). Every other event is applied whole, at the first
 * step. Until the steps are done the state is half changed: nothing may read it meanwhile.
 */
export function* applyEventInSteps(state: ForumState, event: ForumEvent, held: HeldDots | undefined, ballotsPerStep: number): Generator<void, void, void> {
  if (event.type === 'participantsVoided') yield* voidMany(state, event, held, ballotsPerStep);
  else if (event.type === 'ideasMerged') yield* mergeIdeas(state, event, held, ballotsPerStep);
  else applyEvent(state, event, held);
}

function* voidMany(
  state: ForumState,
  event: Extract<ForumEvent, { type: 'participantsVoided' }>,
  held: HeldDots | undefined,
  ballotsPerStep: number,
): Generator<void, void, void> {
  let voided = 0;
  // The ideas they wrote lose their dots in one pass over the ballots, not one pass an idea:
  // 250 ideas on 5,000 ballots took half a second (scripts/stalls.ts).
  const hidden = new Set<string>();
  let looked = 0;
  for (const id of event.participantIds) {
    if (++looked % ballotsPerStep === 0) yield;
    if (voidParticipant(state, id, event.reason, event.at, hidden)) voided++;
  }
  yield* foldDots(state, null, [...hidden], [], held, ballotsPerStep);
  state.moderation.push({
    at: event.at,
    action: 'voidMany',
    ideaId: null,
    reason: event.reason,
    by: FACILITATOR,
    voided,
    ...(event.window ? { window: event.window } : {}),
    ...(event.range ? { range: event.range } : {}),
  });
}

/**
 * The ballots a merge takes dots off, each with the folded ideas it holds. Every dot on a folded
 * idea is named in the event, moved or given back (decideMerge; a log is checked against it): only
 * those are looked at, not every ballot, nor the rest of a holder's ballot (5,000 ballots' every
 * dot, twice with the saved copy, held the loop 60 ms). The server makes it a turn before the merge
 * is applied, and both states take it (room.ts heldOf).
 */
export function mergeHeld(event: Extract<ForumEvent, { type: 'ideasMerged' }>): HeldDots {
  const held = new Map<string, string[]>();
  for (const moves of [event.moved, event.refunded]) {
    for (const m of moves) {
      const theirs = held.get(m.participantId);
      if (!theirs) held.set(m.participantId, [m.ideaId]);
      else if (!theirs.includes(m.ideaId)) theirs.push(m.ideaId);
    }
  }
  return held;
}

function* mergeIdeas(
  state: ForumState,
  event: Extract<ForumEvent, { type: 'ideasMerged' }>,
  held: HeldDots | undefined,
  ballotsPerStep: number,
): Generator<void, void, void> {
  const into = state.ideas.get(event.into);
  if (!into) return;
  for (const id of event.ideas) {
    const idea = state.ideas.get(id);
    if (!idea) continue;
    idea.status = 'merged';
    idea.mergedInto = into.id;
    into.merged.push({ ideaId: id, title: idea.title, description: idea.description, place: idea.place, authorId: idea.authorId, paperAuthor: idea.paperAuthor });
    // Paper dots follow the idea they were counted for; a merge before results has none.
    into.paperDots += idea.paperDots;
    idea.paperDots = 0;
  }
  yield* foldDots(state, into, event.ideas, event.moved, held ?? mergeHeld(event), ballotsPerStep);
  state.merges.set(event.mergeId, {
    id: event.mergeId,
    into: into.id,
    ideas: [...event.ideas],
    moved: event.moved,
    refunded: event.refunded,
    at: event.at,
    by: event.by,
    undone: false,
  });
  state.moderation.push({ at: event.at, action: 'merge', ideaId: into.id, ideaIds: [...event.ideas], reason: null, by: event.by });
}

/** Participants who still hold a ballot (not voided). */
export function ballotCount(state: ForumState): number {
  return state.participants.size - state.voidedCount;
}

/**
 * The ballots the results count: those held when voting closed (voided ones left out). A phone that
 * joins afterwards to see the results has no dot to give, so it changes neither them nor their hash.
 */
export function resultsBallotCount(state: ForumState): number {
  let late = 0;
  for (const id of state.joinedAfterVoting) if (!state.participants.get(id)?.voided) late++;
  return ballotCount(state) - late;
}

/** Which participants' dots an event gives back (so the server can tell them). */
export function dotOwnersOf(state: ForumState, ideaId: string): string[] {
  const owners: string[] = [];
  for (const [participantId, mine] of state.dots) if (mine.has(ideaId)) owners.push(participantId);
  return owners;
}

export function replay(events: Iterable<ForumEvent>): ForumState {
  const state = emptyState();
  for (const e of events) applyEvent(state, e);
  return state;
}
