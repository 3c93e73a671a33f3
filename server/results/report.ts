// The printable results report: one HTML page in the forum's language, made to be printed to A4
// (or saved as PDF) by the browser that opens it. The forum and its vision, the day, turnout, the
// priority tree with ideas and dots per strategic goal, and per priority its chart and its top ideas
// with descriptions, places, dots (phone and paper apart where there is paper), supporters and
// ranks with ties; then what moderation did, in counts, and the results hash with how to check it.
//
// Printed by the browser, not rendered to PDF on the server: Cyrillic then prints exactly as on
// screen with the laptop's own fonts, and the server ships no headless browser, no PDF library and
// no font file. The print stylesheet keeps each idea, chart and table row whole on a page.
//
// Which priorities it shows: all of them, revealed or not. It is the organisers' copy (the console
// already shows every ranking from the results phase on), and a forum closed before every reveal
// still needs its full record. A priority the hall was not shown is marked so in the tree and in
// its own heading, so that nobody publishes by mistake what the hall has not seen; the pictures to
// publish (server/results/chart.ts via /api/chart) are made only for revealed priorities.

import { topWithTies } from '../../shared/forum/tally.js';
import { t, type MessageKey } from '../../shared/i18n/all.js';
import type { Lang } from '../../shared/protocol.js';
import type { ExportIdea, ExportResults } from '../http/export.js';
import { chartSvg, escapeXml as escapeHtml, FONT_FAMILY } from './chart.js';
import { htmlPage, printBar } from '../http/page.js';

export interface ReportInput {
  results: ExportResults;
  /** Each priority's colour, by code. */
  colors: Record<string, string>;
  /** How many top ideas each priority lists and charts (ties at the cut kept whole). */
  top: number;
  lang: Lang;
  now: Date;
  /** Whether authors' names are in `results` (false: a copy to publish). */
  names: boolean;
  /** The address of the script behind the print button (the page's CSP allows no inline script). */
  script: string;
  /** The public page where anyone checks the results hash in their own browser. */
  checkUrl: string;
}

type Priority = ExportResults['priorities'][number];

const STYLE = `
  @page { size: A4; margin: 14mm 14mm 16mm; }
  * { box-sizing: border-box; }
  html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  /* A title typed as one long run breaks anywhere rather than widen the page; column headings keep their words. */
  body { margin: 0; font-family: ${FONT_FAMILY}; color: #1f2328; background: #fff; font-size: 10.5pt; line-height: 1.4; overflow-wrap: anywhere; }
  .print-bar { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .8rem 1rem; border-bottom: 1px solid #d0d7de; background: #f6f8fa; }
  .print-bar button { font: inherit; font-size: 1.05rem; padding: .55rem 1.2rem; border-radius: .4rem; border: 0; background: #1f4fd1; color: #fff; cursor: pointer; }
  .print-bar button:focus-visible { outline: 3px solid #111; outline-offset: 2px; }
  main { max-width: 182mm; margin: 0 auto; padding: 6mm 0 10mm; }
  h1 { font-size: 20pt; line-height: 1.2; margin: 0 0 1mm; }
  h2 { font-size: 14pt; line-height: 1.25; margin: 7mm 0 2mm; break-after: avoid; }
  h3 { font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid; }
  p { margin: 0 0 2mm; }
  .muted { color: #57606a; }
  .small { font-size: 9pt; }
  .lead { font-size: 12pt; margin: 0 0 1mm; }
  .publish { border-left: 3px solid #9a6700; padding: 1mm 3mm; background: #fff8c5; }
  .figures { display: flex; flex-wrap: wrap; gap: 2mm 8mm; margin: 2mm 0 0; padding: 0; list-style: none; }
  .figures li { break-inside: avoid; }
  .figures strong { font-size: 14pt; display: block; }
  .meta-line span { white-space: nowrap; }
  table.tree .num, table.tree .code, table.tree td:last-child { width: 1%; white-space: nowrap; }
  table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; font-size: 9.5pt; }
  th, td { text-align: left; vertical-align: top; padding: 1.2mm 2mm; border-bottom: 1px solid #d0d7de; }
  thead th { border-bottom: 2px solid #57606a; font-size: 8.5pt; color: #3d444d; overflow-wrap: break-word; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  tr.priority td { font-weight: 700; background: #f6f8fa; }
  tr.goal td:nth-child(2) { padding-left: 6mm; }
  .code { white-space: nowrap; }
  .swatch { display: inline-block; width: 3mm; height: 3mm; border-radius: 50%; margin-right: 1.5mm; vertical-align: baseline; }
  .not-shown { color: #8c2f00; font-weight: 700; }
  section.priority { break-before: page; }
  /* A priority without ideas is two lines: it follows the one before on its page. */
  section.priority.empty { break-before: auto; margin-top: 8mm; }
  section.priority > header { break-inside: avoid; break-after: avoid; border-left: 2mm solid; padding: 0 0 0 3mm; margin: 0 0 3mm; }
  section.priority > header h2 { margin: 0 0 1mm; }
  section.priority > header p { margin: 0; }
  .warn { border: 1px solid #8c2f00; color: #8c2f00; padding: 1.5mm 3mm; margin: 2mm 0 0; font-weight: 600; }
  figure { margin: 0 0 3mm; break-inside: avoid; }
  figure svg { width: 100%; height: auto; display: block; }
  ol.ideas { list-style: none; margin: 0; padding: 0; }
  ol.ideas > li { display: grid; grid-template-columns: 12mm 1fr 36mm; gap: 0 3mm; padding: 2.5mm 0; border-top: 1px solid #d0d7de; break-inside: avoid; }
  .rank { font-size: 13pt; font-weight: 700; line-height: 1.2; }
  .idea h4 { font-size: 10.5pt; margin: 0 0 .8mm; line-height: 1.3; }
  .meta { font-size: 9pt; color: #57606a; margin: 0 0 .8mm; }
  .desc { white-space: pre-line; margin: 0; overflow-wrap: anywhere; }
  .dots { text-align: right; font-size: 9pt; color: #57606a; }
  .dots strong { display: block; font-size: 12pt; color: #1f2328; }
  .rest { font-size: 9pt; color: #57606a; border-top: 1px solid #d0d7de; padding-top: 2mm; }
  .closing { margin-top: 10mm; }
  .block { break-inside: avoid; }
  .hash { font-family: 'DejaVu Sans Mono', 'Noto Sans Mono', monospace; font-size: 9.5pt; overflow-wrap: anywhere; background: #f6f8fa; padding: 2mm 3mm; border: 1px solid #d0d7de; }
  code { font-family: 'DejaVu Sans Mono', 'Noto Sans Mono', monospace; font-size: 9pt; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  @media screen { main { padding-left: 4mm; padding-right: 4mm; } section.priority { border-top: 1px dashed #d0d7de; margin-top: 8mm; } }
  @media print { .print-bar { display: none; } main { padding: 0; max-width: none; } }
`;

const longDate = (lang: Lang, date: Date) =>
  new Intl.DateTimeFormat(lang === 'uk' ? 'uk-UA' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' }).format(date);
const time = (lang: Lang, date: Date) =>
  new Intl.DateTimeFormat(lang === 'uk' ? 'uk-UA' : 'en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);

/** Ideas and dots of one priority, per strategic goal (and without one). */
function goalTotals(p: Priority): { code: string | null; title: string; ideas: number; dots: number }[] {
  const ranked = p.ideas.filter((i) => i.rank !== null);
  const rows: { code: string | null; title: string; ideas: number; dots: number }[] = p.goals.map((g) => ({ code: g.code, title: g.title, ideas: 0, dots: 0 }));
  const none = { code: null, title: '', ideas: 0, dots: 0 };
  for (const idea of ranked) {
    const row = rows.find((r) => r.code === idea.goalCode) ?? none;
    row.ideas++;
    row.dots += idea.dots;
  }
  return none.ideas > 0 ? [...rows, none] : rows;
}

/** What moderation did, in counts; the full log is in the CSV, XLSX and JSON. */
export function moderationCounts(results: ExportResults) {
  const ideas = results.priorities.flatMap((p) => p.ideas);
  const corrected = new Set(results.moderation.filter((m) => m.action === 'correct').map((m) => m.ideaId));
  return {
    hidden: ideas.filter((i) => i.status === 'hidden').length,
    merged: ideas.reduce((n, i) => n + i.mergedFrom.length, 0),
    corrected: corrected.size,
    voided: results.turnout.voided,
    paperCards: results.moderation.filter((m) => m.action === 'paperIdea').length,
    paperDots: ideas.reduce((n, i) => n + i.paperDots, 0),
    log: results.moderation.length,
  };
}

export function resultsReport({ results, colors, top, lang, now, names, script, checkUrl }: ReportInput): string {
  const tr = (key: MessageKey, params?: Record<string, string | number>) => escapeHtml(t(lang, key, params));
  const revealedCount = results.priorities.filter((p) => p.revealed).length;
  const { turnout } = results;
  const title = `${t(lang, 'report.title')} — ${results.forum.title}`;

  const tree = results.priorities
    .map((p) => {
      const ranked = p.ideas.filter((i) => i.rank !== null);
      const dots = ranked.reduce((n, i) => n + i.dots, 0);
      const head = `<tr class="priority"><td class="code"><span class="swatch" style="background:${escapeHtml(colors[p.code] ?? '#888')}" aria-hidden="true"></span>${escapeHtml(p.code)}</td><td>${escapeHtml(p.title)}</td><td class="num">${ranked.length}</td><td class="num">${dots}</td><td class="num">${turnout.votedPerPriority[p.code] ?? 0}</td><td>${p.revealed ? tr('report.shown') : `<span class="not-shown">${tr('report.notShown')}</span>`}</td></tr>`;
      const goals = goalTotals(p).map(
        (g) =>
          `<tr class="goal"><td class="code">${escapeHtml(g.code ?? '')}</td><td>${g.code === null ? `<span class="muted">${tr('report.noGoal')}</span>` : escapeHtml(g.title)}</td><td class="num">${g.ideas}</td><td class="num">${g.dots}</td><td></td><td></td></tr>`,
      );
      return head + goals.join('');
    })
    .join('\n');

  const sections = results.priorities.map((p, index) => prioritySection(p, index)).join('\n');

  const mod = moderationCounts(results);
  const modRows: [MessageKey, number][] = [
    ['report.mod.hidden', mod.hidden],
    ['report.mod.merged', mod.merged],
    ['report.mod.corrected', mod.corrected],
    ['report.mod.voided', mod.voided],
    ['report.mod.paperCards', mod.paperCards],
    ['report.mod.paperDots', mod.paperDots],
    ['report.mod.log', mod.log],
  ];

  function prioritySection(p: Priority, index: number): string {
    const color = colors[p.code] ?? '#888888';
    const ranked = p.ideas.filter((i): i is ExportIdea & { rank: number } => i.rank !== null);
    const hidden = p.ideas.length - ranked.length;
    // No row limit here, so a tie at the cut is always listed whole.
    const { shown } = topWithTies(ranked, top);
    const shared = new Set<number>();
    const seen = new Set<number>();
    for (const r of ranked) (seen.has(r.rank) ? shared : seen).add(r.rank);
    const goalTitle = new Map(p.goals.map((g) => [g.code, `${g.code} ${g.title}`]));
    const paper = ranked.some((i) => i.paperDots > 0);
    const chart = ranked.length
      ? `<figure>${chartSvg(
          { code: p.code, title: p.title, color, ideas: p.ideas },
          {
            size: 'report',
            lang,
            forumTitle: results.forum.title,
            date: now,
            turnout: { joined: turnout.joined, voted: turnout.voted, votedHere: turnout.votedPerPriority[p.code] ?? 0 },
            resultsHash: results.resultsFinal ? results.resultsHash : null,
            top,
            idPrefix: `chart-${index + 1}`,
          },
        )}</figure>`
      : `<p class="muted">${tr('screen.final.noIdeas')}</p>`;
    const items = shown
      .map((idea) => {
        const isShared = shared.has(idea.rank);
        const meta = [
          idea.goalCode ? `${tr('common.goal')}: ${escapeHtml(goalTitle.get(idea.goalCode) ?? idea.goalCode)}` : '',
          idea.place ? `${tr('report.where')}: ${escapeHtml(idea.place)}` : '',
          idea.authorName ? `${tr('report.author')}: ${escapeHtml(idea.authorName)}` : '',
          idea.source === 'paper' ? tr('report.paperCard') : '',
          idea.origin ? tr('report.shortlisted', { title: idea.origin.forumTitle }) : '',
        ].filter(Boolean);
        const merged = idea.mergedFrom.length
          ? `<p class="meta">${tr('report.mergedFrom')}: ${idea.mergedFrom.map((m) => `«${escapeHtml(m.title)}»`).join(', ')}</p>`
          : '';
        return `<li>
  <div class="rank"><span aria-hidden="true">${isShared ? `=${idea.rank}` : idea.rank}</span><span class="visually-hidden">${tr(isShared ? 'screen.rankShared' : 'screen.rankOf', { rank: idea.rank })}</span></div>
  <div class="idea">
    <h4>${escapeHtml(idea.title)}</h4>
    ${meta.length ? `<p class="meta">${meta.join(' · ')}</p>` : ''}
    ${idea.description ? `<p class="desc">${escapeHtml(idea.description)}</p>` : ''}
    ${merged}
  </div>
  <div class="dots"><strong>${tr('count.dots', { count: idea.dots })}</strong>${paper ? `${tr('report.phoneDots', { phone: idea.phoneDots })}<br>${tr('report.paperDots', { paper: idea.paperDots })}<br>` : ''}${tr('count.supporters', { count: idea.supporters })}</div>
</li>`;
      })
      .join('\n');
    const rest = ranked.length - shown.length;
    const restLine = [
      rest > 0 ? t(lang, 'report.rest', { more: t(lang, 'count.ideas', { count: rest }) }) : '',
      hidden > 0 ? t(lang, 'report.hiddenHere', { hidden }) : '',
    ].filter(Boolean);
    return `<section class="priority${ranked.length ? '' : ' empty'}" aria-labelledby="p-${index + 1}">
<header style="border-color:${escapeHtml(color)}">
  <h2 id="p-${index + 1}">${escapeHtml(p.code)} · ${escapeHtml(p.title)}</h2>
  ${p.subtitle ? `<p class="muted">${escapeHtml(p.subtitle)}</p>` : ''}
  <p class="small muted">${tr('report.priorityFigures', { ranked: ranked.length, voted: turnout.votedPerPriority[p.code] ?? 0 })}</p>
  ${p.revealed || !ranked.length ? '' : `<p class="warn">${tr('report.notShownWarning')}</p>`}
</header>
${chart}
${shown.length ? `<h3>${tr('report.topIdeas')}</h3><ol class="ideas">${items}</ol>` : ''}
${restLine.length ? `<p class="rest">${restLine.map(escapeHtml).join(' ')}</p>` : ''}
</section>`;
  }

  return htmlPage({
    lang,
    title,
    style: STYLE,
    script,
    body: `${printBar(t(lang, 'report.print'), t(lang, 'report.printHint'))}
<main>
<header class="block">
  <p class="muted">${tr('report.title')}</p>
  <h1>${escapeHtml(results.forum.title)}</h1>
  ${results.forum.vision ? `<p class="lead">${tr('field.vision')}: ${escapeHtml(results.forum.vision)}</p>` : ''}
  <p class="muted meta-line"><span>${tr('report.madeAt', { date: longDate(lang, now), time: time(lang, now) })}</span> · <span>${tr('report.phase', { phaseName: t(lang, `phase.${results.forum.phase}` as MessageKey) })}</span> · <span>${tr('report.revealed', { revealed: revealedCount, total: results.priorities.length })}</span></p>
  ${names ? '' : `<p class="publish small">${tr('report.noNames')}</p>`}
</header>

<section class="block" aria-labelledby="h-turnout">
  <h2 id="h-turnout">${tr('report.turnout')}</h2>
  <ul class="figures">
    <li>${tr('report.joined')} <strong>${turnout.joined}</strong></li>
    <li>${tr('report.voted')} <strong>${turnout.voted}</strong></li>
    <li>${tr('report.voided')} <strong>${turnout.voided}</strong></li>
  </ul>
</section>

<section aria-labelledby="h-tree">
  <h2 id="h-tree">${tr('report.tree')}</h2>
  <p class="small muted">${tr('report.treeHelp')}</p>
  <table class="tree">
    <thead><tr><th scope="col">${tr('report.col.code')}</th><th scope="col">${tr('report.col.name')}</th><th scope="col" class="num">${tr('report.col.ideas')}</th><th scope="col" class="num">${tr('report.col.dots')}</th><th scope="col" class="num">${tr('report.col.voted')}</th><th scope="col">${tr('report.col.shown')}</th></tr></thead>
    <tbody>
${tree}
    </tbody>
  </table>
</section>

${sections}

<section class="closing" aria-labelledby="h-moderation">
  <h2 id="h-moderation">${tr('report.moderation')}</h2>
  <table class="block">
    <tbody>
${modRows.map(([key, n]) => `<tr><th scope="row">${tr(key)}</th><td class="num">${n}</td></tr>`).join('\n')}
    </tbody>
  </table>
  <p class="small muted">${tr('report.moderationHelp')}</p>
  <div class="block">
    <h2 id="h-hash">${tr('report.hash')}</h2>
    <p class="hash">${escapeHtml(results.resultsHash)}</p>
    <p>${tr('report.hashHelp')}</p>
    ${
      results.resultsFinal
        ? `<p>${tr('report.hashFinal')}</p>\n    <p><a href="${escapeHtml(checkUrl)}">${escapeHtml(checkUrl)}</a></p>`
        : `<p><strong>${tr('report.hashProvisional')}</strong></p>`
    }
  </div>
</section>
</main>`,
  });
}
