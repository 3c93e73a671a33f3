// Message catalogues and plural forms. Ukrainian is the source; English must have every key.
// Plurals go through Intl.PluralRules: Ukrainian has one/few/many (1 ідея, 2 ідеї, 5 ідей).

import type { Lang } from '../protocol.js';
import { uk, type Catalogue, type PluralForms } from './uk.js';
import { en } from './en.js';

export type { Catalogue, PluralForms };
export type MessageKey = keyof Catalogue;
export type Params = Record<string, string | number>;

const catalogues: Record<Lang, Catalogue> = { uk, en };
const pluralRules = new Map<Lang, Intl.PluralRules>();

export function pluralCategory(lang: Lang, n: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  return rules.select(n);
}

function fill(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * The message for `key` in `lang`. A plural message picks its form by `params.count`; other
 * placeholders `{name}` are filled from params.
 */
export function t(lang: Lang, key: MessageKey, params?: Params): string {
  const entry = (catalogues[lang] ?? uk)[key] as string | PluralForms | undefined;
  if (entry === undefined) return key;
  if (typeof entry === 'string') return fill(entry, params);
  const count = Number(params?.count ?? 0);
  const form = entry[pluralCategory(lang, count) as keyof PluralForms] ?? entry.other;
  return fill(form, params);
}

/** "5 ідей": a number with its noun in the right form. */
export function countOf(lang: Lang, key: MessageKey, count: number): string {
  return t(lang, key, { count });
}

export function isLang(value: unknown): value is Lang {
  return value === 'uk' || value === 'en';
}
