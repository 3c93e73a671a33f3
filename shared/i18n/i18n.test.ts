// Unit tests for the message catalogues, plural forms and error messages.

import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode, type ErrorParams } from '../forum/errors.js';
import { PHASES } from '../forum/types.js';
import type { Lang } from '../protocol.js';
import { catalogueParts, countOf, errorMessage, fieldName, isLang, pluralCategory, t, type MessageKey, type PluralForms } from './all.js';

const LANGS: Lang[] = ['uk', 'en'];
const parts = Object.values(catalogueParts);
/** The whole catalogue, every part in one. */
const catalogues: Record<Lang, Record<string, string | PluralForms>> = {
  uk: Object.assign({}, ...parts.map((p) => p.uk)),
  en: Object.assign({}, ...parts.map((p) => p.en)),
};

const placeholders = (entry: string | PluralForms): string[] => {
  const forms = typeof entry === 'string' ? [entry] : Object.values(entry).filter((f): f is string => typeof f === 'string');
  const names = new Set<string>();
  for (const form of forms) for (const m of form.matchAll(/\{(\w+)\}/g)) names.add(m[1]);
  return [...names].sort();
};

/** Checks t(lang, key, {count}) for each row [key, count, expected]. */
const expectCounts = (lang: Lang, rows: [MessageKey, number, string][]): void => {
  for (const [key, count, expected] of rows) expect(t(lang, key, { count }), `${lang} ${key} ${count}`).toBe(expected);
};

// ---------------------------------------------------------------- plurals

describe('Ukrainian plurals', () => {
  const cases: [number, string][] = [
    [0, '0 ідей'],
    [1, '1 ідея'],
    [2, '2 ідеї'],
    [3, '3 ідеї'],
    [4, '4 ідеї'],
    [5, '5 ідей'],
    [11, '11 ідей'],
    [12, '12 ідей'],
    [14, '14 ідей'],
    [20, '20 ідей'],
    [21, '21 ідея'],
    [22, '22 ідеї'],
    [25, '25 ідей'],
    [101, '101 ідея'],
    [111, '111 ідей'],
    [250, '250 ідей'],
  ];
  for (const [n, expected] of cases) {
    it(`t('uk', 'count.ideas', {count: ${n}}) is “${expected}”`, () => {
      expect(t('uk', 'count.ideas', { count: n })).toBe(expected);
      expect(countOf('uk', 'count.ideas', n)).toBe(expected);
    });
  }

  it('forms other nouns too', () => {
    expectCounts('uk', [
      ['count.dots', 1, '1 крапка'],
      ['count.dots', 3, '3 крапки'],
      ['count.dots', 5, '5 крапок'],
      ['count.participants', 21, '21 учасник'],
      ['count.participants', 130, '130 учасників'],
      ['count.dotsLeft', 1, 'Залишилася 1 крапка'],
      ['count.dotsLeft', 0, 'Залишилося 0 крапок'],
    ]);
  });

  it('uses the “other” form for fractions', () => {
    expect(pluralCategory('uk', 1.5)).toBe('other');
    expect(t('uk', 'count.ideas', { count: 1.5 })).toBe('1.5 ідеї');
  });

  it('selects the categories Intl.PluralRules gives for Ukrainian', () => {
    expect([1, 21, 31, 101].map((n) => pluralCategory('uk', n))).toEqual(['one', 'one', 'one', 'one']);
    expect([2, 3, 4, 22, 24].map((n) => pluralCategory('uk', n))).toEqual(['few', 'few', 'few', 'few', 'few']);
    expect([0, 5, 11, 12, 14, 19, 20, 111].map((n) => pluralCategory('uk', n))).toEqual(Array(8).fill('many'));
  });

  it('accepts a count given as a string', () => {
    expect(t('uk', 'count.ideas', { count: '22' })).toBe('22 ідеї');
  });

  it('treats a missing count as zero', () => {
    expect(t('uk', 'count.ideas')).toBe('{count} ідей');
  });
});

describe('English plurals', () => {
  it('has one and other', () => {
    expectCounts('en', [
      ['count.ideas', 1, '1 idea'],
      ['count.ideas', 2, '2 ideas'],
      ['count.ideas', 0, '0 ideas'],
      ['count.ideas', 21, '21 ideas'],
      ['count.dots', 1, '1 dot'],
      ['count.dots', 5, '5 dots'],
    ]);
    expect(pluralCategory('en', 1)).toBe('one');
    expect(pluralCategory('en', 2)).toBe('other');
  });
});

// ---------------------------------------------------------------- t

describe('t', () => {
  it('fills placeholders and leaves unknown ones as they are', () => {
    expect(t('uk', 'phone.hello', { name: 'Олена' })).toBe('Вітаємо, Олена!');
    expect(t('en', 'phone.hello', { name: 'Olena' })).toBe('Welcome, Olena!');
    expect(t('uk', 'phone.hello')).toBe('Вітаємо, {name}!');
    expect(t('uk', 'phone.hello', { other: 'x' })).toBe('Вітаємо, {name}!');
    expect(t('uk', 'console.votedOf', { voted: 3, joined: 130 })).toBe('3 з 130');
  });

  it('fills every occurrence of a placeholder and numbers as text', () => {
    expect(t('uk', 'phone.voting.help', { dots: '3 крапки', cap: '2 крапки' })).toContain('3 крапки');
    expect(t('uk', 'phone.voting.help', { dots: '3 крапки', cap: '2 крапки' })).toContain('2 крапки');
    expect(t('uk', 'phone.voting.help', { dots: 'x', cap: 'y' })).not.toMatch(/\{\w+\}/);
  });

  it('does not interpret replacement patterns in values', () => {
    expect(t('uk', 'phone.hello', { name: '$& $1 $$' })).toBe('Вітаємо, $& $1 $$!');
  });

  it('returns the key for an unknown key', () => {
    expect(t('uk', 'no.such.key' as MessageKey)).toBe('no.such.key');
    expect(t('en', 'no.such.key' as MessageKey)).toBe('no.such.key');
  });

  it('isLang accepts only uk and en', () => {
    expect(isLang('uk')).toBe(true);
    expect(isLang('en')).toBe(true);
    for (const v of ['ua', 'ru', 'EN', '', null, undefined, 1]) expect(isLang(v)).toBe(false);
  });
});

// ---------------------------------------------------------------- catalogues

describe('catalogues', () => {
  const ukKeys = Object.keys(catalogues.uk);

  it('English has every Ukrainian key and no other, part by part', () => {
    for (const [name, part] of Object.entries(catalogueParts)) {
      expect(Object.keys(part.en).filter((k) => !(k in part.uk)), name).toEqual([]);
      expect(Object.keys(part.uk).filter((k) => !(k in part.en)), name).toEqual([]);
    }
  });

  it('no key is in two parts', () => {
    const count = new Map<string, number>();
    for (const part of parts) for (const key of Object.keys(part.uk)) count.set(key, (count.get(key) ?? 0) + 1);
    expect([...count].filter(([, n]) => n > 1).map(([key]) => key)).toEqual([]);
  });

  it('every key has the same kind (string or plural) in both languages', () => {
    const mismatched = ukKeys.filter((k) => typeof catalogues.uk[k] !== typeof catalogues.en[k]);
    expect(mismatched).toEqual([]);
  });

  it('every key has the same {placeholders} in both languages', () => {
    const mismatched = ukKeys
      .filter((k) => k in catalogues.en)
      .map((k) => ({ key: k, uk: placeholders(catalogues.uk[k]), en: placeholders(catalogues.en[k]) }))
      .filter((m) => m.uk.join() !== m.en.join());
    expect(mismatched).toEqual([]);
  });

  it('every form of a plural message has the same placeholders', () => {
    const bad: string[] = [];
    for (const lang of LANGS) {
      for (const [key, entry] of Object.entries(catalogues[lang])) {
        if (typeof entry === 'string') continue;
        const sets = Object.values(entry).map((form) => placeholders(form as string).join());
        if (new Set(sets).size !== 1) bad.push(`${lang}:${key}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('Ukrainian plurals have all four forms, English plurals have one and other', () => {
    const bad: string[] = [];
    for (const [key, entry] of Object.entries(catalogues.uk)) {
      if (typeof entry === 'string') continue;
      for (const form of ['one', 'few', 'many', 'other'] as const) if (!entry[form]) bad.push(`uk:${key}.${form}`);
    }
    for (const [key, entry] of Object.entries(catalogues.en)) {
      if (typeof entry === 'string') continue;
      for (const form of ['one', 'other'] as const) if (!entry[form]) bad.push(`en:${key}.${form}`);
    }
    expect(bad).toEqual([]);
  });

  it('no message is empty', () => {
    const empty: string[] = [];
    for (const lang of LANGS) {
      for (const [key, entry] of Object.entries(catalogues[lang])) {
        const forms = typeof entry === 'string' ? [entry] : Object.values(entry);
        if (forms.some((f) => typeof f !== 'string' || f.trim() === '')) empty.push(`${lang}:${key}`);
      }
    }
    expect(empty).toEqual([]);
  });

  it('names every phase and every field the rules can refuse', () => {
    const fields = [
      'title',
      'description',
      'place',
      'name',
      'reason',
      'vision',
      'priorityTitle',
      'prioritySubtitle',
      'goalTitle',
      'ideasPerParticipant',
      'dotsPerPriority',
      'maxDotsPerIdea',
    ];
    for (const lang of LANGS) {
      for (const phase of PHASES) expect(catalogues[lang][`phase.${phase}`], `${lang} phase.${phase}`).toBeTypeOf('string');
      for (const field of fields) expect(catalogues[lang][`field.${field}`], `${lang} field.${field}`).toBeTypeOf('string');
      for (const reason of ['noPriorities', 'tooManyPriorities', 'tooManyGoals', 'badCode', 'duplicateCode']) {
        expect(catalogues[lang][`structure.${reason}`], `${lang} structure.${reason}`).toBeTypeOf('string');
      }
    }
  });
});

// ---------------------------------------------------------------- wording

describe('wording that says who and when', () => {
  it('a sealed forum file is sealed with the facilitator’s key, not a table host’s, in both languages', () => {
    expect(t('uk', 'forums.download.sealedHelp')).toContain('ключем фасилітатора');
    expect(t('uk', 'forums.download.sealedHelp')).not.toContain('ведучого:');
    expect(t('en', 'forums.download.sealedHelp')).toContain('facilitator key');
  });

  it('a burst’s window reads as a span of time', () => {
    const params = { from: '19:02:10', to: '19:02:38', joins: 61, addresses: 40 };
    expect(t('uk', 'console.joining.burst', params)).toMatch(/^Сплеск приєднань з 19:02:10 до 19:02:38:/);
    expect(t('uk', 'console.audit.burst', params)).toBe('Сплеск приєднань з 19:02:10 до 19:02:38: приєднань — 61, адрес — 40.');
  });
});

// ---------------------------------------------------------------- errorMessage

describe('errorMessage', () => {
  /** The params each refusal carries when the rules give it. */
  const sampleParams: Partial<Record<ErrorCode, ErrorParams>> = {
    WRONG_PHASE: { phase: 'voting' },
    BAD_TRANSITION: { from: 'lobby', to: 'voting' },
    IDEA_LIMIT: { limit: 5 },
    TEXT_REQUIRED: { field: 'title' },
    TEXT_TOO_LONG: { field: 'title', max: 120, length: 121 },
    UNKNOWN_PRIORITY: { code: 'Z' },
    UNKNOWN_GOAL: { code: 'B.1', priority: 'A' },
    BUDGET_EXCEEDED: { budget: 3 },
    CAP_EXCEEDED: { max: 2 },
    BAD_STRUCTURE: { reason: 'duplicateCode', code: 'A' },
    BAD_INPUT: { field: 'dotsPerPriority' },
    TICKET_LIMIT: { max: 10000 },
    ADDRESS_LIMIT: { max: 3 },
    IDENTITY_LOCKED: { count: 12 },
    IDENTITY_LIMIT: { max: 16777215 },
    LIST_ROW_EMPTY: { row: 17 },
    VOIDED: { reason: 'Повторна реєстрація' },
    RATE_LIMITED: { seconds: 12 },
    PAPER_IDEA_OVER_BALLOTS: { ballots: 10, max: 20 },
    PAPER_PRIORITY_OVER_BALLOTS: { ballots: 10, max: 30, left: 4 },
    PAPER_BALLOTS_BELOW: { min: 7 },
    HIDE_CONFIRM: { voters: 12, dots: 17 },
  };

  for (const lang of LANGS) {
    for (const code of ERROR_CODES) {
      it(`${lang}: ${code} has a complete message`, () => {
        const message = errorMessage(lang, { code, params: sampleParams[code] });
        expect(message.trim()).not.toBe('');
        expect(message).not.toBe(`err.${code}`);
        expect(message).not.toMatch(/\{\w+\}/);
        expect(message).not.toContain('undefined');
        expect(message).not.toMatch(/\b(phase|field|structure)\.\w+/);
      });
    }

    it(`${lang}: codes that carry no params read well without them`, () => {
      for (const code of ERROR_CODES.filter((c) => !(c in sampleParams))) {
        const message = errorMessage(lang, { code });
        expect(message, code).not.toMatch(/\{\w+\}|undefined/);
      }
    });
  }

  it('the Ukrainian and English messages differ', () => {
    for (const code of ERROR_CODES) {
      expect(errorMessage('uk', { code, params: sampleParams[code] }), code).not.toBe(
        errorMessage('en', { code, params: sampleParams[code] }),
      );
    }
  });

  it('WRONG_PHASE names the phase', () => {
    expect(errorMessage('uk', { code: 'WRONG_PHASE', params: { phase: 'voting' } })).toContain('Голосування');
    expect(errorMessage('en', { code: 'WRONG_PHASE', params: { phase: 'voting' } })).toContain('Voting');
    for (const phase of PHASES) {
      expect(errorMessage('uk', { code: 'WRONG_PHASE', params: { phase } })).toContain(t('uk', `phase.${phase}`));
    }
  });

  it('BAD_TRANSITION names both phases', () => {
    const message = errorMessage('uk', { code: 'BAD_TRANSITION', params: { from: 'lobby', to: 'voting' } });
    expect(message).toContain('Збір учасників');
    expect(message).toContain('Голосування');
    expect(message.indexOf('Збір учасників')).toBeLessThan(message.indexOf('Голосування'));
  });

  it('limits use plural forms of the number', () => {
    expect(errorMessage('uk', { code: 'IDEA_LIMIT', params: { limit: 5 } })).toContain('5 ідей');
    expect(errorMessage('uk', { code: 'IDEA_LIMIT', params: { limit: 1 } })).toContain('1 ідеї');
    expect(errorMessage('en', { code: 'IDEA_LIMIT', params: { limit: 1 } })).toContain('1 idea.');
    expect(errorMessage('en', { code: 'IDEA_LIMIT', params: { limit: 3 } })).toContain('3 ideas');
    expect(errorMessage('uk', { code: 'BUDGET_EXCEEDED', params: { budget: 3 } })).toContain('3 крапки');
    expect(errorMessage('uk', { code: 'BUDGET_EXCEEDED', params: { budget: 5 } })).toContain('5 крапок');
    expect(errorMessage('uk', { code: 'BUDGET_EXCEEDED', params: { budget: 1 } })).toContain('1 крапку');
    expect(errorMessage('en', { code: 'BUDGET_EXCEEDED', params: { budget: 1 } })).toContain('1 dot ');
    expect(errorMessage('en', { code: 'CAP_EXCEEDED', params: { max: 2 } })).toContain('2 dots');
    expect(errorMessage('uk', { code: 'CAP_EXCEEDED', params: { max: 2 } })).toContain('2 крапок');
  });

  it('text refusals name the field and give the lengths', () => {
    const long = errorMessage('uk', { code: 'TEXT_TOO_LONG', params: { field: 'title', max: 120, length: 121 } });
    expect(long).toContain('Назва');
    expect(long).toContain('121');
    expect(long).toContain('120');
    expect(errorMessage('uk', { code: 'TEXT_REQUIRED', params: { field: 'name' } })).toContain('Ім’я');
    expect(errorMessage('en', { code: 'TEXT_REQUIRED', params: { field: 'reason' } })).toContain('Reason');
  });

  it('falls back to the raw field name for a field without a label', () => {
    expect(fieldName('uk', 'mystery')).toBe('mystery');
    expect(errorMessage('uk', { code: 'TEXT_REQUIRED', params: { field: 'mystery' } })).toContain('mystery');
  });

  it('BAD_STRUCTURE explains the reason with its code', () => {
    const dup = errorMessage('uk', { code: 'BAD_STRUCTURE', params: { reason: 'duplicateCode', code: 'A.1' } });
    expect(dup).toContain('повторюється');
    expect(dup).toContain('A.1');
    expect(errorMessage('en', { code: 'BAD_STRUCTURE', params: { reason: 'tooManyGoals', code: 'B' } })).toContain(
      'too many goals in priority B',
    );
    expect(errorMessage('uk', { code: 'BAD_STRUCTURE', params: { reason: 'strange' } })).toContain('strange');
  });

  it('BAD_INPUT names the field when there is one', () => {
    expect(errorMessage('uk', { code: 'BAD_INPUT', params: { field: 'dotsPerPriority' } })).toContain('(Крапок на пріоритет)');
    expect(errorMessage('en', { code: 'BAD_INPUT' })).toBe('The server could not understand the request.');
  });

  it('does not change the params it was given', () => {
    const params = { phase: 'voting' };
    errorMessage('uk', { code: 'WRONG_PHASE', params });
    expect(params).toEqual({ phase: 'voting' });
  });
});
