// The Excel workbook export: a real server run through ideas, review, voting and results with a tie,
// a hidden idea, a merge and a paper card with stickers, and the file read back cell by cell.

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sheetName } from '../http/xlsx.js';
import { connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

describe('the XLSX export', () => {
  let server: TestServer;
  let admin: TestClient;
  let olena: TestPhone;
  let marko: TestPhone;
  let anon: TestPhone;
  let tooEarly: number;
  const id: Record<string, string> = {};

  beforeAll(async () => {
    server = await startTestServer();
    admin = await connectConsole(server);
    olena = await joinPhone(server, 'Олена Коваль');
    marko = await joinPhone(server, 'Марко Ткачук');
    anon = await joinPhone(server, '');
    ok(await admin.send('phase:set', { to: 'ideas' }));
    tooEarly = (await get('/api/export.xlsx')).status;
    const submit = async (key: string, phone: TestPhone, title: string, goalCode: string | null) => {
      id[key] = ok(await phone.send('idea:submit', { priorityCode: '5', goalCode, title, description: 'Дерева, лавки й ліхтарі уздовж води', place: 'Набережна' })).ideaId;
    };
    await submit('square', olena, 'Сквер біля річки', '5.4');
    await submit('benches', marko, 'Лавки на набережній', '5.4');
    await submit('sorting', anon, 'Сортування сміття', '5.1');
    await submit('casino', marko, 'Реклама казино', null);
    await submit('formula', anon, '=СУМА(1;2)', null);
    await submit('bike', olena, 'Велодоріжка', null);
    await submit('bikeToo', marko, 'Велодоріжка вздовж річки', null);
    id.paper = ok(await admin.send('paper:idea', { priorityCode: '5', goalCode: '5.1', title: 'Пандус до ЦНАПу', author: 'Ганна Петрівна' })).ideaId;
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('idea:hide', { ideaId: id.casino, reason: 'Реклама, не про місто' }));
    ok(await admin.send('idea:merge', { into: id.bike, ideas: [id.bikeToo] }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    const dots = async (phone: TestPhone, ideaId: string, n: number) => {
      for (let i = 0; i < n; i++) ok(await phone.send('dot:place', { ideaId }));
    };
    // The square and the benches tie at 2; the paper card leads with 1 phone dot and 3 stickers.
    await dots(olena, id.benches, 2);
    await dots(olena, id.paper, 1);
    await dots(marko, id.square, 2);
    await dots(anon, id.sorting, 1);
    ok(await admin.send('phase:set', { to: 'results' }));
    ok(await admin.send('paper:ballots', { count: 2 }));
    ok(await admin.send('paper:dots', { ideaId: id.paper, count: 3 }));
  });
  afterAll(async () => {
    for (const p of [olena, marko, anon]) p?.close();
    admin?.close();
    await server?.stop();
  });

  function get(path: string, headers: Record<string, string> = { 'x-facilitator-key': server.facilitatorKey }) {
    return fetch(`${server.url}${path}`, { headers });
  }
  async function workbook(path: string): Promise<ExcelJS.Workbook> {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="viche-results-\d{4}-\d\d-\d\d\.xlsx"/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    return book;
  }
  const values = (row: ExcelJS.Row) => (row.values as ExcelJS.CellValue[]).slice(1);
  const rows = (sheet: ExcelJS.Worksheet) => sheet.getSheetValues().map((r) => (r ? (r as ExcelJS.CellValue[]).slice(1) : []));
  const rowOf = (sheet: ExcelJS.Worksheet, text: string) => {
    let found: ExcelJS.Row | undefined;
    sheet.eachRow((row) => {
      if (!found && values(row).includes(text)) found = row;
    });
    if (!found) throw new Error(`no row with ${text}`);
    return found;
  };

  it('is only for the facilitator, and only from voting on', async () => {
    expect(tooEarly).toBe(409);
    expect((await get('/api/export.xlsx', {})).status).toBe(403);
    const { grant } = ok(await admin.send('export:grant', {}));
    expect((await get(`/api/export.xlsx?grant=${grant}`, {})).status).toBe(200);
  });

  it('ranks a priority’s ideas by goal, with ties, paper and phone dots summed, hidden ideas apart', async () => {
    const book = await workbook('/api/export.xlsx');
    expect(book.worksheets[0].name).toBe('Підсумок');
    expect(book.worksheets.map((s) => s.name)).toContain('5 Зелене місто');
    const sheet = book.getWorksheet('5 Зелене місто')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const header = values(sheet.getRow(1));
    expect(header).toEqual([
      'Місце в рейтингу', 'Назва ідеї', 'Опис', 'Місце', 'Автор', 'Крапки з телефонів', 'Наліпки на папері', 'Усього крапок', 'Прихильники', 'Джерело', 'Об’єднано з',
    ]);
    expect(sheet.getRow(1).getCell(2).font).toMatchObject({ bold: true, name: 'Arial' });
    expect(sheet.getColumn(2).width).toBe(30);
    const col = (name: string) => header.indexOf(name) + 1;
    const cell = (title: string, name: string) => rowOf(sheet, title).getCell(col(name)).value;

    // Goals in the tree's order (5.1 before 5.4), each a bold row, then ideas without a goal.
    const titles = rows(sheet).map((r) => r[1]);
    const order = ['5.1 Формування та підтримка екологічно безпечного середовища', 'Пандус до ЦНАПу', 'Сортування сміття', '5.4 Збалансований розвиток міста та зелених зон'];
    expect(titles.filter((t) => typeof t === 'string' && (order.includes(t) || t === 'Без стратегічної цілі'))).toEqual([...order, 'Без стратегічної цілі']);
    expect(rowOf(sheet, order[0]).getCell(2).font?.bold).toBe(true);

    // Totals are phone + paper; the paper card is marked as paper and keeps its author.
    expect([cell('Пандус до ЦНАПу', 'Крапки з телефонів'), cell('Пандус до ЦНАПу', 'Наліпки на папері'), cell('Пандус до ЦНАПу', 'Усього крапок')]).toEqual([1, 3, 4]);
    expect(cell('Пандус до ЦНАПу', 'Джерело')).toBe('паперова картка');
    expect(cell('Пандус до ЦНАПу', 'Автор')).toBe('Ганна Петрівна');
    expect(cell('Пандус до ЦНАПу', 'Місце в рейтингу')).toBe(1);
    // A tie shares one rank, and the next rank skips (1, 2, 2, 4).
    expect(cell('Сквер біля річки', 'Місце в рейтингу')).toBe(2);
    expect(cell('Лавки на набережній', 'Місце в рейтингу')).toBe(2);
    expect(cell('Сортування сміття', 'Місце в рейтингу')).toBe(4);
    expect(cell('Сквер біля річки', 'Автор')).toBe('Олена Коваль');
    expect(cell('Сквер біля річки', 'Опис')).toBe('Дерева, лавки й ліхтарі уздовж води');
    expect(rowOf(sheet, 'Сквер біля річки').getCell(col('Опис')).alignment?.wrapText).toBe(true);
    expect(cell('Велодоріжка', 'Об’єднано з')).toBe('Велодоріжка вздовж річки (Марко Ткачук)');
    expect(titles).not.toContain('Велодоріжка вздовж річки');

    // The hidden idea is below its own heading, unranked, with the reason.
    const hiddenAt = titles.indexOf('Приховані ідеї (не в рейтингу)');
    const casinoAt = titles.indexOf('Реклама казино');
    expect(hiddenAt).toBeGreaterThan(titles.indexOf('Велодоріжка'));
    expect(casinoAt).toBeGreaterThan(hiddenAt);
    expect(cell('Реклама казино', 'Місце в рейтингу')).toBeNull();
    expect(rowOf(sheet, 'Реклама казино').getCell(header.length).value).toBe('Реклама, не про місто');
    expect(values(sheet.getRow(casinoAt - 1)).at(-1)).toBe('Причина приховування');

    // A title that looks like a formula stays text; no cell anywhere is a formula.
    expect(rowOf(sheet, '=СУМА(1;2)').getCell(col('Назва ідеї')).type).toBe(ExcelJS.ValueType.String);
    for (const s of book.worksheets) {
      s.eachRow((row) => row.eachCell((c) => expect(c.type, `${s.name}!${c.address}`).not.toBe(ExcelJS.ValueType.Formula)));
    }
  });

  it('sums up turnout, ideas and dots per priority and per goal', async () => {
    const summary = (await workbook('/api/export.xlsx')).getWorksheet('Підсумок')!;
    // The forum's title and the hash run across the sheet; the export time as people write it.
    expect(values(summary.getRow(1)).slice(0, 2)).toEqual(['Форум', expect.any(String)]);
    expect(values(summary.getRow(2))).toEqual(['Експортовано', expect.stringMatching(/^\d{1,2} [а-яі]+ \d{4} р\. о \d\d:\d\d$/)]);
    // No priority revealed yet: the checksum is marked provisional in words, as the CSV marks it.
    expect(values(summary.getRow(3)).slice(0, 2)).toEqual(['SHA-256', expect.stringMatching(/^[0-9a-f]{64} \(попередня: оголошено не всі пріоритети\)$/)]);
    expect(values(rowOf(summary, 'Учасників'))).toEqual(['Учасників', undefined, 3]);
    expect(values(rowOf(summary, 'Проголосували'))).toEqual(['Проголосували', undefined, 3]);
    expect(values(rowOf(summary, 'Анульовано учасників'))).toEqual(['Анульовано учасників', undefined, 0]);
    // Code, title, ideas, hidden, total, phone, paper, voted.
    expect(values(rowOf(summary, 'Зелене місто'))).toEqual(['5', 'Зелене місто', 6, 1, 9, 6, 3, 3]);
    expect(values(rowOf(summary, 'Ефективне місто'))).toEqual(['1', 'Ефективне місто', 0, 0, 0, 0, 0, 0]);
    expect(values(rowOf(summary, '5.1'))).toEqual(['5.1', 'Формування та підтримка екологічно безпечного середовища', 2, 5, 2, 3]);
    expect(values(rowOf(summary, '5.4'))).toEqual(['5.4', 'Збалансований розвиток міста та зелених зон', 2, 4, 4, 0]);
  });

  it('names=0 leaves every author out, and English headers follow ?lang=en', async () => {
    const book = await workbook('/api/export.xlsx?names=0&lang=en');
    expect(book.worksheets[0].name).toBe('Summary');
    const text: string[] = [];
    for (const s of book.worksheets) s.eachRow((row) => row.eachCell((c) => text.push(String(c.value))));
    for (const name of ['Олена Коваль', 'Марко Ткачук', 'Ганна Петрівна']) expect(text.join('\n')).not.toContain(name);
    const sheet = book.worksheets.find((s) => s.name.startsWith('5 '))!;
    expect(values(sheet.getRow(1))).not.toContain('Author');
    expect(values(sheet.getRow(1))).toContain('Total dots');
    expect(text).toContain('Велодоріжка вздовж річки');
  });

  it('makes sheet names Excel accepts', () => {
    const taken = new Set(['підсумок']);
    expect(sheetName('Підсумок', taken)).toBe('Підсумок (2)');
    const long = sheetName('6 Місто: [безпечне] / доступне * для всіх? \\ так', taken);
    expect(long).not.toMatch(/[[\]:*?/\\]/);
    expect([...long].length).toBeLessThanOrEqual(31);
    expect(sheetName("'Лапки'", taken)).toBe('Лапки');
  });
});
