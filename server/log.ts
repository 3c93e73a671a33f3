// The server's logger: pino, because it writes structured lines cheaply and never blocks the
// event loop on a busy evening. Tests pass level 'silent'.

import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined });
}
