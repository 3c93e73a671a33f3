// The results of a forum as one canonical text, so that a hash of it can be published on the
// evening and anyone holding the database or the JSON export can recompute it and see that the
// results were not changed afterwards. Pure: the SHA-256 itself is taken where node:crypto is
// (scripts/verify.ts), so this file stays usable in the browser too.
//
// The format, exactly (version "viche-results/1"):
//
//   The document is the JSON Canonicalization Scheme (RFC 8785) serialisation of the object below:
//   no whitespace; object keys sorted by their UTF-16 code units; strings written as ECMAScript's
//   JSON.stringify writes them (only `"`, `\` and characters below U+0020 escaped, everything else
//   as is); integers in plain decimal. Every string is first normalised to Unicode NFC, so a title
//   typed with combining accents hashes the same as one typed precomposed. The hash is SHA-256 over
//   the document's UTF-8 bytes, written as 64 lowercase hex digits.
//
//   {
//     "format": "viche-results/1",
//     "forum": { "id": string, "title": string },
//     "rules": { "dotsPerPriority": int, "ideasPerParticipant": int, "maxDotsPerIdea": int },
//     "priorities": [                       // in the order of the forum's structure
//       { "code": string, "title": string,
//         "ideas": [                        // the ranked (active) ideas, in ranking order:
//                                           // most dots first; within equal dots more supporters
//                                           // first, then the earlier submitted
//           { "id": string, "title": string, "phoneDots": int, "paperDots": int,
//             "total": int,                 // phoneDots + paperDots; the ranking is by this
//             "supporters": int,            // distinct participants with a phone dot on it
//             "rank": int }                 // competition rank: 1, 2, 2, 4
//         ] }
//     ],
//     "turnout": { "participants": int,     // participants holding a ballot when voting closed
//                                           // (voided ones left out; later joins not counted)
//                  "voted": int }           // of them, those with at least one dot anywhere
//   }
//
// Hidden, withdrawn and merged ideas are not ranked and are not in it. Nothing that names or
// traces a person goes in (names, device tokens, addresses), and no times, so the same results
// give the same text whenever and from whichever copy they are computed.

import { resultsBallotCount } from './state.js';
import { countDots, tallyPriority, votingProgress } from './tally.js';
import type { ForumState, Rules } from './types.js';

export const RESULTS_FORMAT = 'viche-results/1';

export interface ResultsIdea {
  id: string;
  title: string;
  phoneDots: number;
  paperDots: number;
  total: number;
  supporters: number;
  rank: number;
}

export interface ResultsPriority {
  code: string;
  title: string;
  /** Ranking order. */
  ideas: ResultsIdea[];
}

/** What the canonical document holds, before it is written out. */
export interface ResultsDocument {
  format: typeof RESULTS_FORMAT;
  forum: { id: string; title: string };
  rules: Rules;
  priorities: ResultsPriority[];
  turnout: { participants: number; voted: number };
}

/** The results of a forum's current state, as the canonical document holds them. */
export function resultsDocument(state: ForumState): ResultsDocument {
  const counts = countDots(state);
  return {
    format: RESULTS_FORMAT,
    forum: { id: state.id, title: state.title },
    rules: {
      dotsPerPriority: state.rules.dotsPerPriority,
      ideasPerParticipant: state.rules.ideasPerParticipant,
      maxDotsPerIdea: state.rules.maxDotsPerIdea,
    },
    priorities: state.structure.priorities.map((p) => ({
      code: p.code,
      title: p.title,
      ideas: tallyPriority(state, p.code, counts).map((t) => ({
        id: t.ideaId,
        title: state.ideas.get(t.ideaId)?.title ?? '',
        phoneDots: t.phoneDots,
        paperDots: t.paperDots,
        total: t.dots,
        supporters: t.supporters,
        rank: t.rank,
      })),
    })),
    turnout: { participants: resultsBallotCount(state), voted: votingProgress(state).voted },
  };
}

/**
 * Whether the results are final: in the results phase or after, with every priority revealed. From
 * then on nothing changes the document (paper counts, moderation, merges, voids and structure are
 * all refused, and later joins are not counted), so its hash can be shown as final.
 */
export function resultsFinal(state: Pick<ForumState, 'phase' | 'revealed' | 'structure'>): boolean {
  if (state.phase !== 'results' && state.phase !== 'closed') return false;
  const priorities = state.structure.priorities;
  return priorities.length > 0 && priorities.every((p) => state.revealed.includes(p.code));
}

/** The canonical text of a forum's results; see the format at the top of this file. */
export function canonicalResults(state: ForumState): string {
  return canonicalJson(resultsDocument(state));
}

/**
 * RFC 8785 for the values a results document has (objects, arrays, strings, safe integers), with
 * strings in NFC. Anything else is refused rather than written in a way another tool would not
 * reproduce.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.normalize('NFC'));
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`a results document holds only whole numbers, not ${value}`);
    // -0 would otherwise print as "0" here but is a different double elsewhere; keep it one number.
    return String(value === 0 ? 0 : value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    // Default sort compares UTF-16 code units, which is the order RFC 8785 asks for.
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  throw new TypeError(`a results document holds no ${value === null ? 'null' : typeof value}`);
}
