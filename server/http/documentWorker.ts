// The documents' worker thread: the xlsx workbook, the printable report and the ticket sheets are
// built here, off the server's event loop. On the largest forum (scripts/largest-forum.ts) they
// held it up for 100 ms, 300 ms and over 3 s (5,000 QR codes) when built on it, while the hall's
// phones waited (`BENCH_ONLY=stalls npm run bench`). The job comes in as plain data (structured
// clone: no class instances), and the document goes back as UTF-8 or xlsx bytes, transferred.

import { parentPort, workerData } from 'node:worker_threads';
import type { Lang } from '../../shared/protocol.js';
import type { ForumState } from '../../shared/forum/types.js';
import { resultsReport, type ReportInput } from '../results/report.js';
import type { ExportResults } from './export.js';
import { ticketSheet, type TicketSheetOptions } from './tickets.js';
import { voterCodeSheet, voterCodesCsv, type VoterCodeRange } from './voterCodes.js';
import { resultsXlsx } from './xlsx.js';

export type DocumentJob =
  | { kind: 'xlsx'; results: ExportResults; lang: Lang }
  | { kind: 'report'; input: ReportInput }
  | { kind: 'tickets'; forum: Pick<ForumState, 'title' | 'tickets'>; options: TicketSheetOptions }
  | { kind: 'voterCodes'; format: 'csv'; range: VoterCodeRange }
  | { kind: 'voterCodes'; format: 'sheet'; range: VoterCodeRange & { title: string; baseUrl: string; lang: Lang } };

async function build(job: DocumentJob): Promise<Uint8Array> {
  switch (job.kind) {
    case 'xlsx': {
      const file = await resultsXlsx(job.results, job.lang);
      // A copy of its own (never a slice of a shared pool), so the whole of its memory can be handed over.
      const owned = new Uint8Array(file.byteLength);
      owned.set(file);
      return owned;
    }
    case 'report':
      return new TextEncoder().encode(resultsReport(job.input));
    case 'tickets':
      return new TextEncoder().encode(await ticketSheet(job.forum, job.options));
    case 'voterCodes':
      return new TextEncoder().encode(job.format === 'csv' ? voterCodesCsv(job.range) : await voterCodeSheet(job.range));
  }
}

const bytes = await build(workerData as DocumentJob);
parentPort!.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
