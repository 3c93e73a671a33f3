// The printable results report and the results pictures, end to end: a forum run on a real server
// through ideas (long Ukrainian titles, a paper card, a hidden idea, a merge, a correction), voting
// with ties, paper stickers and some priorities revealed; the report opened in Chromium, printed to
// A4 PDF and read back with pdftotext; then the console's Export tab makes a PNG from a chart in
// the browser, and the downloaded file is read back with pngjs. Pictures of the charts and of the
// printed pages go to test-results/report/.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectConsole, joinPhone, ok, ROOT, startTestServer, tempDir, type TestClient, type TestPhone, type TestServer } from '../../server/test/harness.js';
import { AA_LARGE, readableOn } from '../../shared/color.js';
import { CHROMIUM, haveBrowser, launchChromium, violations } from './chromium.js';

const built = existsSync(join(ROOT, 'dist/client/console/index.html'));
const havePoppler = existsSync('/usr/bin/pdftoppm') && existsSync('/usr/bin/pdftotext');
if (process.env.CI === 'true' && !(haveBrowser && built && havePoppler)) {
  throw new Error(`CI needs Chromium at ${CHROMIUM}, poppler-utils and the built client: .ci/run installs them`);
}

const SHOTS = join(ROOT, 'test-results/report');

/** Titles long enough to wrap, as residents write them (the longest is the 120-character limit). */
const LONG = {
  embankment:
    'Облаштувати велодоріжку вздовж набережної річки Тетерів від Хмелівського мосту до парку Гагаріна з ліхтарями й лавками',
  sorting: 'Поставити контейнери для роздільного збору пластику, скла й паперу в кожному дворі Богунського району',
  trees: 'Висадити каштани та липи на вулиці Київській замість спиляних аварійних дерев',
};

describe.skipIf(!haveBrowser || !built || !havePoppler)('the printable report and the results pictures (needs Chromium, poppler-utils and a built client)', () => {
  let server: TestServer;
  let admin: TestClient;
  let browser: Browser;
  let dir: string;
  const phones: TestPhone[] = [];
  const id: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = tempDir();
    server = await startTestServer();
    admin = await connectConsole(server);
    for (const name of ['Олена Коваль', 'Марко Ткачук', 'Ірина', 'Богдан', 'Софія', '', 'Андрій', 'Наталя']) phones.push(await joinPhone(server, name));
    browser = await launchChromium();

    ok(await admin.send('phase:set', { to: 'ideas' }));
    const submit = async (key: string, phone: number, priorityCode: string, goalCode: string | null, title: string, description = '', place = '') => {
      id[key] = ok(await phones[phone].send('idea:submit', { priorityCode, goalCode, title, description, place })).ideaId;
    };
    await submit('embankment', 0, '5', '5.4', LONG.embankment, 'Зараз уздовж води ходять по траві.\nПотрібні освітлення, урни й лавки кожні 200 метрів.', 'Набережна Тетерева');
    await submit('sorting', 1, '5', '5.1', LONG.sorting, 'Контейнери різних кольорів і вивіски, що куди кидати.', 'Богунський район');
    await submit('trees', 2, '5', '5.4', LONG.trees, 'Дерева дають тінь улітку й чистять повітря.', 'вул. Київська');
    await submit('square', 3, '5', '5.4', 'Сквер біля річки', 'Зелена зона для прогулянок.', 'Мікрорайон Польовий');
    await submit('squareToo', 4, '5', '5.4', 'Сквер над річкою з лавками', 'Те саме, іншими словами.', '');
    await submit('casino', 5, '5', null, 'Реклама казино', 'Виграйте мільйон!', '');
    await submit('typo', 6, '5', '5.2', 'Поливальна машна для клумб', 'Щоб квіти не засихали в спеку.', 'Центр');
    await submit('cnap', 0, '1', null, 'ЦНАП онлайн: черга через телефон', 'Записуватися на прийом без черги в коридорі.', 'ЦНАП');
    await submit('wifi', 1, '1', null, 'Безкоштовний Wi-Fi у парку Гагаріна', '', 'Парк Гагаріна');
    await submit('budget', 2, '1', null, 'Відкритий бюджет міста на сайті з мапою витрат', '', '');
    await submit('skate', 3, '3', null, 'Скейт-парк на Польовій', 'Для підлітків району.', 'вул. Польова');
    await submit('theatre', 4, '3', null, 'Літній театр у парку', '', '');
    id.ramp = ok(await admin.send('paper:idea', { priorityCode: '5', goalCode: '5.1', title: 'Пандус до ЦНАПу й аптеки', author: 'Ганна Петрівна' })).ideaId;

    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('idea:hide', { ideaId: id.casino, reason: 'Реклама, не про місто' }));
    ok(await admin.send('idea:merge', { into: id.square, ideas: [id.squareToo] }));
    ok(await admin.send('idea:correct', { ideaId: id.typo, title: 'Поливальна машина для клумб', description: 'Щоб квіти не засихали в спеку.', place: 'Центр' }));

    ok(await admin.send('phase:set', { to: 'voting' }));
    const dots = async (phone: number, key: string, n = 1) => {
      for (let i = 0; i < n; i++) ok(await phones[phone].send('dot:place', { ideaId: id[key] }));
    };
    // Priority 5: the embankment leads; the sorting and the trees tie at 3 dots; the square and
    // the paper ramp (1 phone dot + 2 stickers) tie at 3 too, so four ideas share rank 2.
    await dots(0, 'embankment', 2);
    await dots(1, 'embankment', 2);
    await dots(2, 'sorting', 2);
    await dots(3, 'sorting');
    await dots(3, 'trees', 2);
    await dots(4, 'trees');
    await dots(4, 'square', 2);
    await dots(5, 'square');
    await dots(5, 'ramp');
    await dots(6, 'typo');
    // Priority 1: a tie at the top.
    await dots(0, 'cnap', 2);
    await dots(1, 'wifi', 2);
    await dots(2, 'budget');
    // Priority 3: never revealed.
    await dots(3, 'skate', 2);
    await dots(4, 'theatre');
    await dots(7, 'theatre');
    ok(await admin.send('phase:set', { to: 'results' }));
    ok(await admin.send('paper:ballots', { count: 1 }));
    ok(await admin.send('paper:dots', { ideaId: id.ramp, count: 2 }));
  });
  afterAll(async () => {
    await browser?.close();
    for (const p of phones) p.close();
    admin?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const grant = async () => ok(await admin.send('export:grant', {})).grant;
  /** The forum's own addresses: under /f/<slug> on a server that names its forums, else at the root. */
  const forumUrl = () => {
    const slug = (server as { slug?: string }).slug;
    return slug ? `${server.url}/f/${slug}` : server.url;
  };

  /** Renders an SVG (as text) in Chromium at its own size and saves the picture. */
  async function shootSvg(svg: string, file: string): Promise<void> {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.setContent(`<!doctype html><body style="margin:0">${svg.replace(/^<\?xml[^?]*\?>\s*/, '')}</body>`);
    await page.locator('svg').screenshot({ path: join(SHOTS, file) });
    await page.close();
  }

  it('the console offers no pictures before a reveal, saying why', async () => {
    const page = await consolePage();
    await page.getByRole('tab', { name: 'Експорт' }).click();
    const section = page.getByRole('region', { name: 'Картинки результатів' });
    await section.getByText('Картинки з’являться для кожного пріоритету, щойно його оголосять у залі').waitFor();
    const png = section.getByRole('button', { name: 'Допис (PNG)' });
    expect(await png.isDisabled()).toBe(true);
    expect(await png.getAttribute('aria-describedby')).toBe('pictures-not-yet');
    await page.context().close();
  });

  it('draws revealed priorities’ charts, post and slide', async () => {
    ok(await admin.send('priority:reveal', { priorityCode: '5' }));
    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    ok(await admin.send('priority:reveal', { priorityCode: '2' }));
    const g = await grant();
    for (const [code, size] of [['5', 'post'], ['5', 'slide'], ['1', 'post'], ['2', 'post']] as const) {
      const res = await fetch(`${forumUrl()}/api/chart/${code}.svg?size=${size}&grant=${g}`);
      expect(res.status).toBe(200);
      const svg = await res.text();
      if (code === '5') expect(svg).toContain('=2');
      await shootSvg(svg, `chart-${code}-${size}.png`);
    }
    expect((await fetch(`${forumUrl()}/api/chart/3.svg?size=post&grant=${g}`)).status).toBe(409);
  });

  it('prints to A4: the forum, turnout, the tree with goals, each priority’s chart and top ideas, moderation and the hash', async () => {
    const g = await grant();
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const res = await page.goto(`${forumUrl()}/console/report?grant=${g}&lang=uk`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['cache-control']).toBe('no-store');
    // The print button works through the page's own script (the CSP allows no inline script).
    await page.evaluate(() => {
      const w = window as unknown as { printed: number; print: () => void };
      w.printed = 0;
      w.print = () => w.printed++;
    });
    await page.getByRole('button', { name: 'Друкувати або зберегти PDF' }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    // A chart for each priority with ideas (5, 1 and 3); the empty one (2) says it has none.
    expect(await page.locator('section.priority svg[role="img"]').count()).toBe(3);
    // Ideas and dots per strategic goal (a goal's long title may wrap in print, so read here).
    const goalRow = (code: string) =>
      page
        .locator('tr.goal')
        .filter({ has: page.locator('td.code', { hasText: new RegExp(`^${code.replace('.', '\\.')}$`) }) })
        .locator('td')
        .allInnerTexts();
    expect(await goalRow('5.4')).toEqual(['5.4', 'Збалансований розвиток міста та зелених зон', '3', '10', '', '']);
    expect(await goalRow('5.1')).toEqual(['5.1', 'Формування та підтримка екологічно безпечного середовища', '2', '6', '', '']);
    expect(await violations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'report-screen.png'), fullPage: false });

    const pdf = join(dir, 'report.pdf');
    writeFileSync(pdf, await page.pdf({ format: 'A4', printBackground: true }));
    await context.close();
    // The printed pages as pictures, to look at (before any check, so a failure leaves them too).
    for (const old of readdirSync(SHOTS).filter((f) => f.startsWith('report-page'))) rmSync(join(SHOTS, old));
    execFileSync('pdftoppm', ['-r', '70', '-png', pdf, join(SHOTS, 'report-page')]);

    // In reading order, each column of an idea's block as a run of its own; laid out, for the ranks.
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    const layout = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    writeFileSync(join(SHOTS, 'report.txt'), layout);
    const pages = text.split('\f').filter((p) => p.trim());
    expect(readdirSync(SHOTS).filter((f) => f.startsWith('report-page')).length).toBe(pages.length);
    // A title page (turnout and the tree), a page for each of the three priorities with ideas (an
    // empty one follows on the page before), then moderation and the hash where they fit.
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(pages.length).toBeLessThanOrEqual(7);
    const flat = text.replace(/\s+/g, ' ');
    const state = server.room.state;
    expect(flat).toContain(state.title.replace(/\s+/g, ' '));
    expect(flat).toContain('Звіт про результати форуму');
    expect(flat).not.toContain('Друкувати або зберегти PDF');
    for (const title of [LONG.embankment, LONG.sorting, LONG.trees, 'Поливальна машина для клумб', 'ЦНАП онлайн: черга через телефон']) {
      expect(flat, title).toContain(title);
    }
    expect(flat).toContain('Набережна Тетерева');
    expect(flat).toContain('Потрібні освітлення, урни й лавки кожні 200 метрів.');
    expect(flat).toContain('Автор: Олена Коваль');
    expect(flat).toContain('з телефонів: 1 на папері: 2');
    expect(flat).toContain('Об’єднано з: «Сквер над річкою з лавками»');
    // Ties: four ideas share rank 2 in priority 5, two share rank 1 in priority 1.
    expect(layout.match(/^\s*=2\s/gm)?.length).toBeGreaterThanOrEqual(4);
    expect(layout.match(/^\s*=1\s/gm)?.length).toBeGreaterThanOrEqual(2);
    // The hidden idea is counted, never ranked or listed.
    expect(flat).not.toContain('Реклама казино');
    expect(flat).toContain('Приховано ідей: 1.');
    // Turnout, and goals with their dots.
    const table = layout.replace(/\s+/g, ' ');
    expect(layout).toMatch(/Учасники з голосом\s+Проголосували\s+Анульовано учасників\s*\n\s*8\s+8\s+0\n/);
    expect(table).toMatch(/5 Зелене місто 6 17 7 так/);
    expect(table).toMatch(/3 Активне місто 2 4 3 ні/);
    expect(table).toMatch(/5\.4 Збалансований розвиток міста та [^\d]*3 10 /);
    // Priority 3 is in the organisers' copy, marked as not announced.
    expect(flat).toContain('Скейт-парк на Польовій');
    expect(flat).toContain('Цей рейтинг у залі не оголошували');
    // Moderation in counts, and the hash, provisional while a priority is unannounced.
    for (const [label, n] of [['Приховано ідей', 1], ['Ідей об’єднано з подібними', 1], ['Ідей виправлено', 1], ['Паперових карток внесено', 1], ['Паперових наліпок зараховано', 2], ['Анульовано учасників', 0]] as const) {
      expect(table, label).toMatch(new RegExp(`${label} ${n}\\b`));
    }
    const { resultsHash } = (await (await fetch(`${forumUrl()}/api/export.json?grant=${g}`)).json()) as { resultsHash: string };
    expect(flat).toContain(resultsHash);
    expect(flat).toContain('Попередня: оголошено ще не всі пріоритети, тож вона ще зміниться.');
    expect(flat).not.toMatch(/npm run|sha256sum|\bjq\b/);

    // Each priority with ideas starts a page, and no page ends on a heading with its content on the next.
    for (const title of ['1 · Ефективне місто', '3 · Активне місто', '5 · Зелене місто']) {
      expect(pages.some((p) => p.trim().startsWith(title)), title).toBe(true);
    }
    for (const [i, p] of pages.entries()) {
      const last = p.trim().split('\n').at(-1)!.trim();
      expect(last, `page ${i + 1} ends on a heading`).not.toMatch(/^(Найкращі ідеї|\d · .+|Модерація|Контрольна сума результатів)$/);
    }

    // The bars are on paper, not only on screen: each chart's page, as printed, holds its
    // priority's colour over about the area its filled bars take (read from the pixels, not the DOM).
    const dpi = 100;
    const barPages = readdirSync(dir).filter((f) => f.startsWith('bars-'));
    for (const old of barPages) rmSync(join(dir, old));
    execFileSync('pdftoppm', ['-r', String(dpi), '-png', pdf, join(dir, 'bars')]);
    const pageImages = readdirSync(dir).filter((f) => f.startsWith('bars-')).sort();
    expect(pageImages.length).toBe(pages.length);
    for (const [code, title] of [['1', '1 · Ефективне місто'], ['3', '3 · Активне місто'], ['5', '5 · Зелене місто']] as const) {
      const at = pages.findIndex((p) => p.trim().startsWith(title));
      const color = state.structure.priorities.find((p) => p.code === code)!.color;
      const paint = readableOn(color, '#eef1f4', AA_LARGE);
      const painted = pixelsOf(join(dir, pageImages[at]), paint);
      // The shortest of the filled bars is a fifth of the longest or more here, each about 2.7 mm
      // tall: together well over a square centimetre of the page.
      const squareCm = painted / (dpi / 2.54) ** 2;
      expect(squareCm, `priority ${code}'s bars on page ${at + 1}`).toBeGreaterThan(1);
    }

  });

  it('prints in English, and without authors’ names when asked', async () => {
    const g = await grant();
    const res = await fetch(`${forumUrl()}/console/report?grant=${g}&lang=en&names=0`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Forum results report');
    expect(html).toContain('Copy to publish: without authors’ names.');
    expect(html).not.toContain('Олена Коваль');
    expect(html).not.toContain('Ганна Петрівна');
    expect((await fetch(`${forumUrl()}/console/report`)).status).toBe(403);
  });

  it('the console makes a PNG from a chart in the browser, at the SVG’s pixel size', async () => {
    const page = await consolePage();
    await page.getByRole('tab', { name: 'Експорт' }).click();
    const section = page.getByRole('region', { name: 'Картинки результатів' });
    const group = section.getByRole('group', { name: '5 Зелене місто' });
    await group.waitFor();
    expect(await section.getByRole('group').count()).toBe(3);
    await section.getByText('Ще не оголошено: 3 Активне місто, 4 Комфортне місто, 6 Інклюзивне місто.').waitFor();
    // The report's link opens a new tab, through a grant, never the key.
    const report = page.getByRole('link', { name: /Звіт для друку \(PDF\)/ });
    expect(await report.getAttribute('href')).toMatch(/^(\/f\/[\w-]+)?\/console\/report\?grant=[\w-]+&lang=uk$/);
    expect(await report.getAttribute('target')).toBe('_blank');
    expect(await violations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'console-export.png'), fullPage: true });

    const svgHref = await group.getByRole('link', { name: 'Слайд (SVG)' }).getAttribute('href');
    expect(svgHref).toMatch(/^(\/f\/[\w-]+)?\/api\/chart\/5\.svg\?size=slide&lang=uk&grant=/);
    expect((await fetch(new URL(svgHref!, server.url))).status).toBe(200);

    for (const [name, width, height] of [['Допис (PNG)', 1080, 1080], ['Слайд (PNG)', 1920, 1080]] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), group.getByRole('button', { name }).click()]);
      expect(download.suggestedFilename()).toBe(`viche-5-${width === 1080 ? 'post' : 'slide'}.png`);
      const file = join(dir, download.suggestedFilename());
      await download.saveAs(file);
      const png = PNG.sync.read(readFileSync(file));
      expect([png.width, png.height]).toEqual([width, height]);
      // Not blank: much of it is white paper, but text and bars in several colours cover a good part.
      let inked = 0;
      let seeThrough = 0;
      const colours = new Set<number>();
      for (let i = 0; i < png.data.length; i += 4) {
        const [r, g, b, a] = [png.data[i], png.data[i + 1], png.data[i + 2], png.data[i + 3]];
        if (a !== 255) seeThrough++;
        if (r < 200 || g < 200 || b < 200) inked++;
        colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
      }
      expect(seeThrough).toBe(0);
      expect(inked / (png.width * png.height)).toBeGreaterThan(0.03);
      expect(colours.size).toBeGreaterThan(20);
      await section.getByText(`PNG збережено: ${download.suggestedFilename()}`).waitFor();
    }
    await page.context().close();
  });

  /** How many pixels of a picture are of a colour (within a few steps, for the edges' smoothing). */
  function pixelsOf(file: string, hex: string): number {
    const png = PNG.sync.read(readFileSync(file));
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    let n = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      if (Math.abs(png.data[i] - want[0]) <= 6 && Math.abs(png.data[i + 1] - want[1]) <= 6 && Math.abs(png.data[i + 2] - want[2]) <= 6) n++;
    }
    return n;
  }

  /** The console, opened with the key (it moves the key out of the address bar itself). */
  async function consolePage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, bypassCSP: true, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${forumUrl()}/console?key=${encodeURIComponent(server.facilitatorKey)}`);
    await page.getByRole('tab', { name: 'Експорт' }).waitFor();
    return page;
  }
});
