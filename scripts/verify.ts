// `npm run verify FILE [HASH]`: recomputes the SHA-256 of a forum's canonical results
// (shared/forum/resultsHash.ts says the format) from a Viche database or from a JSON export of
// /api/export.json (or a whole forum's file from /f/<slug>/api/forum.json), and, given the hash published on the evening, says whether they match. A
// database is replayed from its event log without being written to (server/db/readLog.ts); an
// export is read as it stands. Exits 0 on a match or when no hash is given, 1 on a mismatch, 2
// when the file cannot be read as either.

import { sha256Hex } from '../server/forum/resultsHash.js';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { LogUnreadable, readLog } from '../server/db/readLog.js';
import { canonicalJson, RESULTS_FORMAT, resultsDocument, type ResultsDocument, type ResultsIdea } from '../shared/forum/resultsHash.js';
import { replay } from '../shared/forum/state.js';
import { serverDatabase, typedPath } from './database.js';
import { FORUM_FILE_FORMAT, readForumFile } from '../server/forums/transfer.js';

/** The file cannot be read as a database or an export; the message is one sentence. */
class Unreadable extends Error {}

interface Computed {
  doc: ResultsDocument;
  hash: string;
  /** Stored rows that are not events, left out of the replay. */
  skipped: number;
}

const SQLITE_HEADER = 'SQLite format 3\0';

const sha256 = sha256Hex;

function computed(doc: ResultsDocument, skipped = 0): Computed {
  return { doc, hash: sha256(canonicalJson(doc)), skipped };
}

/** Whether the file starts as every SQLite database does; an export never can. */
function looksLikeSqlite(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const n = readSync(fd, head, 0, head.length, 0);
    return n === head.length && head.toString('latin1') === SQLITE_HEADER;
  } finally {
    closeSync(fd);
  }
}

function fromDatabase(path: string): Computed[] {
  return readLog(path).map((forum) => computed(resultsDocument(replay(forum.events.map((e) => e.event))), forum.unreadable.length));
}

/** The export's own fields, checked one by one so a wrong file gets a sentence, not a crash. */
function fromExport(path: string, text: string): Computed {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new Unreadable(`${path} is neither a Viche database nor a JSON export of the results.`);
  }
  const not = (what: string) => new Unreadable(`${path} is JSON, but not a Viche results export (${what}).`);
  const obj = (v: unknown, what: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw not(`${what} is missing`);
    return v as Record<string, unknown>;
  };
  const str = (o: Record<string, unknown>, key: string, what: string): string => {
    if (typeof o[key] !== 'string') throw not(`${what} has no ${key}`);
    return o[key] as string;
  };
  const int = (o: Record<string, unknown>, key: string, what: string): number => {
    if (!Number.isSafeInteger(o[key])) throw not(`${what} has no whole number ${key}`);
    return o[key] as number;
  };
  const arr = (o: Record<string, unknown>, key: string, what: string): unknown[] => {
    if (!Array.isArray(o[key])) throw not(`${what} has no list ${key}`);
    return o[key] as unknown[];
  };

  const root = obj(data, 'the whole file');
  // A whole forum moved between laptops (/f/<slug>/api/forum.json): replayed from its event log.
  if (root.format === FORUM_FILE_FORMAT || root.format === 'viche-forum/1') {
    try {
      // No seal key: the secrets are set aside, which the results never depend on.
      return computed(resultsDocument(replay(readForumFile(JSON.stringify(root), '').events)));
    } catch {
      throw new Unreadable(`${path} is a Viche forum file, but its log is damaged or was changed: open it on a server to see where.`);
    }
  }
  const forum = obj(root.forum, 'forum');
  const rules = obj(forum.rules, 'forum.rules');
  const turnout = obj(root.turnout, 'turnout');
  return computed({
    format: RESULTS_FORMAT,
    forum: { id: str(forum, 'id', 'forum'), title: str(forum, 'title', 'forum') },
    rules: {
      dotsPerPriority: int(rules, 'dotsPerPriority', 'forum.rules'),
      ideasPerParticipant: int(rules, 'ideasPerParticipant', 'forum.rules'),
      maxDotsPerIdea: int(rules, 'maxDotsPerIdea', 'forum.rules'),
    },
    priorities: arr(root, 'priorities', 'the file').map((p, i) => {
      const priority = obj(p, `priority ${i + 1}`);
      const code = str(priority, 'code', `priority ${i + 1}`);
      const ideas: ResultsIdea[] = [];
      // The export lists ranked ideas in ranking order, then hidden ones with no rank. The order
      // within a tie rests on submission order, which the export does not carry, so it is kept.
      for (const [j, raw] of arr(priority, 'ideas', `priority ${code}`).entries()) {
        const idea = obj(raw, `idea ${j + 1} of priority ${code}`);
        if (idea.rank === null || idea.status !== 'active') continue;
        const what = `idea ${j + 1} of priority ${code}`;
        ideas.push({
          id: str(idea, 'id', what),
          title: str(idea, 'title', what),
          phoneDots: int(idea, 'phoneDots', what),
          paperDots: int(idea, 'paperDots', what),
          total: int(idea, 'dots', what),
          supporters: int(idea, 'supporters', what),
          rank: int(idea, 'rank', what),
        });
      }
      return { code, title: str(priority, 'title', `priority ${code}`), ideas };
    }),
    turnout: { participants: int(turnout, 'joined', 'turnout'), voted: int(turnout, 'voted', 'turnout') },
  });
}

function read(path: string): Computed[] {
  if (!existsSync(path)) throw new Unreadable(`${path} does not exist.`);
  if (statSync(path).isDirectory()) throw new Unreadable(`${path} is a folder, not a database or an export.`);
  if (looksLikeSqlite(path)) return fromDatabase(path);
  const bytes = readFileSync(path);
  if (bytes.length === 0) throw new Unreadable(`${path} is empty, neither a Viche database nor a JSON export of the results.`);
  return [fromExport(path, bytes.toString('utf8'))];
}

/** The canonical document a part at a time, so that two runs that differ show where. */
function parts(doc: ResultsDocument): string[] {
  return [
    `  forum ${canonicalJson(doc.forum)}`,
    `  rules ${canonicalJson(doc.rules)}`,
    ...doc.priorities.map((p) => `  priority ${canonicalJson(p)}`),
    `  turnout ${canonicalJson(doc.turnout)}`,
  ];
}

function main(): number {
  const path = process.argv[2] ? typedPath(process.argv[2]) : serverDatabase();
  const published = process.argv[3]?.trim().toLowerCase();
  const results = read(path);
  const out: string[] = [];
  if (results.length === 0) {
    out.push(`${path} holds no forum yet: there are no results to check.`);
    process.stdout.write(out.join('\n') + '\n');
    return published ? 1 : 0;
  }
  for (const r of results) {
    const title = r.doc.forum.title ? ` ("${r.doc.forum.title}")` : '';
    out.push(`Results of forum ${r.doc.forum.id}${title} in ${path}:`);
    out.push(`SHA-256 ${r.hash}`);
    if (r.skipped > 0) out.push(`  ${r.skipped} stored rows are not readable events and were left out; npm run verify-log names them.`);
  }
  if (!published) {
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  }
  const match = results.find((r) => r.hash === published);
  if (match) {
    out.push(`It matches the published hash: these are the results that were published.`);
  } else {
    if (!/^[0-9a-f]{64}$/.test(published)) out.push(`The published hash ${published} is not a SHA-256 (64 hex digits); check how it was copied.`);
    out.push(`It does not match the published hash ${published}: these results are not the ones published.`);
    out.push('The results as recomputed here, part by part, to set beside the published ones:');
    for (const r of results) out.push(...parts(r.doc));
  }
  process.stdout.write(out.join('\n') + '\n');
  return match ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (err) {
  // A file that cannot be read is one sentence; the stack is for whoever debugs the checker.
  const known = err instanceof LogUnreadable || err instanceof Unreadable;
  const message = known ? err.message : `verify failed: ${err instanceof Error ? err.message : String(err)}`;
  process.stderr.write(`${message}\n`);
  if (process.env.LOG_LEVEL === 'debug') {
    for (let e: unknown = err; e instanceof Error; e = e.cause) process.stderr.write(`${e.stack}\n`);
  }
  process.exitCode = 2;
}
