// The documents built in their worker thread (server/http/documents.ts), from the server as
// `npm start` runs it: bundled, with the worker bundled beside it (dist/document-worker.mjs). The
// other tests run the server from the sources, where the worker starts through tsx instead.

import ExcelJS from 'exceljs';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../../scripts/process.js';
import { connect, joinPhone, ok, tempDir, type TestClient } from './harness.js';

describe('documents from the bundled server', () => {
  const dir = tempDir();
  const clients: TestClient[] = [];
  let proc: ServerProcess | null = null;

  afterAll(async () => {
    for (const c of clients) c.close();
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the workbook (twice, in two languages), the report and the ticket sheet, all asked for at once', async () => {
    proc = await startServerProcess({ VICHE_DB: join(dir, 'forum.db'), ADMISSION: 'open' });
    const url = `http://127.0.0.1:${proc.port}/f/${proc.slug}`;
    const key = new URL(proc.consoleUrl).searchParams.get('key')!;
    const admin = await connect(url, { role: 'console', key });
    clients.push(admin);
    const phone = await joinPhone({ url, joinCode: proc.joinCode }, 'Олена Коваль');
    clients.push(phone);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ideaId = ok(await phone.send('idea:submit', { priorityCode: '1', title: 'Сквер біля річки' })).ideaId;
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    ok(await phone.send('dot:place', { ideaId }));

    const get = async (path: string) => {
      const res = await fetch(`${url}/${path}`, { headers: { 'x-facilitator-key': key } });
      return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
    };
    // Asked for at once, they are built one after another: every one is answered, none mixed up.
    const [xlsx, xlsxAgain, report, tickets, json] = await Promise.all([
      get('api/export.xlsx'),
      get('api/export.xlsx?lang=en'),
      get('console/report'),
      get('console/tickets'),
      get('api/export.json'),
    ]);

    for (const [book, summary] of [[xlsx, 'Підсумок'], [xlsxAgain, 'Summary']] as const) {
      expect(book.status).toBe(200);
      expect(book.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(book.body as unknown as ArrayBuffer);
      expect(workbook.worksheets[0].name).toBe(summary);
      const ranked = workbook.worksheets[1].getRow(2).values as unknown[];
      expect(ranked).toContain('Сквер біля річки');
    }

    expect(report.status).toBe(200);
    expect(report.type).toBe('text/html; charset=utf-8');
    const html = report.body.toString('utf8');
    expect(html).toContain('Сквер біля річки');
    const results = JSON.parse(json.body.toString('utf8')) as { resultsHash: string };
    expect(json.type).toBe('application/json; charset=utf-8');
    // The report is of the same moment as the JSON: the same hash.
    expect(html).toContain(results.resultsHash);

    expect(tickets.status).toBe(200);
    expect(tickets.type).toBe('text/html; charset=utf-8');
    expect(tickets.body.toString('utf8')).toMatch(/^<!doctype html>/i);
  });
});
