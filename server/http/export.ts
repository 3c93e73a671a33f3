// The results as organisers take them away: JSON for machines, CSV for Excel (UTF-8 with a BOM so
// Cyrillic shows; ';' between fields in Ukrainian, as Excel expects under a Ukrainian locale).
// Hidden ideas are listed and marked, never ranked; withdrawn ideas are left out. Voided
// participants are listed with the reason; their dots are already gone from every count.
// For publication the names can be left out: the CSV's author column is then empty, and the JSON
// carries no authorName and no voided participant's name.

import { ballotCount } from '../../shared/forum/state.js';
import { countDots, tallyPriority, votingProgress } from '../../shared/forum/tally.js';
import type { ForumState, IdeaStatus } from '../../shared/forum/types.js';
import type { Lang } from '../../shared/protocol.js';

export interface ExportIdea {
  id: string;
  title: string;
  description: string;
  place: string;
  goalCode: string | null;
  /** Left out of an export without names. */
  authorName?: string;
  status: Exclude<IdeaStatus, 'withdrawn'>;
  hiddenReason: string | null;
  dots: number;
  supporters: number;
  /** Rank within its priority; null for hidden ideas. */
  rank: number | null;
}

export interface ExportResults {
  forum: { id: string; title: string; vision: string; phase: string; exportedAt: string; rules: ForumState['rules'] };
  priorities: {
    code: string;
    title: string;
    subtitle: string;
    revealed: boolean;
    goals: { code: string; title: string }[];
    ideas: ExportIdea[];
  }[];
  /** joined: ballots held (voided ones left out). */
  turnout: { joined: number; voted: number; voided: number; votedPerPriority: Record<string, number> };
  /** Participants the facilitator voided, with the reason; no tokens, no addresses. */
  voided: { name?: string; reason: string; at: string }[];
}

export interface ExportOptions {
  /** Whether authors' (and voided participants') names go in; false for a file to publish. */
  names?: boolean;
}

export function exportResults(state: ForumState, now = new Date(), { names = true }: ExportOptions = {}): ExportResults {
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
      for (const idea of state.ideas.values()) {
        if (idea.priorityCode !== p.code || idea.status === 'withdrawn') continue;
        const c = counts.get(idea.id);
        ideas.push({
          id: idea.id,
          title: idea.title,
          description: idea.description,
          place: idea.place,
          goalCode: idea.goalCode,
          ...(names ? { authorName: state.participants.get(idea.authorId)?.name ?? '' } : {}),
          status: idea.status,
          hiddenReason: idea.hiddenReason,
          dots: idea.status === 'active' ? (c?.dots ?? 0) : 0,
          supporters: idea.status === 'active' ? (c?.supporters ?? 0) : 0,
          rank: rankOf.get(idea.id)?.rank ?? null,
        });
      }
      // Ranked ideas in ranking order, hidden ones after them.
      ideas.sort((a, b) => (rankOf.get(a.id)?.order ?? Infinity) - (rankOf.get(b.id)?.order ?? Infinity));
      return {
        code: p.code,
        title: p.title,
        subtitle: p.subtitle,
        revealed: state.revealed.includes(p.code),
        goals: p.goals.map((g) => ({ code: g.code, title: g.title })),
        ideas,
      };
    }),
    turnout: { joined: ballotCount(state), voted: progress.voted, voided: state.voidedCount, votedPerPriority: progress.votedPerPriority },
    voided: [...state.participants.values()]
      .filter((p) => p.voided)
      .map((p) => ({ ...(names ? { name: p.name } : {}), reason: p.voided!.reason, at: new Date(p.voided!.at).toISOString() })),
  };
}

const HEADERS: Record<Lang, string[]> = {
  uk: ['Код пріоритету', 'Пріоритет', 'Код цілі', 'Ціль', 'Назва ідеї', 'Опис', 'Місце', 'Автор', 'Крапки', 'Прихильники', 'Місце в рейтингу', 'Статус', 'Причина приховування'],
  en: ['Priority code', 'Priority', 'Goal code', 'Goal', 'Idea title', 'Description', 'Place', 'Author', 'Dots', 'Supporters', 'Rank', 'Status', 'Reason hidden'],
};
const STATUS: Record<Lang, Record<ExportIdea['status'], string>> = {
  uk: { active: 'активна', hidden: 'прихована' },
  en: { active: 'active', hidden: 'hidden' },
};

const TURNOUT: Record<Lang, { joined: string; voted: string; voided: string; votedIn: string }> = {
  uk: { joined: 'Учасників', voted: 'Проголосували', voided: 'Анульовано учасників', votedIn: 'Проголосували в пріоритеті' },
  en: { joined: 'Participants', voted: 'Voted', voided: 'Participants voided', votedIn: 'Voted in priority' },
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
        ].map(csvCell).join(sep),
      );
    }
  }
  // Turnout below the table, after an empty line, as label and number.
  const words = TURNOUT[lang];
  lines.push('', row([words.joined, results.turnout.joined]), row([words.voted, results.turnout.voted]));
  if (results.turnout.voided > 0) lines.push(row([words.voided, results.turnout.voided]));
  for (const p of results.priorities) lines.push(row([`${words.votedIn} ${p.code}`, p.title, results.turnout.votedPerPriority[p.code] ?? 0]));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
