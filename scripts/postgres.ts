// A real PostgreSQL from Debian's binaries (15 on bookworm): for tests, a throwaway cluster in a temp
// folder; for `npm run cluster`, one in a folder it keeps (`dir`), made at its first start. Either runs on a free port of 127.0.0.1 (and a unix socket in that folder), stopped and deleted
// after. initdb refuses to run as root, so as root the cluster runs as the postgres user (or
// nobody), which owns the folder. Outside CI, a machine without the binaries skips the tests that
// need them and says why (postgresMissing); under CI=true they are required (.ci/run installs them).

import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * Where Debian puts PostgreSQL's server programs: 15's (bookworm's), or else the newest installed;
 * PG_BIN overrides.
 */
export const PG_BIN = process.env.PG_BIN || debianBin();

function debianBin(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(`${root}/15/bin/initdb`)) return `${root}/15/bin`;
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(`${root}/${v}/bin/initdb`)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return `${root}/${newest ?? '15'}/bin`;
}

/** Why the PostgreSQL tests cannot run here, or null when they can (always null under CI). */
export function postgresMissing(): string | null {
  if (process.env.CI === 'true') return null;
  for (const program of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(join(PG_BIN, program))) return `PostgreSQL's ${program} is not in ${PG_BIN} (apt-get install postgresql, or set PG_BIN)`;
  }
  return null;
}

export interface TestPostgres {
  port: number;
  /** The cluster's folder (its data in data/, its socket and log beside). */
  dir: string;
  /** A connection string for the cluster's `postgres` database, as the superuser `viche`. */
  url: string;
  /** A connection string for another database of the cluster (made with CREATE DATABASE). */
  urlOf(database: string): string;
  /** Runs one statement as the superuser on its own connection (tests look at or break things with it). */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[], database?: string): Promise<R[]>;
  /** Stops the server: `fast` ends connections cleanly, `immediate` as a crash would (recovery from WAL at the next start). */
  stopServer(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port. */
  startServer(): Promise<void>;
  /** CPU time the server's processes (postmaster and its children) have used so far, in ms. */
  cpuMs(): number;
  /** Stops it and deletes its folder (a kept folder stays). */
  stop(): Promise<void>;
  /** A standby made the primary (pg_ctl promote), waiting until it takes writes. */
  promote(): Promise<void>;
}

/** The user the cluster runs as: ourselves, or a user that is not root when we are root. */
function clusterUser(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { name, uid, gid };
    } catch {
      // No such user: the next.
    }
  }
  throw new Error('running as root and there is neither a postgres nor a nobody user to run PostgreSQL as');
}

/** A port free on loopback now (another program may yet take it before it is used). */
export async function freePort(): Promise<number> {
  // Below Linux's ephemeral range (32768 and up): a port the OS hands out to no other socket, so
  // that a server stopped and started again on it (a standby, a restarted process) finds it free,
  // not taken meanwhile by some connection's local end.
  for (let tries = 0; tries < 50; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await bindable(port)) return port;
  }
  throw new Error('no free port between 20000 and 32000 on 127.0.0.1');
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface StartOptions {
  /**
   * PostgreSQL's own defaults for durability (fsync, full-page writes): for measuring what a commit
   * costs. Without it the tests' cluster skips them: it outlives no power cut.
   */
  durable?: boolean;
  /** A folder kept between starts (made if absent, its cluster made at the first): not deleted by stop. */
  dir?: string;
  /** The port to listen on (a free one by default). */
  port?: number;
  /**
   * A streaming standby of this cluster instead of a cluster of its own: copied from it with
   * pg_basebackup (-R: it follows the primary from the copy on), read-only until promoted.
   */
  standbyOf?: TestPostgres;
}

export async function startPostgres(options: StartOptions = {}): Promise<TestPostgres> {
  const user = clusterUser();
  const kept = options.dir !== undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'viche-pg-'));
  mkdirSync(dir, { recursive: true });
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const as = (program: string, args: string[]) =>
    user ? run('runuser', ['-u', user.name, '--', join(PG_BIN, program), ...args], { cwd: dir }) : run(join(PG_BIN, program), args, { cwd: dir });
  let port = 0;
  const startServer = async () => {
    await as('pg_ctl', [
      '-D', data, '-l', logFile, '-w', '-t', '60',
      // Loopback and the folder's own socket only.
      '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 ${options.durable ? '' : '-c fsync=off -c full_page_writes=off '}-c shared_buffers=32MB -c max_connections=100`,
      'start',
    ]);
  };
  try {
    if (options.standbyOf) await as('pg_basebackup', ['-h', '127.0.0.1', '-p', String(options.standbyOf.port), '-U', 'viche', '-D', data, '-R', '-X', 'stream', '--no-sync']);
    else if (!existsSync(join(data, 'PG_VERSION'))) await as('initdb', ['-D', data, '-U', 'viche', '--auth=trust', '-E', 'UTF8', '--locale=C', ...(kept ? [] : ['--no-sync'])]);
    for (let attempt = 0; ; attempt++) {
      port = options.port ?? (await freePort());
      try {
        await startServer();
        break;
      } catch (err) {
        // Another program took the port between our look and PostgreSQL's start: another port.
        if (attempt >= 3 || options.port !== undefined) throw err;
      }
    }
  } catch (err) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
    if (!kept) rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${log}`);
  }
  const urlOf = (database: string) => `postgres://viche@127.0.0.1:${port}/${database}`;
  const url = urlOf('postgres');
  const stopServer = async (mode: 'fast' | 'immediate' = 'fast') => {
    await as('pg_ctl', ['-D', data, '-w', '-t', '60', '-m', mode, 'stop']);
  };
  return {
    port,
    dir,
    url,
    urlOf,
    async sql(text, params, database = 'postgres') {
      const client = new pg.Client({ connectionString: urlOf(database) });
      await client.connect();
      try {
        return (await client.query(text, params)).rows;
      } finally {
        await client.end();
      }
    },
    stopServer,
    startServer,
    async promote() {
      await as('pg_ctl', ['-D', data, '-w', '-t', '60', 'promote']);
    },
    cpuMs() {
      const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const tick = 1000 / 100;
      let ms = 0;
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        let stat: string;
        try {
          stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        } catch {
          continue;
        }
        // Fields after the command's closing parenthesis: state, ppid, …, utime (14th), stime (15th).
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(entry) === postmaster || Number(fields[1]) === postmaster) ms += (Number(fields[11]) + Number(fields[12])) * tick;
      }
      return ms;
    },
    async stop() {
      await stopServer('fast').catch(() => {});
      if (!kept) rmSync(dir, { recursive: true, force: true });
    },
  };
}
