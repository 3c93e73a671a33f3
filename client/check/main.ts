// The results check page (/results-check): fetches the public results (results.json beside it),
// writes their canonical document again with the same code the server hashes it with
// (shared/forum/resultsHash.ts canonicalJson), takes its SHA-256 here in the browser, and says
// whether it equals the published hash and whether the published rankings are the ones hashed.
// A resident can also type the hash they copied from the hall's screen to compare. No framework:
// one small script, so a phone on the hall's Wi-Fi gets it at once.

import { canonicalJson, type ResultsDocument } from '../../shared/forum/resultsHash.js';
import { isLang, t, type MessageKey, type Params } from '../../shared/i18n/index.js';
import type { Lang } from '../../shared/protocol.js';
import { sha256Hex } from './sha256.js';

/** The part of /results.json this page reads (server/http/public.ts PublicResults). */
interface Published {
  forum: { title: string };
  turnout: { participants: number; voted: number };
  priorities: { code: string; revealed: boolean; ideas?: { id: string; title: string; rank: number; dots: number; phoneDots: number; paperDots: number; supporters: number }[] }[];
  resultsHash: string;
  final: boolean;
  canonical?: string;
}

const params = new URLSearchParams(location.search);
const lang: Lang = isLang(params.get('lang')) ? (params.get('lang') as Lang) : 'uk';
const tr = (key: MessageKey, p?: Params) => t(lang, key, p);
const byId = (id: string) => document.getElementById(id)!;

/** The hash in groups of eight for the eye, as on the results page. */
function hashElement(hash: string): HTMLElement {
  const p = document.createElement('p');
  p.className = 'hash';
  p.translate = false;
  for (const group of hash.match(/.{1,8}/g) ?? []) {
    const span = document.createElement('span');
    span.textContent = group;
    p.append(span);
  }
  return p;
}

function paragraph(text: string, className = ''): HTMLElement {
  const p = document.createElement('p');
  p.textContent = text;
  if (className) p.className = className;
  return p;
}

function verdict(kind: 'ok' | 'bad' | 'info', heading: string | null, ...parts: HTMLElement[]): void {
  const box = byId('verdict');
  box.className = `verdict${kind === 'info' ? '' : ` ${kind}`}`;
  const nodes: HTMLElement[] = [];
  if (heading) {
    const strong = document.createElement('strong');
    strong.textContent = heading;
    nodes.push(strong);
  }
  box.replaceChildren(...nodes, ...parts);
}

/** Whether the rankings the results page shows are exactly those of the document that was hashed. */
function sameRankings(doc: ResultsDocument, data: Published): boolean {
  if (doc.turnout.participants !== data.turnout.participants || doc.turnout.voted !== data.turnout.voted) return false;
  if (doc.priorities.length !== data.priorities.length) return false;
  return doc.priorities.every((p, i) => {
    const shown = data.priorities[i];
    if (shown.code !== p.code || !shown.revealed || !shown.ideas || shown.ideas.length !== p.ideas.length) return false;
    return p.ideas.every((idea, j) => {
      const s = shown.ideas![j];
      return (
        s.id === idea.id &&
        s.title.normalize('NFC') === idea.title.normalize('NFC') &&
        s.rank === idea.rank &&
        s.dots === idea.total &&
        s.phoneDots === idea.phoneDots &&
        s.paperDots === idea.paperDots &&
        s.supporters === idea.supporters
      );
    });
  });
}

function setUp(): void {
  document.documentElement.lang = lang;
  document.title = `${tr('app.name')} — ${tr('check.title')}`;
  byId('brand').textContent = tr('app.name');
  const other: Lang = lang === 'uk' ? 'en' : 'uk';
  const switcher = byId('lang') as HTMLAnchorElement;
  switcher.href = other === 'uk' ? 'results-check' : 'results-check?lang=en';
  switcher.lang = other;
  switcher.hreflang = other;
  switcher.textContent = tr('common.language');
  byId('title').textContent = tr('check.title');
  byId('lead').textContent = tr('check.lead');
  byId('status').textContent = tr('check.loading');
  byId('how').textContent = tr('check.how');
  const back = byId('back') as HTMLAnchorElement;
  back.href = lang === 'uk' ? 'results' : 'results?lang=en';
  back.textContent = tr('check.back');
  byId('compare-label').textContent = tr('check.compare.label');
  byId('compare-button').textContent = tr('check.compare.button');
}

function offerComparison(computed: string): void {
  const form = byId('compare') as HTMLFormElement;
  const input = byId('compare-input') as HTMLInputElement;
  const result = byId('compare-result');
  form.hidden = false;
  const compare = () => {
    // Spaces (the screen shows the hash in groups), dots (a picture's "…") and case do not matter.
    const typed = input.value.toLowerCase().replace(/[\s.…]/g, '');
    if (typed.length < 8 || !/^[0-9a-f]+$/.test(typed)) {
      result.className = 'bad';
      result.textContent = tr('check.compare.short');
      return;
    }
    const same = computed.startsWith(typed);
    result.className = same ? 'ok' : 'bad';
    result.textContent = tr(same ? 'check.compare.same' : 'check.compare.differs');
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    compare();
  });
  const given = params.get('hash');
  if (given) {
    input.value = given;
    compare();
  }
}

async function check(): Promise<void> {
  let response: Response;
  try {
    response = await fetch('results.json', { cache: 'no-cache', headers: { Accept: 'application/json' } });
  } catch {
    verdict('bad', null, paragraph(tr('check.failed')));
    return;
  }
  if (response.status === 404) {
    verdict('info', null, paragraph(tr('check.notPublished')));
    return;
  }
  let data: Published;
  try {
    if (!response.ok) throw new Error(String(response.status));
    data = (await response.json()) as Published;
  } catch {
    verdict('bad', null, paragraph(tr('check.failed')));
    return;
  }
  byId('forum').textContent = data.forum.title;
  if (!data.final || typeof data.canonical !== 'string') {
    verdict('info', null, paragraph(tr('check.notFinal')));
    return;
  }
  // Written again from its values, not hashed as received: the browser then computes the hash
  // the server computes, from what the document says, in the format resultsHash.ts fixes.
  const doc = JSON.parse(data.canonical) as ResultsDocument;
  const { hex, source } = await sha256Hex(canonicalJson(doc));
  const computedParts = [paragraph(tr('check.computed')), hashElement(hex), paragraph(tr(source === 'browser' ? 'check.source.browser' : 'check.source.page'), 'small')];
  if (hex !== data.resultsHash) {
    verdict('bad', tr('check.mismatch'), paragraph(tr('check.mismatchDetail', { published: data.resultsHash })), ...computedParts);
  } else if (!sameRankings(doc, data)) {
    verdict('bad', tr('check.mismatch'), paragraph(tr('check.numbersDiffer')), ...computedParts);
  } else {
    verdict('ok', tr('check.match'), paragraph(tr('check.matchDetail')), ...computedParts);
  }
  byId('verdict').dataset.computed = hex;
  offerComparison(hex);
}

setUp();
void check();
