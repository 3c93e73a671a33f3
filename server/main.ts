// The composition root: config → store → forum room → HTTP app → Socket.IO. Returns a handle
// with close(), so tests start and stop a whole server in-process on port 0.

import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { ADMISSION_MODES, LIMITS, type AdmissionMode, type Structure } from '../shared/forum/types.js';
import { EID_KEY } from '../shared/forum/identity.js';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { listBackups, type BackupInfo, type BackupReason } from './db/backup.js';
import { WriterLock } from './db/lock.js';
import { FileLease, type ForumLease } from './forums/lease.js';
import { ServerMetrics } from './metrics.js';
import { checkDatabasePath, READ_ONLY_DETAIL, SqliteStore, startupErrorOf } from './db/sqlite.js';
import { databaseUrlFrom, describeDatabase, pgStartupError } from './db/databaseUrl.js';
import type { PostgresLease } from './forums/pgLease.js';
import type { ForumStore } from './db/store.js';
import { StartupError, StorageUnavailable } from './errors.js';
import { Admission } from './forum/admission.js';
import { PersonKeys } from './forum/persons.js';
import { OidcSignIn, type OidcSettings } from './forum/signIn.js';
import { smsGatewaySender, smtpSender, type SmsGatewaySettings, type SmtpSettings } from './forum/codeSenders.js';
import { EXPECTED_ATTENDANCE_DEFAULT, JOIN_BURST_DEFAULT, type BurstRule } from '../shared/forum/attendance.js';
import { Duplicates } from './forum/duplicates.js';
import { SUMMARIES_CHANNEL } from './db/pgSchema.js';
import { SUMMARY_SHARED_EVERY_MS } from './forums/summary.js';
import { ukrainianLemmatizer } from './forum/lemmas.js';
import type { ForumRoom } from './forum/room.js';
import type { LemmaOf } from '../shared/forum/stemming.js';
import { StorageHealth } from './forum/storage.js';
import { Forums, type Attached } from './forums/registry.js';
import type { OpenForum } from './forums/openForum.js';
import { checkForumLog, damagedLogError, marksFrom, marksSetting, snapshotMark, type CheckedMark } from './forums/logCheck.js';
import { CONSOLES } from './realtime/rooms.js';
import { PAGED_ABOVE } from './realtime/consoles.js';
import { attachForumList } from './realtime/forumList.js';
import { attachNotServed, dropNamespace } from './realtime/notServed.js';
import type { ConsoleStatus } from './forum/views.js';
import { loadTemplate } from './forum/template.js';
import { createHttpApp, forumRouter } from './http/app.js';
import { recordInfoFrom, type ForumRecordInfo } from './http/public.js';
import { forumFileText } from './forums/transfer.js';
import { nextTurn } from './forums/turns.js';
import { Grants } from './http/grants.js';
import { OriginCheck } from './http/origins.js';
import { createLogger, type Logger } from './log.js';
import { phoneBaseUrl, type Reachability } from './net.js';
import { KeyGuard } from './realtime/keys.js';
import { Limits, type LimitSettings } from './realtime/limits.js';
import type { PushOptions } from './realtime/push.js';
import type { AppNamespace, AppServer } from './realtime/connection.js';
import { attachRealtime } from './realtime/socket.js';
import { WALL_BUDGET, type WallBudget } from './realtime/wallPace.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Stored events between two snapshots of a forum: the largest forum takes about 0.3 s to snapshot, in a worker thread. */
/**
 * A hall's evening of 5,000 phones stores about 100,000 events and takes no snapshot: at 50,000 it
 * took two, and the worker replaying the forum for each raised the server's peak RSS from 395 to
 * 477-505 MiB (`BENCH_PHONES=5000 BENCH_ONLY=paced,storm npm run bench`, with SNAPSHOT_EVERY=0 and
 * at 50,000). A forum of days keeps one every 200,000 events: reopened, it replays at most that many.
 */
export const SNAPSHOT_EVERY_DEFAULT = 200_000;
/** LOAD_FORUMS=on-demand: a forum with no connection for this long is closed (IDLE_UNLOAD_MINUTES). */
export const IDLE_UNLOAD_MS_DEFAULT = 10 * 60_000;

export interface ServerConfig {
  port: number;
  host: string;
  /** Path of the SQLite file; ignored when `store` or `databaseUrl` is given. */
  dbPath: string;
  /**
   * DATABASE_URL=postgres://…: the forums are kept in PostgreSQL (db/postgres.ts), and each one's
   * writer is the process that holds its lock there (forums/pgLease.ts), so several processes may
   * share the database. Unset: the SQLite file at dbPath.
   */
  databaseUrl?: string;
  /** METRICS_KEY: a bearer key for GET /metrics; without it, only a request made on this machine straight to the process may read it (server/metrics.ts). */
  metricsKey?: string;
  store?: ForumStore;
  /** Who may write each forum (default: the database file's writer lock owns every forum in it). */
  lease?: ForumLease;
  /**
   * 'all' (default): every forum is opened at start. 'on-demand': each on its first use (a page,
   * an export, a connection to /f/<slug>), and closed after `idleUnloadMs` with no connection.
   */
  loadForums?: 'all' | 'on-demand';
  idleUnloadMs?: number;
  /** Base URL given to phones; detected from the LAN when absent. */
  publicUrl?: string;
  /** Overrides the key stored with the forum. */
  facilitatorKey?: string;
  templatePath: string;
  clientDir: string;
  logger?: Logger;
  /** ADMISSION: how a new forum admits people; `hall` by default. */
  admission?: AdmissionMode;
  /** MAX_PARTICIPANTS_PER_ADDRESS: participants per client address until the console sets it; 3 by default, 0 off. */
  maxPerAddress?: number;
  /** EXPECTED_ATTENDANCE: the hall's size until the console sets one (joins past it wait for approval); 150 by default, 0 off. */
  expectedAttendance?: number;
  /** JOIN_BURST: more than `joins` joins within `windowMs` pause joining; 60 within 30 s by default, 0 joins: off. */
  joinBurst?: BurstRule;
  /** SMTP_URL and SMTP_FROM: where a city vote's one-time codes by e-mail are sent through. */
  smtp?: SmtpSettings;
  /** SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN: the HTTP gateway a city vote's one-time codes by SMS go through. */
  smsGateway?: SmsGatewaySettings;
  /** OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET (and OIDC_PERSON_CLAIM): sign-in with a state or bank e-ID for a city's vote. */
  oidc?: OidcSettings;
  /** TRUST_PROXY: how many reverse proxies stand in front; 0 by default. */
  trustProxy?: number;
  /** Rate limits other than the defaults (tests of a single rule, a trusted kiosk setup). */
  limits?: Partial<LimitSettings>;
  /** How often the hall's join code changes; 30 s by default. */
  hallCodePeriodMs?: number;
  /** Least time between two updates of the projector and console (coalescing); 200 ms by default. */
  displayThrottleMs?: number;
  /** Participants' rows a facilitator's console is sent in one part of its first view; 1,000 by default (tests: a few). */
  consoleRowsPerPart?: number;
  /** CONSOLE_PAGED_ABOVE: participants past which the consoles ask for rows a page at a time (default 5,000; city votes always). */
  consolePagedAbove?: number;
  /** How often a city vote's retention date is looked at (5 minutes; tests set less). */
  retentionCheckMs?: number;
  /** How long one turn may spend sending phones their own views and notices (push.ts PHONES_TURN_MS; tests: 0, one phone a turn). */
  phonesTurnMs?: number;
  /** Least time between two patches of the idea wall sent to phones; 1 s by default. */
  ideaPatchMs?: number;
  /** WALL_BYTES_PER_SECOND and the rest of the wall's pacing to phones (server/realtime/wallPace.ts). */
  wallBudget?: Partial<WallBudget>;
  /** How long a dropped phone still counts as online; 5 s by default. */
  presenceGraceMs?: number;
  /** WS_COMPRESSION=1: WebSocket compression (permessage-deflate) of large messages; off by default (see below). */
  wsCompression?: boolean;
  /** ALLOWED_HOSTS: names the server answers to besides its own (see server/http/origins.ts). */
  allowedHosts?: string[];
  /**
   * How often the facilitator's key and the grant key are read again from the store, so that a
   * rotation by another server process on the same store stops the old key here too; 5 s by
   * default, 0 never (a key shown here that matches none held is read again at once, whatever this).
   */
  secretsPollMs?: number;
  /** How often a console showing the forum list has it read again from the store (forums other processes serve change there). */
  listPollMs?: number;
  /** How often a backup is taken while a forum runs and something was stored since the last; an hour by default, 0 never. */
  backupEveryMs?: number;
  /** CITY_BACKUP_MINUTES: while a city vote is open, a backup this often (if anything was saved since the last); 0: none. */
  cityBackupEveryMs?: number;
  /** CITY_BACKUPS_KEPT: how many of those are kept. */
  cityBackupsKept?: number;
  /** ORGANISER and PLACE: who holds the forums and where, for the public results page of record. */
  record?: ForumRecordInfo;
  /**
   * READ_ONLY=1: opens an existing database without writing to it, even when its log is damaged:
   * every forum can be looked at and exported, and every action is refused.
   */
  readOnly?: boolean;
  /** SNAPSHOT_EVERY: a snapshot of each forum's state every this many stored events (200,000 by default; 0 keeps none). */
  snapshotEvery?: number;
}

export const MIN_KEY_LENGTH = 16;
/** While a forum runs, a backup at least this often (if anything changed): at most an hour's actions to type in again. */
export const HOURLY_BACKUP_MS = 60 * 60 * 1000;
/** While a city vote is open: a backup an hour, the last three days' kept. */
export const CITY_BACKUP_MS = 60 * 60 * 1000;
export const CITY_BACKUPS_KEPT = 72;
export const DEFAULT_MAX_PER_ADDRESS = 3;
/** A key rotated by another process opens nothing here at most this long after. */
export const SECRETS_POLL_MS = 5000;

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new StartupError(`${name} має бути цілим числом від 0 до ${max}, а не «${raw}».`, `${name} must be a whole number from 0 to ${max}, not "${raw}".`);
  }
  return n;
}

/**
 * OIDC_PERSON_CLAIM as a claim's name the log can record (EID_KEY: printable ASCII, at most 64):
 * refused at start rather than refusing every e-ID sign-in of a vote later.
 */
function personClaimOf(raw: string): string {
  if (!EID_KEY.test(`claim:${raw}`)) {
    throw new StartupError(
      `OIDC_PERSON_CLAIM має бути назвою поля провайдера (латинські літери, цифри, знаки без пробілів, до 64), а не «${raw}».`,
      `OIDC_PERSON_CLAIM must be the name of a provider's claim (printable ASCII with no spaces, at most 64 characters), not "${raw}".`,
    );
  }
  return raw;
}

/** A rate of the wall's bytes per phone, with its burst sixteen seconds of it as by default. */
function wallBudgetOf(bytesPerSecond: number): Partial<WallBudget> {
  if (bytesPerSecond < 1024) {
    throw new StartupError(
      `WALL_BYTES_PER_SECOND має бути щонайменше 1024, а не ${bytesPerSecond}: телефон чекав би хвилинами на ідеї жвавої хвилини.`,
      `WALL_BYTES_PER_SECOND must be at least 1024, not ${bytesPerSecond}: a phone would wait minutes for the ideas of a busy minute.`,
    );
  }
  return { bytesPerSecond, burstBytes: 16 * bytesPerSecond };
}

/** JOIN_BURST as "joins/seconds" ("60/30"), or "0" for no burst check. */
function joinBurstFrom(env: NodeJS.ProcessEnv): BurstRule {
  const raw = env.JOIN_BURST;
  if (raw === undefined || raw === '') return JOIN_BURST_DEFAULT;
  if (raw === '0') return { joins: 0, windowMs: JOIN_BURST_DEFAULT.windowMs };
  const m = /^(\d{1,5})\/(\d{1,4})$/.exec(raw);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
    throw new StartupError(
      `JOIN_BURST задають як приєднання/секунди, наприклад 60/30, або 0 — без перевірки, а не «${raw}».`,
      `JOIN_BURST must be joins/seconds, such as 60/30, or 0 for none, not "${raw}".`,
    );
  }
  return { joins: Number(m[1]), windowMs: Number(m[2]) * 1000 };
}

function loadForumsFrom(env: NodeJS.ProcessEnv): 'all' | 'on-demand' {
  const raw = env.LOAD_FORUMS || 'all';
  if (raw === 'all' || raw === 'on-demand') return raw;
  throw new StartupError(`LOAD_FORUMS має бути all або on-demand, а не «${raw}».`, `LOAD_FORUMS must be all or on-demand, not "${raw}".`);
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = wholeNumber(env, 'PORT', 3000, 65535);
  const key = env.FACILITATOR_KEY || undefined;
  if (key !== undefined && key.length < MIN_KEY_LENGTH) {
    throw new StartupError(
      `FACILITATOR_KEY закороткий: символів у ньому ${key.length}, а потрібно щонайменше ${MIN_KEY_LENGTH} (або не задавайте його, і буде створено надійний ключ).`,
      `FACILITATOR_KEY is ${key.length} characters long; use at least ${MIN_KEY_LENGTH} (or leave it unset and a strong key is made for you).`,
    );
  }
  const admission = env.ADMISSION || 'hall';
  if (!(ADMISSION_MODES as readonly string[]).includes(admission)) {
    throw new StartupError(`ADMISSION має бути одним із ${ADMISSION_MODES.join(', ')}, а не «${admission}».`, `ADMISSION must be one of ${ADMISSION_MODES.join(', ')}, not "${admission}".`);
  }
  const trust = env.TRUST_PROXY === 'true' ? '1' : env.TRUST_PROXY === 'false' ? '0' : env.TRUST_PROXY;
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dbPath: env.VICHE_DB || `${ROOT}data/viche.db`,
    databaseUrl: databaseUrlFrom(env),
    metricsKey: env.METRICS_KEY || undefined,
    publicUrl: env.PUBLIC_URL || undefined,
    facilitatorKey: key,
    templatePath: env.VICHE_TEMPLATE || `${ROOT}data/zhytomyr-2030.json`,
    clientDir: `${ROOT}dist/client`,
    admission: admission as AdmissionMode,
    maxPerAddress: wholeNumber(env, 'MAX_PARTICIPANTS_PER_ADDRESS', DEFAULT_MAX_PER_ADDRESS, LIMITS.maxPerAddress),
    expectedAttendance: wholeNumber(env, 'EXPECTED_ATTENDANCE', EXPECTED_ATTENDANCE_DEFAULT, LIMITS.expectedAttendance),
    joinBurst: joinBurstFrom(env),
    ...(env.SMTP_URL ? { smtp: { url: env.SMTP_URL, from: env.SMTP_FROM || 'viche@localhost' } } : {}),
    ...(env.OIDC_ISSUER ? { oidc: { issuer: env.OIDC_ISSUER, clientId: env.OIDC_CLIENT_ID ?? '', clientSecret: env.OIDC_CLIENT_SECRET ?? '', ...(env.OIDC_SCOPE ? { scope: env.OIDC_SCOPE } : {}), ...(env.OIDC_PERSON_CLAIM ? { personClaim: personClaimOf(env.OIDC_PERSON_CLAIM) } : {}) } } : {}),
    ...(env.SMS_GATEWAY_URL ? { smsGateway: { url: env.SMS_GATEWAY_URL, token: env.SMS_GATEWAY_TOKEN ?? '' } } : {}),
    trustProxy: wholeNumber({ TRUST_PROXY: trust }, 'TRUST_PROXY', 0, 10),
    wsCompression: wholeNumber(env, 'WS_COMPRESSION', 0, 1) === 1,
    allowedHosts: (env.ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean),
    record: recordInfoFrom(env),
    readOnly: wholeNumber(env, 'READ_ONLY', 0, 1) === 1,
    snapshotEvery: wholeNumber(env, 'SNAPSHOT_EVERY', SNAPSHOT_EVERY_DEFAULT, 100_000_000),
    loadForums: loadForumsFrom(env),
    idleUnloadMs: wholeNumber(env, 'IDLE_UNLOAD_MINUTES', IDLE_UNLOAD_MS_DEFAULT / 60_000, 24 * 60) * 60_000,
    consolePagedAbove: wholeNumber(env, 'CONSOLE_PAGED_ABOVE', PAGED_ABOVE, 10_000_000),
    cityBackupEveryMs: wholeNumber(env, 'CITY_BACKUP_MINUTES', CITY_BACKUP_MS / 60_000, 7 * 24 * 60) * 60_000,
    cityBackupsKept: Math.max(1, wholeNumber(env, 'CITY_BACKUPS_KEPT', CITY_BACKUPS_KEPT, 100_000)),
    ...(env.WALL_BYTES_PER_SECOND ? { wallBudget: wallBudgetOf(wholeNumber(env, 'WALL_BYTES_PER_SECOND', WALL_BUDGET.bytesPerSecond, 10_000_000)) } : {}),
  };
}

export interface RunningServer {
  port: number;
  /** The local address, for this machine's own browser. */
  localUrl: string;
  /** The address phones open for the primary forum, with the code in force now (none with tickets). */
  readonly joinUrl: string;
  /** The console's forum list, with the facilitator's key, at the local address (this machine's browser). */
  readonly consoleUrl: string;
  /** The same at the public address (`baseUrl`), for a tablet or another computer. */
  readonly publicConsoleUrl: string;
  /** The primary forum's projector address, with its display key, at the public address. */
  readonly screenUrl: string;
  /** The same at the local address, for a projector plugged into this machine. */
  readonly localScreenUrl: string;
  /** The primary forum's code in force now: the hall's current code, the fixed code, or '' with tickets. */
  readonly joinCode: string;
  readonly facilitatorKey: string;
  /** The address phones are given, without a forum or a code. */
  baseUrl: string;
  /** Whether phones can open `baseUrl` (not when the server listens on a loopback address only). */
  reachable: Reachability;
  /** What the facilitator should fix before the hall arrives, in Ukrainian and English, for the start-up text. */
  warning?: string;
  /** Started with READ_ONLY=1: why nothing is saved, for the start-up text (with a damaged log, what is wrong with it). */
  readOnly?: string;
  /** Every forum on the server. */
  forums: Forums<OpenForum>;
  /** The primary forum (the newest not archived): the one a server of a single forum is about. */
  readonly room: ForumRoom;
  readonly admission: Admission;
  /** The primary forum's part of its addresses: /f/<slug>. */
  readonly slug: string;
  io: AppServer;
  /** Forums are opened on demand by any of several processes on one PostgreSQL database: one opened here for no one is let go. */
  handOff: boolean;
  close(): Promise<void>;
}

/** The template, read and checked; a failure says which file and what is wrong with it. */
function readTemplate(path: string): { title: string; structure: Structure } {
  try {
    return loadTemplate(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'it cannot be read' : (err as Error).message;
    const whyUk = code === 'ENOENT' ? 'такого файлу немає' : code === 'EACCES' ? 'його не вдається прочитати' : (err as Error).message;
    throw new StartupError(
      `Шаблон ${path} не можна використати (${whyUk}). Виправте його або вкажіть у VICHE_TEMPLATE інше дерево пріоритетів.`,
      `The template ${path} cannot be used (${why}). Fix it, or set VICHE_TEMPLATE to another priority tree.`,
    );
  }
}

/** Removes `folder` and its parents up to `top`, each only while empty. */
function removeEmptyFolders(folder: string, top: string): void {
  for (let dir = folder; ; dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return;
    }
    if (dir === top || dirname(dir) === dir) return;
  }
}

/**
 * Connections waiting to be accepted. Node's default (511) overflowed when 1,000 phones came back
 * at once after a Wi-Fi drop (`npm run bench`, reconnect storm: 3,838 attempts dropped, each a
 * phone retrying seconds later); Linux caps this at net.core.somaxconn (4,096 by default).
 */
const LISTEN_BACKLOG = 4096;

function listen(httpServer: ReturnType<typeof createHttpServer>, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    httpServer.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new StartupError(
            `Порт ${port} на ${host} уже зайнятий: його слухає інша програма (можливо, Віче). Зупиніть її або виберіть інший порт у PORT.`,
            `Port ${port} is already in use on ${host}: another program (perhaps Viche) listens there. Stop it, or choose another port with PORT.`,
          ),
        );
      } else if (err.code === 'EACCES') {
        reject(new StartupError(`Порт ${port} потребує прав адміністратора; виберіть у PORT порт понад 1023.`, `Port ${port} needs administrator rights; choose a port above 1023 with PORT.`));
      } else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
        reject(new StartupError(`HOST=${host} — не адреса цього комп’ютера; не задавайте HOST, щоб слухати на всіх адресах.`, `HOST=${host} is not an address of this computer; leave HOST unset to listen on all of them.`));
      } else reject(err);
    });
    httpServer.listen({ port, host, backlog: LISTEN_BACKLOG }, () => resolve());
  });
}

/**
 * Starts a forum's server. In order, so that a failure leaves no new or changed file behind: the
 * database path is checked, its writer lock taken (one server per file), the template read if a
 * new forum will need it, the port opened, and only then the database opened or created.
 */
function createBackups(
  store: ForumStore & Required<Pick<ForumStore, 'backup'>>,
  dbPath: string,
  forums: Forums<OpenForum>,
  log: Logger,
  hourlyMs: number,
  city: { everyMs: number; keep: number },
) {
  let latest: BackupInfo | null = listBackups(dbPath)[0] ?? null;
  let running: Promise<void> = Promise.resolve();
  /** The store's write count when the last backup began (or the server started): an hourly one needs something newer. */
  let writesBacked = -1;
  void store.writeCount?.().then((n) => (writesBacked = n));
  /** Backups asked for and not yet written: an hourly one is not queued behind another. */
  let pending = 0;
  const take = (reason: BackupReason) => {
    pending++;
    running = running.then(async () => {
      const writes = (await store.writeCount?.()) ?? -1;
      try {
        // The console sees it with its next update (there is one with almost every action).
        latest = await store.backup(reason);
        writesBacked = writes;
        log.info({ file: latest.file }, `backup taken (${reason.kind === 'phase' ? `phase-${reason.phase}` : reason.kind})`);
      } catch (err) {
        log.error({ err, reason }, 'backup failed');
      } finally {
        pending--;
      }
    });
    return running;
  };
  const unsubscribe = forums.onChange((forumId, effects) => {
    if (effects?.phase) void take({ kind: 'phase', phase: effects.phase, forum: (forumId && forums.get(forumId)?.room.record.slug) || 'unknown' });
  });
  // Hourly while a forum runs (not archived, not closed) and only if something was stored since
  // the last backup: an idle server leaves the folder as it is.
  /** A city vote open to ballots, which may run for days: backed up on its own clock (city-vote). */
  const cityVoteOpen = () => forums.list().some((f) => !f.room.state.archived && f.room.state.phase === 'voting' && f.room.state.city.vote !== null);
  const changedSinceBackup = async () => pending === 0 && ((await store.writeCount?.()) ?? 0) !== writesBacked;
  const hourly =
    hourlyMs > 0
      ? setInterval(async () => {
          const runs = forums.list().some((f) => !f.room.state.archived && f.room.state.phase !== 'closed');
          // While a city vote is open its own backups keep the folder up to date.
          if (city.everyMs > 0 && cityVoteOpen()) return;
          if (runs && (await changedSinceBackup())) void take({ kind: 'hourly' });
        }, hourlyMs)
      : null;
  hourly?.unref();
  const cityVote =
    city.everyMs > 0
      ? setInterval(async () => {
          if (cityVoteOpen() && (await changedSinceBackup())) void take({ kind: 'city-vote', keep: city.keep });
        }, city.everyMs)
      : null;
  cityVote?.unref();
  const rescan = setInterval(() => {
    const newest = listBackups(dbPath)[0] ?? null;
    if (newest && newest.file !== latest?.file && newest.at > (latest?.at ?? 0)) {
      latest = newest;
      for (const f of forums.list()) f.room.changed();
    }
  }, 30_000);
  rescan.unref();
  return {
    latest: () => latest,
    /** The last backup, at shutdown, after any still being taken. */
    stop() {
      unsubscribe();
      clearInterval(rescan);
      if (hourly) clearInterval(hourly);
      if (cityVote) clearInterval(cityVote);
      return take({ kind: 'shutdown' });
    },
  };
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const log = config.logger ?? createLogger();
  if (config.facilitatorKey !== undefined && config.facilitatorKey.length < MIN_KEY_LENGTH) {
    throw new StartupError(
      `FACILITATOR_KEY закороткий: символів у ньому ${config.facilitatorKey.length}, а потрібно щонайменше ${MIN_KEY_LENGTH}.`,
      `FACILITATOR_KEY is ${config.facilitatorKey.length} characters long; use at least ${MIN_KEY_LENGTH}.`,
    );
  }
  let lock: WriterLock | null = null;
  /** With DATABASE_URL: each forum's lock in PostgreSQL, given up at close. */
  let pgLease: PostgresLease | null = null;
  /** What the start-up text and its errors call the store: the SQLite file, or the PostgreSQL database. */
  const storeName = config.databaseUrl && !config.store ? describeDatabase(config.databaseUrl) : config.dbPath;
  /** The first folder made for a new database, if any: a failed start takes it away again. */
  let madeFolder: string | undefined;
  let store: ForumStore | null = config.store ?? null;
  const httpServer = createHttpServer();
  let template: { title: string; structure: Structure } | null = null;
  let lemmaOf: LemmaOf | undefined;
  /** The PostgreSQL schema, when the server made its store from DATABASE_URL: other processes write there too. */
  let pgSchema: string | null = null;
  try {
    if (!store && config.databaseUrl && config.readOnly) {
      throw new StartupError(
        'READ_ONLY=1 відкриває лише файл SQLite (VICHE_DB); щоб переглянути форуми з PostgreSQL, зробіть pg_dump і відкрийте копію бази або не задавайте READ_ONLY.',
        'READ_ONLY=1 opens a SQLite file (VICHE_DB) only; to look at forums kept in PostgreSQL, open a copy of the database made with pg_dump, or leave READ_ONLY unset.',
      );
    }
    if (!store && !config.databaseUrl) {
      const { exists } = checkDatabasePath(config.dbPath, config.readOnly);
      if (!exists) template = readTemplate(config.templatePath);
      madeFolder = mkdirSync(dirname(config.dbPath), { recursive: true });
      lock = WriterLock.acquire(config.dbPath, config.port);
    }
    // The duplicate finder's dictionary, where installed, read once per process (a few hundred ms)
    // before the port opens: a phone reconnecting to a port that answers nothing yet waits out its
    // request's timeout and then its back-off, seconds after the server is ready.
    lemmaOf = await ukrainianLemmatizer();
    await listen(httpServer, config.port, config.host);
    if (!store && config.databaseUrl) {
      // Loaded only here: a server on its SQLite file never loads the PostgreSQL driver.
      const [{ PostgresStore }, { PostgresLease }] = await Promise.all([import('./db/postgres.js'), import('./forums/pgLease.js')]);
      const pgStore = await PostgresStore.open(config.databaseUrl);
      store = pgStore;
      pgSchema = pgStore.schema;
      if (!config.lease) pgLease = new PostgresLease(config.databaseUrl);
    }
    if (!store) {
      store = new SqliteStore(config.dbPath, {
        readOnly: config.readOnly,
        onPersonalDataDeleted: (report) =>
          log.info(
            { forumId: report.forumId, eventsRewritten: report.eventsRewritten, backupsDeleted: report.backupsDeleted, backupsUnreadable: report.backupsUnreadable, ms: report.ms },
            `city vote's personal data deleted: ${report.eventsRewritten} events rewritten, ${report.backupsDeleted.length} backups holding it deleted`,
          ),
      });
      // A new forum's file exists only now: from here, every name of it is locked.
      lock?.holdFile();
    }
  } catch (err) {
    httpServer.close();
    if (!config.store) await store?.close();
    await pgLease?.close();
    lock?.release();
    if (madeFolder && !existsSync(config.dbPath)) removeEmptyFolders(dirname(config.dbPath), madeFolder);
    throw startupErrorOf(err, config.dbPath) ?? err;
  }
  const port = (httpServer.address() as AddressInfo).port;
  const base = phoneBaseUrl(port, config.publicUrl, config.host);
  const localUrl = `http://localhost:${port}`;
  const limits = new Limits(config.limits);
  const keys = new KeyGuard(limits.wrongKeys, log, () => forums.secrets.reloadAfterMiss());
  // Read through `forums` once it exists: a grant is only issued or checked after start-up.
  const grants = new Grants({
    get grantKey() {
      return forums.secrets.grantKey;
    },
    reloadAfterMiss: () => forums.secrets.reloadAfterMiss(),
  });
  const origins = new OriginCheck({ publicUrl: config.publicUrl, extraHosts: config.allowedHosts });
  let refusedOriginLogged = 0;
  const io: AppServer = new Server(httpServer, {
    // Only pages of this server, under its own names, open a connection (server/http/origins.ts).
    allowRequest: (req, callback) => {
      const allowed = origins.hostAllowed(req.headers.host) && origins.originAllowed(req.headers.origin, req.headers.host);
      if (!allowed && Date.now() - refusedOriginLogged > 60_000) {
        refusedOriginLogged = Date.now();
        log.warn({ host: req.headers.host, origin: req.headers.origin }, 'connection refused: another site or an unknown name (ALLOWED_HOSTS adds names)');
      }
      callback(allowed ? null : 'origin', allowed);
    },
    // A structure import is the largest message; nothing a phone sends comes near this.
    maxHttpBufferSize: 256 * 1024,
    pingInterval: 10_000,
    // A phone on a slow network reads a whole page of long cards (tens of kilobytes) before the
    // ping behind it: 20 s lets one at 5 KB/s answer, where 8 s cut it while merely slow.
    pingTimeout: 20_000,
    serveClient: false,
    // No WebSocket compression by default: it keeps a zlib context per phone and compresses each
    // broadcast once per phone; without it a broadcast is framed once and the same bytes go to
    // every phone (`npm run bench`, part connections, measures both). The large messages are made
    // small instead: the wall of ideas is sent as changes, and gzipped once when sent whole.
    perMessageDeflate: config.wsCompression ? { threshold: 8 * 1024, serverNoContextTakeover: true, clientNoContextTakeover: true, zlibDeflateOptions: { level: 4 } } : false,
  });
  const storage = new StorageHealth();
  const opened = store;
  const lease = pgLease;
  const storeReachable = lease ? () => lease.ping().then(() => true, () => false) : undefined;
  const metrics = new ServerMetrics({
    forumsOwned: () => forums.list().filter((f) => !f.room.servedElsewhere && !f.room.leaseSuspended()).length,
    connections: () => io.engine.clientsCount,
    storeReachable: storeReachable ?? null,
    leaseLosses: lease ? () => ({ ...lease.losses }) : null,
  });
  metrics.timeWrites(opened);
  if (opened.probeWrite) storage.probe = () => opened.probeWrite!();
  storage.events = {
    // Started read-only, the start-up text has said so: no fault to log every minute.
    failed: (cause, detail, refused) => {
      if (cause !== 'readOnlyStart') log.error({ cause, detail, refused }, `storage unavailable (${cause}): actions are refused, nothing is saved until it is back`);
    },
    recovered: (downMs, refused) => log.warn({ downMs, refused }, 'storage is back: actions are saved again'),
    changed: () => {
      for (const f of forums.list()) f.room.changed();
    },
  };
  let backups: ReturnType<typeof createBackups> | null = null;
  const health = (): ConsoleStatus => ({ storage: storage.status(), backup: backups?.latest() ?? null, reachable: base.reachable });
  const push: PushOptions = { displayThrottleMs: config.displayThrottleMs, consoleRowsPerPart: config.consoleRowsPerPart, consolePagedAbove: config.consolePagedAbove, retentionCheckMs: config.retentionCheckMs, phonesTurnMs: config.phonesTurnMs, ideaPatchMs: config.ideaPatchMs, wallBudget: config.wallBudget };

  /** Every console (of every forum, and the forum list): they connected with a key now void. */
  const disconnectConsoles = () => {
    io.of('/').disconnectSockets(true);
    for (const f of forums.list()) f.attached.nsp.in(CONSOLES).disconnectSockets(true);
  };
  /** Disconnects every console once the ack has gone out. */
  const rotateKey = async (): Promise<string> => {
    const key = await forums.rotateKey();
    log.info('facilitator key rotated; consoles with the old key are disconnected');
    setImmediate(disconnectConsoles);
    return key;
  };

  const signIn = config.oidc ? new OidcSignIn(config.oidc, `${base.url}/auth/oidc/callback`) : null;
  const codeSenders = {
    ...(config.smtp ? { email: smtpSender(config.smtp) } : {}),
    ...(config.smsGateway ? { sms: smsGatewaySender(config.smsGateway) } : {}),
  };
  const attach = (room: ForumRoom): OpenForum => {
    const slug = room.record.slug;
    if (config.presenceGraceMs !== undefined) room.presenceGraceMs = config.presenceGraceMs;
    let personKeys: PersonKeys | undefined;
    const admission = new Admission(room, {
      publicUrl: base.url,
      baseUrl: `${base.url}/f/${slug}`,
      screenBaseUrl: `${base.url}/f/${slug}/screen`,
      codeSenders,
      ...(signIn ? { signIn } : {}),
      // Worked out on first use: the forums that open at start-up attach before `forums` is assigned.
      personKeys: () => (personKeys ??= new PersonKeys(forums.secrets.personKey, room.record.id)),
      defaultMaxPerAddress: config.maxPerAddress ?? DEFAULT_MAX_PER_ADDRESS,
      defaultExpectedAttendance: config.expectedAttendance ?? EXPECTED_ATTENDANCE_DEFAULT,
      burst: config.joinBurst ?? JOIN_BURST_DEFAULT,
      keyFromEnv: config.facilitatorKey !== undefined,
      periodMs: config.hallCodePeriodMs,
    });
    const duplicates = new Duplicates(room, lemmaOf);
    dropNamespace(io, `/f/${slug}`);
    const nsp: AppNamespace = io.of(`/f/${slug}`);
    const realtime = attachRealtime(nsp, {
      room,
      admission,
      limits,
      keys,
      grants,
      log,
      trustProxy: config.trustProxy ?? 0,
      push,
      health,
      duplicates,
      facilitatorKey: () => forums.facilitatorKey,
      rotateKey,
      answered: metrics.answered,
    });
    const router = forumRouter({
      room,
      clientDir: config.clientDir,
      baseUrl: `${base.url}/f/${slug}`,
      record: config.record ?? {},
      keys,
      grants,
      trustProxy: config.trustProxy ?? 0,
      facilitatorKey: () => forums.facilitatorKey,
      personKey: () => forums.secrets.personKey,
      forumFile: (kind) =>
        forumFileText(room.state, (after, limit) => forums.eventPage(room.record.id, after, limit), {
          kind,
          facilitatorKey: forums.facilitatorKey,
          // A whole turn between pages: a page written after the socket drained (an I/O callback)
          // and a setImmediate made the next page in the same loop, two pages a turn, 20 to 27 ms
          // of CPU (scripts/stalls.ts, profiled).
          pause: nextTurn,
        }),
      phone: { realtime, waiting: (tokenHash) => admission.waitingFor(tokenHash) },
    });
    return {
      admission,
      duplicates,
      nsp,
      router,
      connections: () => nsp.sockets.size,
      // Their transports closed, not the sockets: a socket ended by the server is not reconnected
      // by Socket.IO's client, a lost transport is, through the proxy to where the forum went.
      dropConnections() {
        for (const socket of nsp.sockets.values()) socket.conn.close();
      },
      close() {
        realtime.close();
        duplicates.close();
        nsp.disconnectSockets(true);
        nsp.removeAllListeners();
        // Socket.IO has no public way to drop a namespace; a deleted forum's would otherwise linger.
        io._nsps.delete(nsp.name);
      },
    };
  };

  let forums: Forums<OpenForum>;
  /** Read-only: what the start-up check found wrong, said in the start-up text instead of stopping it. */
  const damaged: { uk: string; en: string }[] = [];
  /** Where each forum's log was found clean, by the last start and by this one. */
  let marks = new Map<string, CheckedMark>();
  const nextMarks = new Map<string, CheckedMark>();
  const trustsSnapshot = (forumId: string, seq: number) => (marks.get(forumId)?.seq ?? -1) >= seq;
  /**
   * Each forum's mark as it stands in the store, written over that forum only: with several
   * processes on one store, the marks of the forums they hold are theirs to keep. Two processes
   * writing at once may lose one's mark: that forum's log is then only checked again.
   */
  let storingMarks: Promise<void> = Promise.resolve();
  const storeMark = (forumId: string) => {
    if (config.readOnly) return;
    storingMarks = storingMarks
      .then(async () => {
        const mark = nextMarks.get(forumId);
        if (!mark) return;
        const stored = marksFrom(await store!.getSetting('log_checked'));
        stored.set(forumId, mark);
        await store!.setSetting('log_checked', marksSetting(stored));
      })
      .catch(() => {});
  };
  /**
   * Before a forum opens on demand: the latest of the marks the store holds for it (left by the
   * process that held it last, maybe another) and those of this process. Taking another process's
   * mark on trust is as safe as taking one left by an earlier start: a mark is written only by a
   * process that checked the log up to it (checkForumLog), or that stored a snapshot at it from
   * its saved copy, every event of which was checked at its start or decided there by the rules;
   * and the mark lives in the same store as the log and the snapshot it vouches for.
   */
  const beforeOpen = async (forumId: string) => {
    const stored = await store!.getSetting('log_checked').then(marksFrom, () => new Map<string, CheckedMark>());
    const latest = [stored.get(forumId), nextMarks.get(forumId), marks.get(forumId)].reduce((a, b) => (b && (!a || b.seq > a.seq) ? b : a));
    if (latest) marks.set(forumId, latest);
  };
  const checkLog = async (loaded: Parameters<typeof checkForumLog>[0], from: Parameters<typeof checkForumLog>[2], turns: Parameters<typeof checkForumLog>[3]) => {
    const before = marks.get(loaded.forum.id);
    // A snapshot beyond where a start last found the log clean: the log is checked whole, as ever.
    if (from && !trustsSnapshot(loaded.forum.id, from.seq)) return null;
    const { state, damage, mark, checked } = await checkForumLog(loaded, before, from, turns);
    if (mark) nextMarks.set(loaded.forum.id, mark);
    // Opened on demand, the forum's mark is stored at once: the process it goes to next uses it.
    if (mark && config.loadForums === 'on-demand') storeMark(loaded.forum.id);
    log.debug({ forum: loaded.forum.slug, events: loaded.events.length, checked }, 'log checked against the rules');
    if (damage) {
      const error = damagedLogError(storeName, loaded, state, damage);
      if (!config.readOnly) throw error;
      damaged.push({ uk: error.uk.replace(/; покладіть на місце.*$/, '.'), en: error.en.replace(/; put a backup.*$/, '.') });
      log.warn({ forum: loaded.forum.slug, problems: damage.count, first: damage.first }, 'damaged log opened read-only');
    }
    return state;
  };
  try {
    marks = marksFrom(await store.getSetting('log_checked'));
    forums = await Forums.open(store, storage, attach, {
      facilitatorKey: config.facilitatorKey,
      checkLog,
      trustsSnapshot,
      beforeOpen,
      lease: config.lease ?? pgLease ?? new FileLease(lock),
      onDemand: config.loadForums === 'on-demand' ? { idleMs: config.idleUnloadMs ?? IDLE_UNLOAD_MS_DEFAULT } : undefined,
      onUnloaded: (forum) => log.info({ forum: forum.slug }, 'idle forum closed'),
      onHandedBack: (forum, why) =>
        log.info({ forum: forum.slug, why }, why === 'stale' ? 'forum closed: another process wrote to it while this one had lost its lock; opened again from the log on its next use' : 'forum let go to the process the proxy sends it to; its connections closed to reconnect there'),
      summaryEveryMs: pgSchema !== null ? SUMMARY_SHARED_EVERY_MS : undefined,
      onSummaryFailed: (forum, err) => log.warn({ forum: forum.slug, err: (err as Error)?.message }, 'the forum list’s summary of a forum was not stored: tried again later'),
      onElsewhere: (forum) => log.warn({ forum: forum.slug }, 'forum not opened: another server process holds its lease'),
      onSnapshot: (loaded, outcome) => {
        if (outcome.opened) log.info({ forum: loaded.forum.slug, seq: loaded.snapshot!.seq, eventsAfter: outcome.eventsAfter }, 'forum opened from its snapshot');
        else log.warn({ forum: loaded.forum.slug, seq: loaded.snapshot!.seq, why: outcome.why }, 'snapshot not used: the forum opened from its whole log');
      },
      snapshots:
        config.readOnly || (config.snapshotEvery ?? SNAPSHOT_EVERY_DEFAULT) === 0
          ? undefined
          : {
              every: config.snapshotEvery ?? SNAPSHOT_EVERY_DEFAULT,
              onSaved: (forumId, seq, ms) => {
                log.info({ forum: forums?.get(forumId)?.room.record.slug, seq, ms: Math.round(ms) }, 'snapshot saved');
                // Every event up to it was checked at this start or decided here by the rules: the
                // next start takes the snapshot on trust and checks the events after it.
                nextMarks.set(forumId, snapshotMark(seq));
                storeMark(forumId);
              },
              onFailed: (forumId, seq, err) => log.warn({ forumId, seq, err: (err as Error).message }, 'snapshot not saved: the log holds everything, the next one is tried later'),
            },
    });
    // The next start checks only what is added from here (a forum made just now has its mark at its next start).
    // Those of forums not opened here (opened on demand, or held by another process) are kept.
    if (!config.readOnly && nextMarks.size > 0) {
      const stored = marksFrom(await store.getSetting('log_checked'));
      const merged = marksSetting(new Map([...stored, ...nextMarks]));
      if (merged !== marksSetting(stored)) await store.setSetting('log_checked', merged);
    }
    if (forums.records().length === 0) {
      if (config.readOnly) {
        throw new StartupError(
          `У ${config.dbPath} немає форуму, який можна переглянути: READ_ONLY=1 відкриває наявний форум; не задавайте його, щоб почати новий.`,
          `${config.dbPath} holds no forum to look at: READ_ONLY=1 opens an existing forum; leave it unset to start a new one.`,
        );
      }
      template ??= readTemplate(config.templatePath);
      await forums.create({ title: template.title, structure: template.structure, admission: config.admission ?? 'hall', titled: false });
    }
  } catch (err) {
    io.close();
    httpServer.close();
    if (!config.store) await store.close();
    await pgLease?.close();
    lock?.release();
    throw (config.databaseUrl && !config.store ? pgStartupError(err, storeName) : startupErrorOf(err, config.dbPath)) ?? err;
  }
  // The console shows it from the first moment, as any storage fault; it never clears.
  const readOnly = config.readOnly
    ? [
        ['Запущено лише для читання (READ_ONLY=1): нічого не зберігається, кожну дію відхилено.', ...damaged.map((d) => d.uk)].join(' '),
        ['Started read-only (READ_ONLY=1): nothing is saved, every action is refused.', ...damaged.map((d) => d.en)].join(' '),
      ].join(' / ')
    : undefined;
  if (config.readOnly) storage.failed(new StorageUnavailable('readOnlyStart', READ_ONLY_DETAIL));

  // A connection to a forum not open here: opened first (on demand), or refused in words.
  attachNotServed(io, { onDemand: config.loadForums === 'on-demand', forums: () => forums as Forums<Attached> | undefined, log });
  const primary = () => forums.primary()!;
  const app = createHttpApp({
    forums,
    clientDir: config.clientDir,
    baseUrl: base.url,
    record: config.record ?? {},
    keys,
    grants,
    trustProxy: config.trustProxy ?? 0,
    log,
    origins,
    storeReachable,
    metrics: { metrics, key: config.metricsKey },
    signIn,
  });
  httpServer.on('request', app);
  // Backups: at every phase change, hourly while a forum runs, and at shutdown (server/db/backup.ts
  // says which are kept); the newest is shown on the console, also when `npm run backup` made it
  // (the folder is looked at again every half minute). None read-only: a backup of a damaged file
  // would push the oldest good one out.
  backups =
    store.backup && !config.readOnly
      ? createBackups(store as ForumStore & Required<Pick<ForumStore, 'backup'>>, config.dbPath, forums, log, config.backupEveryMs ?? HOURLY_BACKUP_MS, {
          everyMs: config.cityBackupEveryMs ?? CITY_BACKUP_MS,
          keep: config.cityBackupsKept ?? CITY_BACKUPS_KEPT,
        })
      : null;
  // Another process on the same store rotated the key: its consoles here are disconnected as its own.
  const stopRotations = forums.secrets.onRotatedElsewhere(() => {
    log.info('facilitator key rotated by another server process; consoles with the old key are disconnected');
    disconnectConsoles();
  });
  const secretsPollMs = config.secretsPollMs ?? SECRETS_POLL_MS;
  const secretsPoll =
    secretsPollMs > 0
      ? setInterval(() => {
          forums.secrets.reload().catch((err: unknown) => log.warn({ err }, 'could not read the keys again from the store'));
        }, secretsPollMs)
      : null;
  secretsPoll?.unref();
  /** Several processes on one PostgreSQL database, each forum opened where the proxy sends it. */
  const handOff = pgLease !== null && config.loadForums === 'on-demand';
  const list = attachForumList(io.of('/'), { forums, limits, keys, grants, log, trustProxy: config.trustProxy ?? 0, admission: config.admission ?? 'hall', templatePath: config.templatePath, publicUrl: base.url, listPollMs: config.listPollMs, handOff });
  // What the other processes on the database change reaches this one's forum lists within a
  // second or so: their summaries poke (db/pgSchema.ts SUMMARIES_CHANNEL); the poll stays for a poke lost.
  // (Loaded only then: a server on its SQLite file never loads the PostgreSQL driver.)
  const poke = () => list.poke();
  const summariesHeard =
    pgSchema !== null && config.databaseUrl
      ? new (await import('./db/pgListen.js')).PgListener(config.databaseUrl, pgSchema, [SUMMARIES_CHANNEL], { notified: poke, connected: poke }, 500, 'viche-summaries')
      : null;

  let closed: Promise<void> | null = null;
  return {
    port,
    localUrl,
    get joinUrl() {
      return primary().attached.admission.joinInfo(Date.now()).joinUrl;
    },
    get consoleUrl() {
      return `${localUrl}/console?key=${encodeURIComponent(forums.facilitatorKey)}`;
    },
    get publicConsoleUrl() {
      return `${base.url}/console?key=${encodeURIComponent(forums.facilitatorKey)}`;
    },
    get screenUrl() {
      return primary().attached.admission.screenUrl();
    },
    get localScreenUrl() {
      const url = new URL(primary().attached.admission.screenUrl());
      return `${localUrl}${url.pathname}${url.search}`;
    },
    get joinCode() {
      return primary().attached.admission.joinInfo(Date.now()).joinCode;
    },
    get facilitatorKey() {
      return forums.facilitatorKey;
    },
    baseUrl: base.url,
    reachable: base.reachable,
    warning: base.warning,
    readOnly,
    forums,
    get room() {
      return primary().room;
    },
    get admission() {
      return primary().attached.admission;
    },
    get slug() {
      // On demand, before any forum is opened: the newest one's address.
      return forums.primary()?.room.record.slug ?? forums.records().at(-1)!.slug;
    },
    handOff,
    io,
    close() {
      closed ??= new Promise<void>((resolve) => {
        list.close();
        void summariesHeard?.close();
        stopRotations();
        if (secretsPoll) clearInterval(secretsPoll);
        // What the forums took is stored before the store closes.
        const forumsClosed = forums.close();
        io.close(() => {
          void forumsClosed
            .then(() => backups?.stop())
            .finally(async () => {
              await store!.close();
              await pgLease?.close();
              lock?.release();
              resolve();
            });
        });
        httpServer.closeAllConnections();
      });
      return closed;
    },
  };
}
