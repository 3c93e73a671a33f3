// Turns a refusal (code + params) into a sentence in the sender's language. Most refusals are in
// the console's part of the catalogue, so this serves the server (through all.ts) and the console;
// phones and the projector show refusals as the server words them.

import { everyCaseHandled } from '../exhaustive.js';
import type { RuleError } from '../forum/errors.js';
import type { Lang } from '../protocol.js';
import { t, type MessageKey, type Params } from './index.js';

function has(lang: Lang, key: string): key is MessageKey {
  return t(lang, key as MessageKey) !== key;
}

export function errorMessage(lang: Lang, error: RuleError): string {
  const p: Params = { ...(error.params ?? {}) };
  switch (error.code) {
    case 'WRONG_PHASE':
      p.phaseName = t(lang, `phase.${p.phase}` as MessageKey);
      break;
    case 'BAD_TRANSITION':
      p.fromName = t(lang, `phase.${p.from}` as MessageKey);
      p.toName = t(lang, `phase.${p.to}` as MessageKey);
      break;
    case 'IDEA_LIMIT':
      p.count = p.limit;
      break;
    case 'BUDGET_EXCEEDED':
      p.count = p.budget;
      break;
    case 'CAP_EXCEEDED':
      p.count = p.max;
      break;
    case 'TEXT_REQUIRED':
    case 'TEXT_TOO_LONG':
      p.fieldName = fieldName(lang, String(p.field));
      break;
    case 'BAD_STRUCTURE':
      p.reasonText = has(lang, `structure.${p.reason}`) ? t(lang, `structure.${p.reason}` as MessageKey, p) : String(p.reason);
      break;
    case 'BAD_FORUM_FILE':
      p.reasonText = t(lang, `forumFile.${['log', 'tooLarge', 'encoding', 'busy'].includes(String(p.reason)) ? p.reason : 'format'}` as MessageKey, p);
      break;
    case 'BAD_SHORTLIST':
      p.reasonText = t(lang, p.reason === 'notRanked' ? 'shortlist.notRanked' : 'shortlist.empty', p);
      break;
    case 'STORAGE_UNAVAILABLE':
      p.causeText = t(lang, `storage.${['full', 'busy', 'readonly', 'io', 'readOnlyStart'].includes(String(p.cause)) ? p.cause : 'io'}` as MessageKey);
      // A commit that failed half-way: saying "not saved" could be untrue.
      if (p.outcome === 'unknown') return t(lang, 'err.STORAGE_UNAVAILABLE.unknown', p);
      break;
    case 'RATE_LIMITED':
      p.seconds = p.seconds ?? 5;
      break;
    case 'CITY_REFUSED':
      p.reasonText = cityRefusalText(lang, p);
      break;
    case 'CITY_CHANNEL_TAKEN':
      p.channelName = t(lang, `city.channel.${['online', 'service-point', 'paper'].includes(String(p.channel)) ? p.channel : 'online'}` as MessageKey);
      break;
    case 'STAFF_PROOF_KIND':
      p.expectedName = t(lang, `city.proofKind.${['codes', 'list', 'email', 'sms', 'register', 'document'].includes(String(p.expected)) ? p.expected : 'document'}` as MessageKey);
      break;
    case 'EID_SETTING_CHANGED':
      p.beganText = eIdKeyText(lang, String(p.began ?? ''));
      p.nowText = eIdKeyText(lang, String(p.now ?? ''));
      break;
    case 'CITY_ALREADY_VOTED':
    case 'CITY_NO_VOTE':
    case 'CITY_VOTE_OPEN':
    case 'CITY_DEFINITION_CHANGED':
    case 'CITY_NO_BALLOT':
    case 'CITY_RECEIPT_USED':
    case 'CITY_BALLOTS_ONLY':
    case 'CITY_NOT_CLOSED':
    case 'RECEIPT_NOT_FOUND':
    case 'PERSONS_ANONYMISED':
      break;
    case 'BAD_INPUT':
      p.detail = p.field ? ` (${fieldName(lang, String(p.field))})` : '';
      break;
    case 'PROTOCOL_MISMATCH':
    case 'FORBIDDEN':
    case 'NOT_JOINED':
    case 'ALREADY_JOINED':
    case 'WRONG_CODE':
    case 'INVALID_TOKEN':
    case 'IDEA_NOT_FOUND':
    case 'NOT_AUTHOR':
    case 'IDEA_NOT_ACTIVE':
    case 'IDEA_NOT_HIDDEN':
    case 'IDEA_UNCHANGED':
    case 'HIDE_CONFIRM':
    case 'UNKNOWN_PRIORITY':
    case 'UNKNOWN_GOAL':
    case 'NO_DOT_TO_REMOVE':
    case 'ALREADY_REVEALED':
    case 'MERGE_ACROSS_PRIORITIES':
    case 'IDEA_HAS_MERGED':
    case 'MERGE_NOT_FOUND':
    case 'MERGE_NOT_UNDOABLE':
    case 'HOST_NOT_FOUND':
    case 'PAPER_NO_BALLOTS':
    case 'PAPER_IDEA_OVER_BALLOTS':
    case 'PAPER_PRIORITY_OVER_BALLOTS':
    case 'PAPER_BALLOTS_BELOW':
    case 'OUT_OF_SCOPE':
    case 'NOT_REVEALED':
    case 'NOTHING_REVEALED':
    case 'RESULTS_NOT_PUBLISHED':
    case 'ARCHIVED':
    case 'NOT_ARCHIVED':
    case 'FORUM_NOT_FOUND':
    case 'FORUM_ELSEWHERE':
    case 'TITLE_MISMATCH':
    case 'FORUM_EXISTS':
    case 'CODE_EXPIRED':
    case 'TICKET_USED':
    case 'TICKET_NOT_FOUND':
    case 'TICKET_NOT_USED':
    case 'TICKET_LIMIT':
    case 'ADDRESS_LIMIT':
    case 'IDENTITY_REQUIRED':
    case 'IDENTITY_LOCKED':
    case 'NOT_LISTED':
    case 'BAD_CONTACT':
    case 'ONE_TIME_CODE_WRONG':
    case 'ONE_TIME_CODE_EXPIRED':
    case 'CODE_NOT_SENT':
    case 'SENDER_MISSING':
    case 'IDENTITY_KEY_ELSEWHERE':
    case 'SIGN_IN_EXPIRED':
    case 'SIGN_IN_FAILED':
    case 'LIST_ROW_EMPTY':
    case 'WRONG_VOTER_CODE':
    case 'IDENTITY_LIMIT':
    case 'AWAITING_APPROVAL':
    case 'JOIN_REFUSED':
    case 'WAITING_FULL':
    case 'CONNECTION_HAS_BALLOT':
    case 'WAITING_NOT_FOUND':
    case 'NONE_SELECTED':
    case 'CONNECTION_LIMIT':
    case 'VOIDED':
    case 'ALREADY_VOIDED':
    case 'RESULTS_SHOWN':
    case 'ACTION_ID_REUSED':
    case 'GRANT_EXPIRED':
    case 'GRANT_REVOKED':
    case 'GRANT_INVALID':
    case 'GRANT_NOT_HERE':
    case 'INTERNAL':
    case 'TIMEOUT':
      break;
    default:
      everyCaseHandled(error.code);
  }
  return t(lang, `err.${error.code}` as MessageKey, p);
}

/** What an e-ID person is keyed by, in words: a claim's name ('' for the provider's subject). */
export function eIdKeyText(lang: Lang, claim: string): string {
  return claim ? t(lang, 'eid.key.claim', { claim }) : t(lang, 'eid.key.subject');
}

/** Why the city vote's rules refuse (params.reason, a code of shared/city/refusals.ts), as a clause. */
export function cityRefusalText(lang: Lang, params: Params): string {
  const key = `city.refusal.${String(params.reason)}`;
  if (!has(lang, key)) return t(lang, 'city.refusal.other');
  // Sums of money read as the voting page shows them: 1 450 000, not 1450000.
  const money = new Intl.NumberFormat(lang === 'uk' ? 'uk-UA' : 'en-GB');
  const shown: Params = { ...params };
  for (const name of ['amount', 'total']) if (typeof shown[name] === 'number') shown[name] = money.format(shown[name]);
  const text = t(lang, key as MessageKey, shown);
  // A refusal without the params it names reads as the general clause, not with {braces} in it.
  return /\{\w+\}/.test(text) ? t(lang, 'city.refusal.other') : text;
}

export function fieldName(lang: Lang, field: string): string {
  const key = `field.${field}`;
  return has(lang, key) ? t(lang, key) : field;
}
