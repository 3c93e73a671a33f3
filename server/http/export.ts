// The results as organisers take them away: JSON for machines, CSV for Excel (UTF-8 with a BOM so
// Cyrillic shows; ';' between fields in Ukrainian, as Excel expects under a Ukrainian locale).
// Hidden ideas are listed and marked, never ranked; withdrawn ideas are left out.

import { countDots, tallyPriority, votingProgress } from '../../shared/forum/tally.js';
import type { ForumState, IdeaStatus } from '../../shared/forum/types.js';
import type { Lang } from '../../shared/protocol.js';

export interface ExportIdea {
  id: string;
  title: string;
  description: string;
  place: string;
  goalCode: string | null;
  authorName: string;
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
  turnout: { joined: number; voted: number; votedPerPriority: Record<string, number> };
}

export function exportResults(state: ForumState, now = new Date()): ExportResults {
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
          authorName: state.participants.get(idea.authorId)?.name ?? '',
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
    turnout: { joined: state.participants.size, voted: progress.voted, votedPerPriority: progress.votedPerPriority },
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

/**
 * One CSV cell. Quoted when it holds the separator, a quote or a line break; a leading = + - @
 * gets an apostrophe so that a spreadsheet never runs a resident's text as a formula.
 */
function cell(value: string | number | null, sep: string): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return s.includes(sep) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function resultsCsv(results: ExportResults, lang: Lang): string {
  const sep = lang === 'uk' ? ';' : ',';
  const lines = [HEADERS[lang].map((h) => cell(h, sep)).join(sep)];
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
          idea.authorName,
          idea.dots,
          idea.supporters,
          idea.rank,
          STATUS[lang][idea.status],
          idea.hiddenReason ?? '',
        ]
          .map((v) => cell(v, sep))
          .join(sep),
      );
    }
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
