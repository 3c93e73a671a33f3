// The results as organisers take them away: JSON for machines, CSV for Excel (UTF-8 with a BOM so
// Cyrillic shows; ';' between fields in Ukrainian, as Excel expects under a Ukrainian locale).
// Hidden ideas are listed and marked, never ranked; withdrawn ideas are left out. Voided
// participants are listed with the reason; their dots are already gone from every count.
// Merged ideas live on in the idea they were merged into, which lists their texts and authors;
// phone dots and paper stickers are shown apart and summed.
// Every moderation step goes along as the audit log: who did it (the facilitator or a host by
// name), to which idea, why, and what it changed; the CSV has it as a second table below the turnout.
// For publication the names can be left out: the CSV's author column is then empty, and the JSON
// carries no authorName and no voided participant's name; the log leaves out whose ballot a step
// was about. Hosts are the organisers' own people, so their names stay.

import { ballotCount, resultsBallotCount } from '../../shared/forum/state.js';
import { resultsHash } from '../forum/resultsHash.js';
import { resultsFinal } from '../../shared/forum/resultsHash.js';
import { countDots, tallyPriority, votingProgress } from '../../shared/forum/tally.js';
import { FACILITATOR, type ForumState, type Origin, type Task, type IdeaStatus, type ModerationEntry } from '../../shared/forum/types.js';
import { t } from '../../shared/i18n/all.js';
import type { Lang } from '../../shared/protocol.js';

export interface ExportIdea {
  id: string;
  title: string;
  description: string;
  place: string;
  goalCode: string | null;
  /** Left out of an export without names. */
  authorName?: string;
  status: Exclude<IdeaStatus, 'withdrawn' | 'merged'>;
  hiddenReason: string | null;
  /** Phone and paper dots together; the ranking is by this. */
  dots: number;
  phoneDots: number;
  /** Sticker dots counted on paper after voting. */
  paperDots: number;
  supporters: number;
  /** Rank within its priority; null for hidden ideas. */
  rank: number | null;
  /** `paper`: typed in from a paper card; `shortlist`: brought from an earlier forum (see origin). */
  source: 'phone' | 'paper' | 'shortlist';
  /** For a shortlisted idea: the earlier forum's idea it is. */
  origin?: { forumId: string; forumTitle: string; ideaId: string };
  /** The ideas merged into this one, as their authors wrote them (names left out on request). */
  mergedFrom: { title: string; description: string; place: string; authorName?: string }[];
}

interface IdeaText {
  title: string;
  description: string;
  place: string;
}

/** One step of the moderation log. */
export interface ExportModerationEntry {
  /** When, as an ISO date. */
  at: string;
  action: ModerationEntry['action'];
  /** Who did it: the facilitator, or a host (then hostName says which). */
  by: 'facilitator' | 'host';
  hostName?: string;
  /** The idea acted on (a merge's surviving idea), with its title; null for a participant or a ticket. */
  ideaId: string | null;
  idea: string | null;
  reason: string | null;
  /** A correction's text before and after. */
  before?: IdeaText;
  after?: IdeaText;
  /** The ideas a merge folded in (or its undoing brought back). */
  merged?: { id: string; title: string }[];
  /** Paper stickers counted: before and after. */
  paperDots?: { before: number; after: number };
  /** Paper ballots handed out, as the facilitator said: before and after. */
  paperBallots?: { before: number; after: number };
  /** Whose ballot a void or a ticket's release was about; left out of an export without names. */
  participant?: string;
  /** A void of a burst: how many, and the joins it chose (window, address range). */
  voided?: number;
  window?: { from: string; to: string };
  range?: string;
}

export interface ExportResults {
  forum: { id: string; title: string; vision: string; phase: string; exportedAt: string; rules: ForumState['rules'] };
  priorities: {
    code: string;
    title: string;
    subtitle: string;
    revealed: boolean;
    goals: { code: string; title: string; origin?: Origin; tasks?: Task[] }[];
    ideas: ExportIdea[];
  }[];
  /**
   * joined: ballots held when voting closed (voided ones left out), as the results count them;
   * joinedAfterVoting: phones that joined later to see the results, counted nowhere else.
   */
  turnout: { joined: number; joinedAfterVoting: number; voted: number; voided: number; votedPerPriority: Record<string, number> };
  /** SHA-256 of the canonical results document: `npm run verify` recomputes it. */
  resultsHash: string;
  /** Every priority revealed: nothing the rules still allow changes the hash (resultsFinal). */
  resultsFinal: boolean;
  /** Participants the facilitator voided, with the reason; no tokens, no addresses. */
  voided: { name?: string; reason: string; at: string }[];
  /** Every moderation step, oldest first. */
  moderation: ExportModerationEntry[];
}

export interface ExportOptions {
  /** Whether authors' (and voided participants') names go in; false for a file to publish. */
  names?: boolean;
}

/** `hash`: the results hash, when it was worked out already (exportResultsInTurns). */
export function exportResults(state: ForumState, now = new Date(), { names = true }: ExportOptions = {}, hash = resultsHash(state)): ExportResults {
  const counts = countDots(state);
  const progress = votingProgress(state);
  return {
    forum: {
      id: state.id,
      title: state.title,
      vision: state.structure.vision,
      phase: state.phase,
      exportedAt: now.toISOString(),
      rules: state.rules,
    },
    priorities: state.structure.priorities.map((p) => {
      const ranked = tallyPriority(state, p.code, counts);
      const rankOf = new Map(ranked.map((r, i) => [r.ideaId, { rank: r.rank, order: i }]));
      const ideas: ExportIdea[] = [];
      const nameOf = (authorId: string, paperAuthor: string) => (authorId ? (state.participants.get(authorId)?.name ?? '') : paperAuthor);
      for (const idea of state.ideas.values()) {
        // Withdrawn ideas are gone; merged ones live on in the idea they were merged into.
        if (idea.priorityCode !== p.code || idea.status === 'withdrawn' || idea.status === 'merged') continue;
        const c = counts.get(idea.id);
        ideas.push({
          id: idea.id,
          title: idea.title,
          description: idea.description,
          place: idea.place,
          goalCode: idea.goalCode,
          ...(names ? { authorName: nameOf(idea.authorId, idea.paperAuthor) } : {}),
          status: idea.status,
          hiddenReason: idea.hiddenReason,
          dots: idea.status === 'active' ? (c?.dots ?? 0) + idea.paperDots : 0,
          phoneDots: idea.status === 'active' ? (c?.dots ?? 0) : 0,
          paperDots: idea.status === 'active' ? idea.paperDots : 0,
          supporters: idea.status === 'active' ? (c?.supporters ?? 0) : 0,
          rank: rankOf.get(idea.id)?.rank ?? null,
          source: idea.source,
          ...(idea.origin ? { origin: idea.origin } : {}),
          mergedFrom: idea.merged.map((m) => ({
            title: m.title,
            description: m.description,
            place: m.place,
            ...(names ? { authorName: nameOf(m.authorId, m.paperAuthor) } : {}),
          })),
        });
      }
      // Ranked ideas in ranking order, hidden ones after them.
      ideas.sort((a, b) => (rankOf.get(a.id)?.order ?? Infinity) - (rankOf.get(b.id)?.order ?? Infinity));
      return {
        code: p.code,
        title: p.title,
        subtitle: p.subtitle,
        revealed: state.revealed.includes(p.code),
        goals: p.goals.map((g) => ({
          code: g.code,
          title: g.title,
          ...(g.origin ? { origin: g.origin } : {}),
          ...(g.tasks?.length ? { tasks: g.tasks } : {}),
        })),
        ideas,
      };
    }),
    turnout: {
      joined: resultsBallotCount(state),
      joinedAfterVoting: ballotCount(state) - resultsBallotCount(state),
      voted: progress.voted,
      voided: state.voidedCount,
      votedPerPriority: progress.votedPerPriority,
    },
    resultsHash: hash,
    resultsFinal: resultsFinal(state),
    voided: [...state.participants.values()]
      .filter((p) => p.voided)
      .map((p) => ({ ...(names ? { name: p.name } : {}), reason: p.voided!.reason, at: new Date(p.voided!.at).toISOString() })),
    moderation: state.moderation.map((entry) => moderationEntry(state, entry, names)),
  };
}

/**
 * The same as exportResults, in two turns of the event loop: the results hash (a third of the work;
 * on the largest forum, 20 ms) in one, the rest in the next, so that no one turn holds up the hall
 * for long. Should anything change in between, the hash is worked out again, so the export stays
 * one moment's: after three tries in a row, in one turn. Only what is saved is exported: an action
 * whose batch is still being written may yet be refused.
 */
export async function exportResultsInTurns(room: { readonly savedState: ForumState; readonly savedVersion: number }, now: Date, options: ExportOptions): Promise<ExportResults> {
  for (let tries = 0; tries < 3; tries++) {
    const version = room.savedVersion;
    const hash = resultsHash(room.savedState);
    await new Promise((r) => setImmediate(r));
    if (room.savedVersion === version) return exportResults(room.savedState, now, options, hash);
  }
  return exportResults(room.savedState, now, options);
}

function moderationEntry(state: ForumState, entry: ModerationEntry, names: boolean): ExportModerationEntry {
  const by = entry.by ?? FACILITATOR;
  const titleOf = (id: string) => state.ideas.get(id)?.title ?? '';
  return {
    at: new Date(entry.at).toISOString(),
    action: entry.action,
    ...(by === FACILITATOR ? { by: 'facilitator' as const } : { by: 'host' as const, hostName: state.hosts.get(by)?.name ?? '' }),
    ideaId: entry.ideaId,
    idea: entry.ideaId ? titleOf(entry.ideaId) : null,
    reason: entry.reason,
    ...(entry.before ? { before: { ...entry.before } } : {}),
    ...(entry.after ? { after: { ...entry.after } } : {}),
    ...(entry.ideaIds ? { merged: entry.ideaIds.map((id) => ({ id, title: titleOf(id) })) } : {}),
    ...(entry.count ? { [entry.action === 'paperBallots' ? 'paperBallots' : 'paperDots']: { ...entry.count } } : {}),
    ...(names && entry.participantId ? { participant: state.participants.get(entry.participantId)?.name ?? '' } : {}),
    ...(entry.voided !== undefined ? { voided: entry.voided } : {}),
    ...(entry.window ? { window: { from: new Date(entry.window.from).toISOString(), to: new Date(entry.window.to).toISOString() } } : {}),
    ...(entry.range ? { range: entry.range } : {}),
  };
}

const HEADERS: Record<Lang, string[]> = {
  uk: [
    'Код пріоритету', 'Пріоритет', 'Код цілі', 'Ціль', 'Назва ідеї', 'Опис', 'Місце', 'Автор', 'Крапки', 'Прихильники', 'Місце в рейтингу', 'Статус', 'Причина приховування',
    'Крапки з телефонів', 'Наліпки на папері', 'Джерело', 'Об’єднано з',
  ],
  en: [
    'Priority code', 'Priority', 'Goal code', 'Goal', 'Idea title', 'Description', 'Place', 'Author', 'Dots', 'Supporters', 'Rank', 'Status', 'Reason hidden',
    'Phone dots', 'Paper stickers', 'Source', 'Merged from',
  ],
};
const SOURCE: Record<Lang, Record<ExportIdea['source'], string>> = {
  uk: { phone: 'телефон', paper: 'паперова картка', shortlist: 'короткий список попереднього форуму' },
  en: { phone: 'phone', paper: 'paper card', shortlist: 'shortlist of an earlier forum' },
};
const STATUS: Record<Lang, Record<ExportIdea['status'], string>> = {
  uk: { active: 'активна', hidden: 'прихована' },
  en: { active: 'active', hidden: 'hidden' },
};

const LOG: Record<Lang, { headers: string[]; facilitator: string; title: string; description: string; place: string }> = {
  uk: {
    headers: ['Коли', 'Дія', 'Хто', 'Ідея', 'Причина', 'Текст до', 'Текст після', 'Об’єднані ідеї', 'Наліпок було', 'Наліпок стало', 'Учасник'],
    facilitator: 'фасилітатор',
    title: 'Назва',
    description: 'Опис',
    place: 'Місце',
  },
  en: {
    headers: ['When', 'Action', 'Who', 'Idea', 'Reason', 'Text before', 'Text after', 'Ideas merged', 'Paper stickers before', 'Paper stickers after', 'Participant'],
    facilitator: 'facilitator',
    title: 'Title',
    description: 'Description',
    place: 'Place',
  },
};

const TURNOUT: Record<Lang, { joined: string; voted: string; voided: string; votedIn: string; hash: string; provisional: string }> = {
  uk: { joined: 'Учасників', voted: 'Проголосували', voided: 'Анульовано учасників', votedIn: 'Проголосували в пріоритеті', hash: 'Контрольна сума результатів (SHA-256)', provisional: 'попередня: оголошено не всі пріоритети' },
  en: { joined: 'Participants', voted: 'Voted', voided: 'Participants voided', votedIn: 'Voted in priority', hash: 'Results checksum (SHA-256)', provisional: 'provisional: not every priority revealed' },
};

/**
 * One CSV cell. Every text is quoted, so that read with the separator it was written with, no
 * separator or line break inside a resident's text starts a new cell. A text that a spreadsheet
 * would read as a formula (= + - @, a tab or a line break first, also after spaces) gets an
 * apostrophe in front, so it is shown, never run. Opened with another separator than the file's
 * (a spreadsheet guesses it from its locale), the quotes no longer line up and a cell can begin
 * after any ',', ';', tab or line break inside a text: there too a formula sign gets an apostrophe.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const s = (/^[\s]*[=+\-@]|^[\t\r\n]/.test(value) ? `'${value}` : value).replace(/([,;\t\r\n]\s*)(?=[=+\-@])/g, "$1'");
  return `"${s.replace(/"/g, '""')}"`;
}

export function resultsCsv(results: ExportResults, lang: Lang): string {
  const sep = lang === 'uk' ? ';' : ',';
  const row = (cells: (string | number | null)[]) => cells.map(csvCell).join(sep);
  const lines = [row(HEADERS[lang])];
  for (const p of results.priorities) {
    const goalTitle = new Map(p.goals.map((g) => [g.code, g.title]));
    for (const idea of p.ideas) {
      lines.push(
        [
          p.code,
          p.title,
          idea.goalCode ?? '',
          idea.goalCode ? (goalTitle.get(idea.goalCode) ?? '') : '',
          idea.title,
          idea.description,
          idea.place,
          idea.authorName ?? '',
          idea.dots,
          idea.supporters,
          idea.rank,
          STATUS[lang][idea.status],
          idea.hiddenReason ?? '',
          idea.phoneDots,
          idea.paperDots,
          SOURCE[lang][idea.source],
          idea.mergedFrom.map((m) => (m.authorName ? `${m.title} (${m.authorName})` : m.title)).join(' | '),
        ].map(csvCell).join(sep),
      );
    }
  }
  // Turnout below the table, after an empty line, as label and number.
  const words = TURNOUT[lang];
  lines.push('', row([words.joined, results.turnout.joined]), row([words.voted, results.turnout.voted]));
  if (results.turnout.voided > 0) lines.push(row([words.voided, results.turnout.voided]));
  for (const p of results.priorities) lines.push(row([`${words.votedIn} ${p.code}`, p.title, results.turnout.votedPerPriority[p.code] ?? 0]));
  lines.push(row(results.resultsFinal ? [words.hash, results.resultsHash] : [words.hash, results.resultsHash, words.provisional]));

  // The moderation log, after another empty line: its own heading and columns.
  const log = LOG[lang];
  // Each field on a line of its own, labelled, so a cleared place shows as cleared.
  const text = (x: IdeaText | undefined) => (x ? `${log.title}: ${x.title}\n${log.description}: ${x.description}\n${log.place}: ${x.place}` : '');
  lines.push('', row([t(lang, 'console.moderationLog')]), row(log.headers));
  for (const m of results.moderation) {
    lines.push(
      row([
        m.at,
        t(lang, `console.log.${m.action}`),
        m.by === 'host' ? (m.hostName ?? '') : log.facilitator,
        m.idea ?? '',
        // The ballots stated have no column of their own: said in words where a reason would be.
        m.paperBallots ? t(lang, 'console.audit.ballots', m.paperBallots) : (m.reason ?? ''),
        text(m.before),
        text(m.after),
        (m.merged ?? []).map((i) => i.title).join(' | '),
        m.paperDots?.before ?? null,
        m.paperDots?.after ?? null,
        // A void of a burst names no one: its column says how many, and which joins it chose.
        m.voided !== undefined ? [m.voided, m.window ? `${m.window.from} – ${m.window.to}` : '', m.range ?? ''].filter((x) => x !== '').join(' · ') : (m.participant ?? ''),
      ]),
    );
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
