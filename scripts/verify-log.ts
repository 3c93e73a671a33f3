// `npm run verify-log [FILE]`: checks that every event stored in a Viche database is one the
// forum's rules could have decided at its point in the log (shared/forum/verify.ts), without
// writing to the file. Exits 0 when the log is clean, 1 when it found problems, 2 when the file
// cannot be read as a Viche database.

import { LogUnreadable, readLog, type ForumLog } from '../server/db/readLog.js';
import { verifyLog } from '../shared/forum/verify.js';
import { serverDatabase, typedPath } from './database.js';

/** The file named, else the server's own. */
const databasePath = (): string => (process.argv[2] ? typedPath(process.argv[2]) : serverDatabase());

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Writes what was found in one forum; returns how many problems. */
function report(forum: ForumLog, out: string[]): number {
  const { problems, state, events } = verifyLog(forum.events);
  const title = state.title ? ` ("${state.title}")` : '';
  out.push(`Forum ${forum.id}${title}: checked ${plural(events + forum.unreadable.length, 'event', 'events')}.`);
  let found = 0;
  if (!forum.registered) {
    out.push(`  Its events name a forum that has no row in the forums table.`);
    found++;
  }
  // The server stores a forum and its forumCreated in one transaction: one without the other is damage.
  if (events === 0 && forum.unreadable.length === 0) {
    out.push('  It has no events at all, not even the forumCreated it was stored with.');
    found++;
  }
  const lines = [
    ...problems.map((p) => ({ seq: p.seq, text: `  Event ${p.seq} (${p.type}) breaks the rules with ${p.error.code}: ${p.detail}.` })),
    ...forum.unreadable.map((u) => ({ seq: u.seq, text: `  Event ${u.seq} (${u.type}) cannot be read: ${u.reason}.` })),
  ].sort((a, b) => a.seq - b.seq);
  for (const line of lines) out.push(line.text);
  return found + lines.length;
}

function main(): number {
  const path = databasePath();
  const forums = readLog(path);
  const out: string[] = [`Checking ${path}.`];
  if (forums.length === 0) {
    out.push('It holds no forum yet: there are no events to check.');
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  }
  let problems = 0;
  for (const forum of forums) problems += report(forum, out);
  out.push(
    problems === 0
      ? 'No problems: every event is one the rules would have allowed at its point in the log.'
      : `Found ${plural(problems, 'problem', 'problems')}, listed above.`,
  );
  process.stdout.write(out.join('\n') + '\n');
  return problems === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (err) {
  // A file that cannot be checked is one sentence; the stack is for whoever debugs the checker.
  const message = err instanceof LogUnreadable ? err.message : `verify-log failed: ${err instanceof Error ? err.message : String(err)}`;
  process.stderr.write(`${message}\n`);
  if (process.env.LOG_LEVEL === 'debug') {
    for (let e: unknown = err; e instanceof Error; e = e.cause) process.stderr.write(`${e.stack}\n`);
  }
  process.exitCode = 2;
}
