// Turns a refusal (code + params) into a sentence in the sender's language. Most refusals are in
// the console's part of the catalogue, so this serves the server (through all.ts) and the console;
// phones and the projector show refusals as the server words them.

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
      break;
    case 'RATE_LIMITED':
      p.seconds = p.seconds ?? 5;
      break;
    case 'BAD_INPUT':
      p.detail = p.field ? ` (${fieldName(lang, String(p.field))})` : '';
      break;
  }
  return t(lang, `err.${error.code}` as MessageKey, p);
}

export function fieldName(lang: Lang, field: string): string {
  const key = `field.${field}`;
  return has(lang, key) ? t(lang, key) : field;
}
