// Every message with a number in it reads right in Ukrainian and English, for the numbers where
// Ukrainian changes the noun's form (0–25, and 101, 111, 121, 1000 for the hundreds and thousands).
// Each plural entry is rendered through the real t() (Intl.PluralRules) and compared with the noun
// forms written out by hand below; a message that is not a plural entry must not put a noun after
// its number, since that noun could not agree with every number.

import { describe, expect, it } from 'vitest';
import type { Lang } from '../protocol.js';
import { catalogueParts, errorMessage, t, type MessageKey, type PluralForms } from './all.js';

const NUMBERS = [...Array.from({ length: 26 }, (_, n) => n), 101, 111, 121, 1000];
const parts = Object.values(catalogueParts);
/** The whole catalogue, every part in one. */
const catalogues: Record<Lang, Record<string, string | PluralForms>> = {
  uk: Object.assign({}, ...parts.map((p) => p.uk)),
  en: Object.assign({}, ...parts.map((p) => p.en)),
};

/** Ukrainian noun forms, by hand: 1, 21, 101 → one; 2–4, 22–24 → few; 0, 5–20, 25, 111, 1000 → many. */
const ukForm = (n: number): 0 | 1 | 2 => {
  if (n % 10 === 1 && n % 100 !== 11) return 0;
  if (n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14)) return 1;
  return 2;
};
const enForm = (n: number): 0 | 1 => (n === 1 ? 0 : 1);

/**
 * The words around the number in each form, `#` standing for the number. Ukrainian: one, few, many;
 * English: one, other. After «не більше», «з» and «до» Ukrainian takes the genitive (не більше 1 ідеї,
 * 2 ідей, 5 ідей, 21 ідеї).
 */
const PLURALS: Record<string, { uk: [string, string, string]; en: [string, string] }> = {
  'voterCodes.title': { uk: ['# код виборця', '# коди виборців', '# кодів виборців'], en: ['# voter code', '# voter codes'] },
  'err.IDEA_LIMIT': { uk: ['не більше # ідеї.', 'не більше # ідей.', 'не більше # ідей.'], en: ['at most # idea.', 'at most # ideas.'] },
  'err.BUDGET_EXCEEDED': {
    uk: ['лише # крапку.', 'лише # крапки.', 'лише # крапок.'],
    en: ['only # dot in', 'only # dots in'],
  },
  'err.CAP_EXCEEDED': { uk: ['не більше # крапки.', 'не більше # крапок.', 'не більше # крапок.'], en: ['At most # dot on', 'At most # dots on'] },
  'notice.DOTS_REFUNDED': {
    uk: ['тож # вашу крапку повернуто.', 'тож # ваші крапки повернуто.', 'тож # ваших крапок повернуто.'],
    en: ['your # dot was given back.', 'your # dots were given back.'],
  },
  'notice.DOTS_REINSTATED': {
    uk: ['і # вашу крапку, повернуту,', 'і # ваші крапки, повернуті,', 'і # ваших крапок, повернутих,'],
    en: ['and # dot of yours given back when it was hidden is', 'and # dots of yours given back when it was hidden are'],
  },
  'notice.DOTS_NOT_REINSTATED': {
    uk: ['але # вашу крапку, повернуту,', 'але # ваші крапки, повернуті,', 'але # ваших крапок, повернутих,'],
    en: ['but # dot of yours given back when it was hidden was not', 'but # dots of yours given back when it was hidden were not'],
  },
  'notice.DOTS_KEPT': {
    uk: ['# крапка, яку вам повернули, коли її приховали, лишається', '# крапки, які вам повернули, коли її приховали, лишаються', '# крапок, які вам повернули, коли її приховали, лишаються'],
    en: ['The # dot given back to you when it was hidden stays', 'The # dots given back to you when it was hidden stay'],
  },
  'notice.MERGE_UNDONE_SHORT': {
    uk: ['але # вашу крапку, повернуту під', 'але # ваші крапки, повернуті під', 'але # ваших крапок, повернутих під'],
    en: ['but # dot of yours given back at the merge was not', 'but # dots of yours given back at the merge were not'],
  },
  'notice.MERGE_REFUNDED': {
    uk: ['# крапку повернуто, її', '# крапки повернуто, їх', '# крапок повернуто, їх'],
    en: ['# dot was given back', '# dots were given back'],
  },
  'notice.DOTS_MOVED': {
    uk: ['# ваша крапка тепер', '# ваші крапки тепер', '# ваших крапок тепер'],
    en: ['# of your dots is now', '# of your dots are now'],
  },
  'phone.results.more': {
    uk: [
      'І ще # ідея нижче в рейтингу; повний рейтинг мають організатори.',
      'І ще # ідеї нижче в рейтингу; повний рейтинг мають організатори.',
      'І ще # ідей нижче в рейтингу; повний рейтинг мають організатори.',
    ],
    en: ['# more idea ranks below; the organisers have the full ranking.', '# more ideas rank below; the organisers have the full ranking.'],
  },
  'phone.results.morePublic': {
    uk: [
      'І ще # ідея нижче в рейтингу: повний рейтинг — на сторінці результатів.',
      'І ще # ідеї нижче в рейтингу: повний рейтинг — на сторінці результатів.',
      'І ще # ідей нижче в рейтингу: повний рейтинг — на сторінці результатів.',
    ],
    en: ['# more idea ranks below: the full ranking is on the results page.', '# more ideas rank below: the full ranking is on the results page.'],
  },
  'count.ideas': { uk: ['# ідея', '# ідеї', '# ідей'], en: ['# idea', '# ideas'] },
  'count.dots': { uk: ['# крапка', '# крапки', '# крапок'], en: ['# dot', '# dots'] },
  'count.dotsUpTo': { uk: ['# крапки', '# крапок', '# крапок'], en: ['# dot', '# dots'] },
  'count.participants': { uk: ['# учасник', '# учасники', '# учасників'], en: ['# participant', '# participants'] },
  'count.voters': {
    uk: ['проголосувала # людина', 'проголосували # людини', 'проголосували # людей'],
    en: ['# person has voted', '# people have voted'],
  },
  'count.supporters': { uk: ['# прихильник', '# прихильники', '# прихильників'], en: ['# supporter', '# supporters'] },
  'count.dotsLeft': {
    uk: ['Залишилася # крапка', 'Залишилося # крапки', 'Залишилося # крапок'],
    en: ['# dot left', '# dots left'],
  },
  'count.ideasLeft': { uk: ['подати ще # ідею', 'подати ще # ідеї', 'подати ще # ідей'], en: ['# more idea', '# more ideas'] },
  'count.online': { uk: ['# на зв’язку', '# на зв’язку', '# на зв’язку'], en: ['# online', '# online'] },
  'unit.ideas': { uk: ['ідея', 'ідеї', 'ідей'], en: ['idea', 'ideas'] },
  'unit.dots': { uk: ['крапка', 'крапки', 'крапок'], en: ['dot', 'dots'] },
  'unit.participants': { uk: ['учасник', 'учасники', 'учасників'], en: ['participant', 'participants'] },
  'tickets.title': { uk: ['# квиток', '# квитки', '# квитків'], en: ['# ticket', '# tickets'] },
  'console.tickets.issued': { uk: ['Створено # квиток', 'Створено # квитки', 'Створено # квитків'], en: ['# ticket created', '# tickets created'] },
  'console.dup.count': { uk: ['# група', '# групи', '# груп'], en: ['# group', '# groups'] },
  'toasts.more': { uk: ['Ще # сповіщення', 'Ще # сповіщення', 'Ще # сповіщень'], en: ['# more notice', '# more notices'] },
  'screen.tiedHidden': { uk: ['+# ідея з', '+# ідеї з', '+# ідей з'], en: ['+# more idea with', '+# more ideas with'] },
  'screen.moreAt': { uk: ['Ще # ідея на місці', 'Ще # ідеї на місці', 'Ще # ідей на місці'], en: ['+# more idea at rank', '+# more ideas at rank'] },
  'screen.moreRanks': { uk: ['Ще # ідея на місцях', 'Ще # ідеї на місцях', 'Ще # ідей на місцях'], en: ['+# more idea at ranks', '+# more ideas at ranks'] },
  'screen.revealedOf': { uk: ['з # пріоритету', 'з # пріоритетів', 'з # пріоритетів'], en: ['of # priority revealed', 'of # priorities revealed'] },
  'console.guard.closeVoting.left': {
    uk: ['Ще # учасник не витратив', 'Ще # учасники не витратили', 'Ще # учасників не витратили'],
    en: ['# participant has not', '# participants have not'],
  },
  'console.guard.closeVoting.none': { uk: ['# — не поставив', '# — не поставили', '# — не поставили'], en: ['# has placed none', '# have placed none'] },
  'console.guard.closeVoting.budget': {
    uk: ['поставити # крапку', 'поставити # крапки', 'поставити # крапок'],
    en: ['place # dot', 'place # dots'],
  },
  'forums.count': { uk: ['# форум', '# форуми', '# форумів'], en: ['# forum', '# forums'] },
  'forums.count.priorities': { uk: ['# пріоритет', '# пріоритети', '# пріоритетів'], en: ['# priority', '# priorities'] },
  'forums.count.goals': { uk: ['# ціль', '# цілі', '# цілей'], en: ['# goal', '# goals'] },
  'forums.create.carryCount': { uk: ['Вибрано # ідею.', 'Вибрано # ідеї.', 'Вибрано # ідей.'], en: ['# idea chosen.', '# ideas chosen.'] },
  'forums.create.shortlistCount': {
    uk: ['ввійде # ідея.', 'ввійдуть # ідеї.', 'ввійде # ідей.'],
    en: ['will have # idea.', 'will have # ideas.'],
  },
};

const expected = (lang: Lang, key: string, n: number): string => {
  const row = PLURALS[key];
  return (lang === 'uk' ? row.uk[ukForm(n)] : row.en[enForm(n)]).replace('#', String(n));
};

/** The phrase as whole words: "1 dot" is not found in "1 dots", nor "1 ідея" in "21 ідея". */
const wordsIn = (phrase: string) => new RegExp(`(?<![\\p{L}\\d])${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}])`, 'u');

/** Placeholders a message fills with a number. */
const NUMERIC = new Set([
  'count', 'max', 'min', 'length', 'limit', 'budget', 'seconds', 'n', 'number', 'shown', 'total', 'voted', 'joined', 'issued',
  'used', 'released', 'refused', 'dots', 'ideas', 'batch', 'placed', 'rank', 'revealed', 'page', 'pages',
]);

/**
 * Words that may follow a bare number because they never change with it: units written short,
 * prepositions, and verbs that do not agree with the number (Квиток № 3 звільнено, 3 of 6 revealed).
 */
const AFTER_NUMBER: Record<Lang, string[]> = {
  uk: ['с', 'хв', 'шт', 'МБ', 'грн', 'з', 'до', 'звільнено'],
  en: ['s', 'min', 'MB', 'of', 'per', 'to', 'refused', 'released', 'revealed'],
};

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
const others = (entry: string | PluralForms): Record<string, string> => {
  const text = typeof entry === 'string' ? entry : entry.one;
  return Object.fromEntries(placeholders(text).filter((p) => p !== 'count').map((p) => [p, 'X']));
};

describe('plural entries, 0–25, 101, 111, 121, 1000', () => {
  for (const lang of ['uk', 'en'] as const) {
    it(`${lang}: every plural entry has its forms written in the table`, () => {
      const plural = Object.entries(catalogues[lang])
        .filter(([, entry]) => typeof entry !== 'string')
        .map(([key]) => key);
      expect(plural.filter((key) => !(key in PLURALS))).toEqual([]);
    });

    for (const key of Object.keys(PLURALS)) {
      it(`${lang}: ${key}`, () => {
        const entry = catalogues[lang][key];
        expect(typeof entry, `${key} is a plural entry`).toBe('object');
        for (const n of NUMBERS) {
          const text = t(lang, key as MessageKey, { ...others(entry), count: n });
          expect(text, `${lang} ${key} ${n}`).toMatch(wordsIn(expected(lang, key, n)));
          expect(text).not.toMatch(/\{\w+\}/);
        }
      });
    }
  }

  it('the refusals that carry a limit read it with the right noun', () => {
    for (const lang of ['uk', 'en'] as const) {
      for (const n of NUMBERS) {
        expect(errorMessage(lang, { code: 'IDEA_LIMIT', params: { limit: n } })).toMatch(wordsIn(expected(lang, 'err.IDEA_LIMIT', n)));
        expect(errorMessage(lang, { code: 'BUDGET_EXCEEDED', params: { budget: n } })).toMatch(wordsIn(expected(lang, 'err.BUDGET_EXCEEDED', n)));
        expect(errorMessage(lang, { code: 'CAP_EXCEEDED', params: { max: n } })).toMatch(wordsIn(expected(lang, 'err.CAP_EXCEEDED', n)));
      }
    }
  });
});

describe('messages built from counts', () => {
  /** «до» takes the genitive: до 1 крапки, до 2 крапок, до 5 крапок, до 21 крапки. */
  const UP_TO = ['крапки', 'крапок', 'крапок'];
  const HAVE = ['крапка', 'крапки', 'крапок'];

  it('the phone’s voting help: the budget, and “up to” the cap (as Voting.tsx composes it)', () => {
    for (const n of NUMBERS) {
      for (const cap of NUMBERS) {
        const help = (lang: Lang) =>
          t(lang, 'phone.voting.help', { dots: t(lang, 'count.dots', { count: n }), cap: t(lang, 'count.dotsUpTo', { count: cap }) });
        expect(help('uk')).toContain(`у вас ${n} ${HAVE[ukForm(n)]}. На одну ідею можна поставити до ${cap} ${UP_TO[ukForm(cap)]}.`);
        expect(help('en')).toContain(`you have ${n} ${n === 1 ? 'dot' : 'dots'}. You can put up to ${cap} ${cap === 1 ? 'dot' : 'dots'} on one idea.`);
      }
    }
    expect(t('uk', 'phone.voting.help', { dots: t('uk', 'count.dots', { count: 3 }), cap: t('uk', 'count.dotsUpTo', { count: 2 }) })).toBe(
      'У кожному пріоритеті у вас 3 крапки. На одну ідею можна поставити до 2 крапок. Змінювати вибір можна до кінця голосування.',
    );
  });

  it('the refund notice names the idea, its priority and the dots', () => {
    const forms = ['вашу крапку', 'ваші крапки', 'ваших крапок'];
    for (const n of NUMBERS) {
      expect(t('uk', 'notice.DOTS_REFUNDED', { title: 'Лавки', priority: 'Зелене місто', count: n })).toBe(
        `Ідею «Лавки» у пріоритеті «Зелене місто» приховано, тож ${n} ${forms[ukForm(n)]} повернуто.`,
      );
      expect(t('en', 'notice.DOTS_REFUNDED', { title: 'Benches', priority: 'Green city', count: n })).toBe(
        `The idea “Benches” in the priority “Green city” was hidden, so your ${n} ${n === 1 ? 'dot was' : 'dots were'} given back.`,
      );
    }
  });

  it('the console’s refund line', () => {
    for (const n of NUMBERS) {
      // The voters are counted apart from their dots: 2 voters, n dots.
      expect(t('uk', 'console.dotsRefunded', { voters: 2, dots: t('uk', 'count.dots', { count: n }) })).toBe(`Учасників, яким повернуто крапки: 2 (${n} ${HAVE[ukForm(n)]}).`);
      expect(t('en', 'console.dotsRefunded', { voters: 2, dots: t('en', 'count.dots', { count: n }) })).toBe(`Participants given their dots back: 2 (${n} ${n === 1 ? 'dot' : 'dots'}).`);
    }
  });

  it('a text that is too long gives both numbers with no noun to agree', () => {
    for (const n of NUMBERS) {
      expect(errorMessage('uk', { code: 'TEXT_TOO_LONG', params: { field: 'title', max: n, length: n + 1 } })).toBe(
        `Поле «Назва» задовге. Символів: ${n + 1} з ${n}. Скоротіть текст, будь ласка.`,
      );
      expect(errorMessage('en', { code: 'TEXT_TOO_LONG', params: { field: 'title', max: n, length: n + 1 } })).toBe(
        `“Title” is too long. Characters: ${n + 1} of ${n}. Please shorten it.`,
      );
    }
  });
});

describe('messages that are not plural entries', () => {
  for (const lang of ['uk', 'en'] as const) {
    it(`${lang}: put no noun after a number`, () => {
      const bad: string[] = [];
      for (const [key, entry] of Object.entries(catalogues[lang])) {
        if (typeof entry !== 'string') continue;
        for (const m of entry.matchAll(/\{(\w+)\}\s*([\p{L}]+)/gu)) {
          if (NUMERIC.has(m[1]) && !AFTER_NUMBER[lang].includes(m[2])) bad.push(`${key}: {${m[1]}} ${m[2]}`);
        }
      }
      expect(bad).toEqual([]);
    });

  }
});
