// What deleting a closed vote's personal data (the personsAnonymised event) does to the events
// stored before it. The forum's state forgets person ids, list entries and addresses when it
// applies the event (shared/forum/state.ts), but a replay reads the events before it, so the store
// rewrites those in the same transaction that stores it: each person id becomes a random stand-in
// (the same one wherever it recurs, so a person's devices stay one person's and the log still
// passes verify-log), each list entry a random one, addresses go, and so do the names persons typed. A stand-in is made from
// nothing the server keeps, so no key and no list of e-mail addresses leads from it to anyone.
// E-mail addresses, phone numbers and e-ID subjects were never in the log (only their keyed
// hashes, server/forum/persons.ts), and one-time codes only in memory (oneTimeCodes.ts).

import { randomBytes } from 'node:crypto';
import { everyCaseHandled } from '../../shared/exhaustive.js';
import type { ForumEvent } from '../../shared/forum/types.js';

/** The only kinds of event that carry a person id, a list entry or an address: the store reads no others. */
export const REDACTED_TYPES = ['participantJoined', 'participantRenamed', 'deviceLinked', 'eligibleListed', 'ballotMoved'] as const satisfies readonly ForumEvent['type'][];

/** Whether a batch about to be stored deletes its forum's personal data. */
export const deletesPersonalData = (events: readonly ForumEvent[]): boolean => events.some((e) => e.type === 'personsAnonymised');

/** Rewrites a forum's events, given in the order they were stored (a rename is known to be a person's by their join before it). */
export class Redaction {
  private readonly standIns = new Map<string, string>();
  /** Participants who joined as a person: their names, typed at the proof, go too. */
  private readonly persons = new Set<string>();

  /** Random bytes drawn a few kilobytes at a time: one call for every 128 stand-ins, not one each. */
  private pool = Buffer.alloc(0);
  private used = 0;

  private standIn(hash: string, bytes: number): string {
    let fresh = this.standIns.get(hash);
    if (fresh === undefined) {
      if (this.used + bytes > this.pool.length) {
        this.pool = randomBytes(4096);
        this.used = 0;
      }
      fresh = this.pool.toString('hex', this.used, (this.used += bytes));
      this.standIns.set(hash, fresh);
    }
    return fresh;
  }

  /** The event as it is kept from now on; null when it holds nothing to take out. */
  redact(event: ForumEvent): ForumEvent | null {
    switch (event.type) {
      case 'participantJoined': {
        if (event.personId === undefined && !event.address) return null;
        const { address: _address, personId, ...rest } = event;
        if (personId === undefined) return rest;
        this.persons.add(event.participantId);
        return { ...rest, name: '', personId: this.standIn(personId, 32) };
      }
      case 'participantRenamed':
        return this.persons.has(event.participantId) && event.name ? { ...event, name: '' } : null;
      case 'deviceLinked':
        return { ...event, personId: this.standIn(event.personId, 32) };
      case 'eligibleListed':
        return event.entries.length === 0 ? null : { ...event, entries: event.entries.map((entry) => this.standIn(entry, 16)) };
      case 'ballotMoved':
        return event.address ? { ...event, address: '' } : null;
      case 'forumCreated':
      case 'ideaImported':
      case 'forumArchived':
      case 'forumUnarchived':
      case 'structureSet':
      case 'rulesSet':
      case 'phaseChanged':
      case 'ideaSubmitted':
      case 'ideaEdited':
      case 'ideaWithdrawn':
      case 'ideaHidden':
      case 'ideaRestored':
      case 'dotPlaced':
      case 'dotRemoved':
      case 'priorityRevealed':
      case 'displaySet':
      case 'resultsTopSet':
      case 'resultsPublished':
      case 'admissionSet':
      case 'addressCapSet':
      case 'attendanceSet':
      case 'joiningPaused':
      case 'joiningResumed':
      case 'ticketsIssued':
      case 'ticketReleased':
      case 'identitySet':
      case 'voterCodesIssued':
      case 'participantVoided':
      case 'participantsVoided':
      case 'ideasMerged':
      case 'mergeUndone':
      case 'paperDotsSet':
      case 'paperBallotsSet':
      case 'hostInvited':
      case 'hostRevoked':
      case 'timerSet':
      case 'timerCleared':
      case 'wordListSet':
      case 'cityVoteSet':
      case 'cityBallotCast':
      case 'personsAnonymised':
        return null;
      default:
        everyCaseHandled(event);
        return null;
    }
  }
}
