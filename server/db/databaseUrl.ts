// DATABASE_URL: a PostgreSQL connection string makes PostgreSQL the store (db/postgres.ts); read
// here without loading the driver, so that a server on its SQLite file never loads it.

import { StartupError, StorageUnavailable } from '../errors.js';

/** Whether DATABASE_URL names a PostgreSQL database. */
export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url);

/** The database a connection string names, without its user or password, for messages. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    return `PostgreSQL ${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

/** DATABASE_URL as the server takes it: unset, or a postgres:// address it can read. */
export function databaseUrlFrom(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL | null = null;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = null;
  }
  if (!isPostgresUrl(raw) || !parsed) {
    throw new StartupError(
      'DATABASE_URL має бути адресою PostgreSQL, як-от postgres://користувач:пароль@сервер:5432/база; не задавайте його, щоб зберігати форуми у файлі SQLite (VICHE_DB).',
      'DATABASE_URL must be a PostgreSQL address such as postgres://user:password@host:5432/database; leave it unset to keep forums in a SQLite file (VICHE_DB).',
    );
  }
  return raw;
}

/** A PostgreSQL failure while the forums are opened at start, as one sentence; null for others. */
export function pgStartupError(err: unknown, where: string): StartupError | null {
  if (err instanceof StartupError) return err;
  if (!(err instanceof StorageUnavailable)) return null;
  return new StartupError(
    `База ${where} перестала відповідати, поки відкривалися форуми (${err.detail}): запустіть Віче знову, коли PostgreSQL знову працюватиме.`,
    `${where} stopped answering while the forums were being opened (${err.detail}): start Viche again once PostgreSQL is back.`,
  );
}
