// Message catalogues and plural forms. Ukrainian is the source; English must have every key.
// Plurals go through Intl.PluralRules: Ukrainian has one/few/many (1 ідея, 2 ідеї, 5 ідей).
//
// The catalogue is in parts, so that a page downloads only the messages it can show (a resident's
// phone, on a cheap plan, carries none of the console's): the core (uk.ts, en.ts), which every
// page has; the console's (console/), which the console page registers before it renders; and the
// server's own (server/). The server imports all.ts, which registers every part. MessageKey names
// every key of every part, so a key is checked wherever it is used; client/test/bundle.test.ts
// checks that each page's bundle names only keys of the parts that page carries.

import type { Lang } from '../protocol.js';
import type { CityCatalogue } from './city/uk.js';
import type { ConsoleCatalogue } from './console/uk.js';
import { en } from './en.js';
import type { ServerCatalogue } from './server/uk.js';
import type { StaffCatalogue } from './staff/uk.js';
import { uk, type CoreCatalogue, type PluralForms } from './uk.js';

export type { PluralForms };
export type Catalogue = CoreCatalogue & ConsoleCatalogue & ServerCatalogue & CityCatalogue & StaffCatalogue;
export type MessageKey = keyof Catalogue;
export type Params = Record<string, string | number>;

/** One part of the catalogue, in every language. */
export type CataloguePart = Record<Lang, Partial<Catalogue>>;

const catalogues: CataloguePart = { uk: { ...uk }, en: { ...en } };
const pluralRules = new Map<Lang, Intl.PluralRules>();

/** Adds a part of the catalogue to what `t` finds, in every language. */
export function registerCatalogue(part: CataloguePart): void {
  for (const lang of Object.keys(catalogues) as Lang[]) Object.assign(catalogues[lang], part[lang]);
}

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
 * placeholders `{name}` are filled from params. A key of a part this page has not registered
 * comes back as the key itself.
 */
export function t(lang: Lang, key: MessageKey, params?: Params): string {
  const entry = (catalogues[lang] ?? catalogues.uk)[key] as string | PluralForms | undefined;
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
