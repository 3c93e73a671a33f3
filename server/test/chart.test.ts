// The chart pictures: the SVG as drawn (well-formed, its sizes, every text escaped, ties as "=2",
// long titles in at most two lines), then the route on a real server run to results: only for the
// facilitator, only for a revealed priority, only in the sizes offered. In Chromium, where it is
// installed, the SVG is parsed as XML and laid out with real fonts: no text runs off the picture
// or into another.

import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, haveBrowser, launchChromium } from '../../client/test/chromium.js';
import { chartFileName, chartSvg, escapeXml, textWidth, wrapText, type ChartPriority, type ChartSize } from '../results/chart.js';
import { exportResults } from '../http/export.js';
import { eveningForum } from './eveningForum.js';
import { connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

if (process.env.CI === 'true' && !existsSync(CHROMIUM)) throw new Error(`CI needs Chromium at ${CHROMIUM}: .ci/run installs it`);

const LONG = 'Облаштувати велодоріжку вздовж набережної річки Тетерів від Хмелівського мосту до парку Гагаріна з ліхтарями й лавками';

const PRIORITY: ChartPriority = {
  code: '5',
  title: 'Зелене місто',
  color: '#2e9e4f',
  ideas: [
    { title: LONG, dots: 12, rank: 1 },
    { title: 'Сквер <біля> річки & "зелена" зона', dots: 7, rank: 2 },
    { title: 'Лавки на набережній', dots: 7, rank: 2 },
    { title: 'Пандус до ЦНАПу', dots: 3, rank: 4 },
    { title: 'Реклама казино', dots: 0, rank: null },
  ],
};

const OPTIONS = {
  lang: 'uk' as const,
  forumTitle: 'Житомир 2030 & «Громадський форум»',
  date: new Date('2026-11-26T18:00:00Z'),
  turnout: { joined: 130, voted: 118, votedHere: 97 },
  resultsHash: 'a3f1c2d4e5f60718293a4b5c6d7e8f90a3f1c2d4e5f60718293a4b5c6d7e8f9',
};

/**
 * A small XML well-formedness check: one root element, every tag closed in order, attributes
 * quoted, and no raw '<' or stray '&' in text or attribute values.
 */
function wellFormed(xml: string): string | null {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi;
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const stack: string[] = [];
  let roots = 0;
  let at = 0;
  while (at < body.length) {
    token.lastIndex = at;
    const m = token.exec(body);
    if (!m) return `bad markup at ${at}: ${body.slice(at, at + 40)}`;
    at = token.lastIndex;
    const [, closing, name, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      if (text.replace(entity, '').includes('&')) return `stray & in text: ${text}`;
      if (stack.length === 0 && text.trim()) return `text outside the root: ${text}`;
      continue;
    }
    if (attrs && attrs.replace(entity, '').includes('&')) return `stray & in attributes of <${name}>`;
    if (closing) {
      if (stack.pop() !== name) return `</${name}> closes the wrong element`;
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  if (stack.length) return `unclosed <${stack.at(-1)}>`;
  return roots === 1 ? null : `${roots} root elements`;
}

const texts = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<text[^>]* class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]);
const rows = (svg: string) => [...svg.matchAll(/<g class="row">([\s\S]*?)<\/g>/g)].map((m) => m[1]);

describe('chartSvg', () => {
  it('draws the two picture sizes at their pixel sizes, well-formed, with a title and a description', () => {
    for (const [size, width, height] of [['post', 1080, 1080], ['slide', 1920, 1080]] as const) {
      const svg = chartSvg(PRIORITY, { ...OPTIONS, size });
      expect(wellFormed(svg), size).toBeNull();
      expect(svg).toMatch(new RegExp(`^<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img"`));
      expect(svg).toMatch(/<title id="chart-\w+-title">Пріоритет 5 «Зелене місто»: рейтинг ідей<\/title>/);
      expect(svg).toContain('font-family="\'DejaVu Sans\', \'Noto Sans\', Arial, sans-serif"');
      // The description reads the ranking out for a screen reader, titles in full.
      const desc = /<desc[^>]*>([^<]*)<\/desc>/.exec(svg)![1];
      expect(desc).toContain(`1. ${escapeXml(LONG)} — 12 крапок`);
      expect(desc).toContain('=2. Лавки на набережній — 7 крапок');
    }
  });

  it('escapes every text, the forum’s title and the ideas’ alike', () => {
    const svg = chartSvg(PRIORITY, { ...OPTIONS, size: 'post' });
    expect(svg).toContain('Сквер &lt;біля&gt; річки &amp; &quot;зелена&quot; зона');
    expect(svg).toContain('Житомир 2030 &amp; «Громадський форум»');
    expect(svg).not.toContain('<біля>');
    expect(escapeXml('a\u0000b\u0007c\uFFFEd\uD800e')).toBe('abcde');
    const hostile = chartSvg({ ...PRIORITY, title: '</title><script>alert(1)</script>', ideas: [{ title: ']]><!-- "\'&amp;', dots: 1, rank: 1 }] }, { ...OPTIONS, size: 'slide' });
    expect(wellFormed(hostile)).toBeNull();
    expect(hostile).not.toContain('<script>');
  });

  it('writes shared ranks as "=N", unshared ones bare, and leaves hidden ideas out', () => {
    const svg = chartSvg(PRIORITY, { ...OPTIONS, size: 'post' });
    expect(texts(svg, 'rank')).toEqual(['1', '=2', '=2', '4']);
    expect(texts(svg, 'value')).toEqual(['12 крапок', '7 крапок', '7 крапок', '3 крапки']);
    expect(svg).not.toContain('Реклама казино');
  });

  it('keeps a tie at the cut whole, or counts what did not fit', () => {
    const ideas = Array.from({ length: 14 }, (_, i) => ({ title: `Ідея ${i + 1}`, dots: i < 3 ? 10 - i : 5, rank: i < 3 ? i + 1 : 4 }));
    // Top 4 with the eleven ideas tied at rank 4 do not fit one square: the rest of the tie is counted in a line.
    const post = chartSvg({ ...PRIORITY, ideas }, { ...OPTIONS, size: 'post', top: 4 });
    expect(texts(post, 'rank')).toEqual(['1', '2', '3', '=4']);
    expect(texts(post, 'more')).toEqual(['+10 ідей з таким самим результатом (місце 4)']);
    // On a slide they all fit.
    const slide = chartSvg({ ...PRIORITY, ideas }, { ...OPTIONS, size: 'slide', top: 4 });
    expect(texts(slide, 'rank')).toEqual(['1', '2', '3', ...Array(11).fill('=4')]);
    expect(texts(slide, 'more')).toEqual([]);
  });

  it('counts the ideas of the cut a square has no room for, with their ranks, so none leaves unsaid', () => {
    // An evening's forum: in every priority, the rows drawn and the ideas counted under them make the whole top 10.
    const { state } = eveningForum();
    const results = exportResults(state, OPTIONS.date, { names: false });
    const counted: string[] = [];
    for (const p of results.priorities) {
      const svg = chartSvg(p, { ...OPTIONS, size: 'post', top: 10 });
      const cut = p.ideas.filter((i) => i.rank !== null && i.rank <= 10).length;
      const drawn = texts(svg, 'rank').length;
      const more = texts(svg, 'more');
      if (drawn === cut) {
        expect(more, p.code).toEqual([]);
        continue;
      }
      expect(more, p.code).toHaveLength(1);
      const left = Number(/(\d+) іде/.exec(more[0])![1]);
      expect(drawn + left, p.code).toBe(cut);
      counted.push(`${p.code}: ${more[0]}`);
    }
    // Long titles take two lines each: a square holds eight or nine of them, and says the rest.
    expect(counted).toContain('6: Ще 2 ідеї на місцях 9–10');
    // One rank left out, and in English.
    const ideas = Array.from({ length: 10 }, (_, i) => ({ title: LONG, dots: 20 - i, rank: i + 1 }));
    const post = chartSvg({ ...PRIORITY, ideas }, { ...OPTIONS, size: 'post', top: 10 });
    expect(texts(post, 'rank')).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(texts(post, 'more')).toEqual(['Ще 3 ідеї на місцях 8–10']);
    expect(texts(chartSvg({ ...PRIORITY, ideas: ideas.slice(0, 8) }, { ...OPTIONS, size: 'post', top: 10 }), 'more')).toEqual(['Ще 1 ідея на місці 8']);
    expect(texts(chartSvg({ ...PRIORITY, ideas }, { ...OPTIONS, size: 'post', top: 10, lang: 'en' }), 'more')).toEqual(['+3 more ideas at ranks 8–10']);
  });

  it('breaks a 120-character title into at most two lines, each within its width, with an ellipsis beyond', () => {
    const title = `${LONG} ${LONG}`.slice(0, 120);
    for (const size of ['post', 'slide', 'report'] as ChartSize[]) {
      const svg = chartSvg({ ...PRIORITY, ideas: Array.from({ length: 10 }, (_, i) => ({ title, dots: 10 - i, rank: i + 1 })) }, { ...OPTIONS, size });
      const drawn = rows(svg);
      // Ten two-line titles: a square has room for six or more, a slide for eight or more, the report for all.
      expect(drawn.length, size).toBeGreaterThanOrEqual({ post: 6, slide: 8, report: 10 }[size]);
      for (const row of drawn) {
        const lines = texts(row, 'title');
        expect(lines.length).toBeGreaterThanOrEqual(1);
        expect(lines.length).toBeLessThanOrEqual(size === 'report' ? 1 : 2);
      }
    }
    const lines = wrapText(title, 500, 30, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1].endsWith('…')).toBe(true);
    for (const line of lines) expect(textWidth(line, 30)).toBeLessThanOrEqual(500);
    // A word longer than a line is broken inside it, never drawn past the edge.
    const word = wrapText('Ы'.repeat(80), 300, 30, 2);
    expect(word).toHaveLength(2);
    for (const line of word) expect(textWidth(line, 30)).toBeLessThanOrEqual(300);
  });

  it('speaks English when asked', () => {
    const svg = chartSvg(PRIORITY, { ...OPTIONS, size: 'post', lang: 'en' });
    expect(svg).toContain('Priority 5 “Зелене місто”: ideas ranked');
    expect(texts(svg, 'value')[0]).toBe('12 dots');
    expect(svg).toContain('Participants: 130 · voted: 118 · in this priority: 97');
    expect(svg).toContain('26 November 2026');
    expect(svg).toContain('a3f1c2d4e5f60718…');
    expect(svg).not.toContain('a3f1c2d4e5f607182');
  });

  it('names files in ASCII', () => {
    expect(chartFileName('1.2', 'post', 'svg')).toBe('viche-1.2-post.svg');
    expect(chartFileName('А', 'slide', 'png', 3)).toBe('viche-p4-slide.png');
  });
});

describe.skipIf(!haveBrowser)('chartSvg in Chromium (needs Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('parses as XML and lays out with no text off the picture or over another', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ title: i % 3 ? `${LONG.slice(0, 40 + i * 6)} «${i}»` : LONG, dots: 20 - i, rank: i + 1 }));
    const page = await browser.newPage();
    for (const size of ['post', 'slide', 'report'] as ChartSize[]) {
      for (const lang of ['uk', 'en'] as const) {
        const svg = chartSvg({ ...PRIORITY, title: `${LONG} — пріоритет`, ideas: [...PRIORITY.ideas, ...many] }, { ...OPTIONS, size, lang });
        const problems = await page.evaluate((source) => {
          const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
          if (doc.querySelector('parsererror')) return ['parse error'];
          document.body.innerHTML = '';
          document.body.style.margin = '0';
          const svgEl = document.importNode(doc.documentElement, true) as unknown as SVGSVGElement;
          document.body.append(svgEl);
          const width = svgEl.viewBox.baseVal.width;
          const height = svgEl.viewBox.baseVal.height;
          const boxes = [...svgEl.querySelectorAll('text')].map((el) => ({ el, box: (el as SVGTextElement).getBBox() }));
          const bars = [...svgEl.querySelectorAll('rect.bar')].map((el) => (el as SVGRectElement).getBBox());
          const found: string[] = [];
          const overlap = (a: DOMRect, b: DOMRect, slackY: number) =>
            Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 1 && Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > slackY;
          for (const { el, box } of boxes) {
            if (box.x < 0 || box.y < 0 || box.x + box.width > width + 0.5 || box.y + box.height > height + 0.5) found.push(`off the picture: ${el.textContent}`);
          }
          for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) {
              // Glyph boxes include the line gap; a pixel or two of touch is not an overlap.
              if (overlap(boxes[i].box, boxes[j].box, 2)) found.push(`overlap: ${boxes[i].el.textContent} / ${boxes[j].el.textContent}`);
            }
            // A text box runs from above the ascenders to below the descenders: a bar may come within a few pixels.
            if (bars.some((bar) => overlap(boxes[i].box, bar, 4))) found.push(`over a bar: ${boxes[i].el.textContent}`);
          }
          return found;
        }, svg);
        expect(problems, `${size} ${lang}`).toEqual([]);
      }
    }
    await page.close();
  });
});

describe('GET /api/chart/:code.svg', () => {
  let server: TestServer;
  let admin: TestClient;
  const phones: TestPhone[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    admin = await connectConsole(server);
    for (const name of ['Олена', 'Марко', '']) phones.push(await joinPhone(server, name));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ids: string[] = [];
    const titles = ['Сквер <біля> річки & "зелена" зона', 'Лавки на набережній', LONG];
    for (const [i, title] of titles.entries()) {
      ids.push(ok(await phones[i].send('idea:submit', { priorityCode: '5', goalCode: null, title, description: '', place: '' })).ideaId);
    }
    ids.push(ok(await phones[0].send('idea:submit', { priorityCode: '1', goalCode: null, title: 'ЦНАП онлайн', description: '', place: '' })).ideaId);
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    // The square and the benches tie at 2 dots; the long title gets 1.
    ok(await phones[1].send('dot:place', { ideaId: ids[0] }));
    ok(await phones[1].send('dot:place', { ideaId: ids[0] }));
    ok(await phones[0].send('dot:place', { ideaId: ids[1] }));
    ok(await phones[2].send('dot:place', { ideaId: ids[1] }));
    ok(await phones[2].send('dot:place', { ideaId: ids[2] }));
    ok(await phones[2].send('dot:place', { ideaId: ids[3] }));
  });
  afterAll(async () => {
    for (const p of phones) p.close();
    admin?.close();
    await server?.stop();
  });

  /** The forum's own addresses: under /f/<slug> on a server that names its forums, else at the root. */
  const forumUrl = () => {
    const slug = (server as { slug?: string }).slug;
    return slug ? `${server.url}/f/${slug}` : server.url;
  };
  const get = (path: string, headers: Record<string, string> = { 'x-facilitator-key': server.facilitatorKey }) => fetch(`${forumUrl()}${path}`, { headers });
  const refusal = async (res: Response) => ((await res.json()) as { ok: false; error: { code: string; message: string } }).error;

  it('refuses before results are revealed, and anyone without the key or a grant', async () => {
    const early = await get('/api/chart/5.svg?size=post');
    expect(early.status).toBe(409);
    expect(await refusal(early)).toMatchObject({ code: 'NOT_REVEALED', message: expect.stringContaining('«Зелене місто» ще не оголошено') });

    ok(await admin.send('phase:set', { to: 'results' }));
    ok(await admin.send('priority:reveal', { priorityCode: '5' }));
    const anonymous = await get('/api/chart/5.svg?size=post', {});
    expect(anonymous.status).toBe(403);
    expect((await refusal(anonymous)).code).toBe('FORBIDDEN');
    expect((await get('/api/chart/5.svg?size=post&grant=nonsense', {})).status).toBe(403);
  });

  it('gives a revealed priority’s chart as an SVG download in both sizes, through a grant', async () => {
    const { grant } = ok(await admin.send('export:grant', {}));
    const { resultsHash: hash } = (await (await get('/api/export.json')).json()) as { resultsHash: string };
    for (const [size, width, height] of [['post', 1080, 1080], ['slide', 1920, 1080]] as const) {
      const res = await get(`/api/chart/5.svg?size=${size}&grant=${grant}`, {});
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="viche-5-${size}.svg"`);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const svg = await res.text();
      expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')).toBe(true);
      expect(wellFormed(svg)).toBeNull();
      expect(svg).toContain(`width="${width}" height="${height}"`);
      expect(svg).toContain('Сквер &lt;біля&gt; річки &amp; &quot;зелена&quot; зона');
      expect(texts(svg, 'rank')).toEqual(['=1', '=1', '3']);
      expect(svg).toContain('Зелене місто');
      // Five priorities still to be revealed: the hash would change, so a picture kept or shared has none.
      expect(svg).not.toContain(hash.slice(0, 16));
      expect(svg).not.toContain('Контрольна сума');
      // No author's name on a picture to publish.
      expect(svg).not.toContain('Олена');
    }
    const en = await get('/api/chart/5.svg?lang=en');
    expect(en.status).toBe(200);
    expect(await en.text()).toContain('ideas ranked');
  });

  it('refuses a priority not revealed, one that does not exist, and a size not offered, saying why', async () => {
    const hidden = await get('/api/chart/1.svg?size=post');
    expect(hidden.status).toBe(409);
    expect(await refusal(hidden)).toEqual({
      code: 'NOT_REVEALED',
      params: { code: '1' },
      message: 'Пріоритет «Ефективне місто» ще не оголошено в залі: картинку можна зробити лише для оголошеного пріоритету.',
    });
    const unknown = await get('/api/chart/99.svg');
    expect(unknown.status).toBe(404);
    expect((await refusal(unknown)).code).toBe('UNKNOWN_PRIORITY');
    expect((await get('/api/chart/5.png')).status).toBe(404);
    const badSize = await get('/api/chart/5.svg?size=huge&lang=en');
    expect(badSize.status).toBe(400);
    expect(await refusal(badSize)).toEqual({ code: 'BAD_INPUT', params: { field: 'size' }, message: 'Unknown picture size. Possible: post, slide.' });
    expect((await get('/api/chart/5.svg?size=report')).status).toBe(400);
  });

  it('once every priority is revealed, carries the start of the final hash, in words a resident reads', async () => {
    for (const p of server.room.state.structure.priorities) {
      if (!server.room.state.revealed.includes(p.code)) ok(await admin.send('priority:reveal', { priorityCode: p.code }));
    }
    const { resultsHash: hash } = (await (await get('/api/export.json')).json()) as { resultsHash: string };
    for (const [lang, words] of [['uk', 'Контрольна сума результатів: '], ['en', 'Results checksum: ']] as const) {
      const svg = await (await get(`/api/chart/5.svg?size=post&lang=${lang}`)).text();
      expect(svg).toContain(`${words}${hash.slice(0, 16)}…`);
      expect(svg).not.toContain(hash.slice(0, 17));
      expect(svg).not.toMatch(/npm run|verify|sha256sum/);
    }
  });
});
