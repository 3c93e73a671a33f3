// The composition root: config → store → forum room → HTTP app → Socket.IO. Returns a handle
// with close(), so tests start and stop a whole server in-process on port 0.

import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import { SqliteStore } from './db/sqlite.js';
import type { ForumStore } from './db/store.js';
import { ForumRoom } from './forum/room.js';
import { loadTemplate } from './forum/template.js';
import { createHttpApp } from './http/app.js';
import { createLogger, type Logger } from './log.js';
import { phoneBaseUrl } from './net.js';
import { attachRealtime, type AppServer } from './realtime/socket.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ServerConfig {
  port: number;
  host: string;
  /** Path of the SQLite file; ignored when `store` is given. */
  dbPath: string;
  store?: ForumStore;
  /** Base URL given to phones; detected from the LAN when absent. */
  publicUrl?: string;
  /** Overrides the key stored with the forum. */
  facilitatorKey?: string;
  templatePath: string;
  clientDir: string;
  logger?: Logger;
  /** Least time between two updates of the projector and console (coalescing); 200 ms by default. */
  displayThrottleMs?: number;
  /** How long a dropped phone still counts as online; 5 s by default. */
  presenceGraceMs?: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = env.PORT === undefined ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dbPath: env.VICHE_DB || `${ROOT}data/viche.db`,
    publicUrl: env.PUBLIC_URL || undefined,
    facilitatorKey: env.FACILITATOR_KEY || undefined,
    templatePath: env.VICHE_TEMPLATE || `${ROOT}data/zhytomyr-2030.json`,
    clientDir: `${ROOT}dist/client`,
  };
}

export interface RunningServer {
  port: number;
  /** The local address, for this machine's own browser. */
  localUrl: string;
  joinUrl: string;
  consoleUrl: string;
  screenUrl: string;
  joinCode: string;
  facilitatorKey: string;
  warning?: string;
  room: ForumRoom;
  io: AppServer;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const log = config.logger ?? createLogger();
  const store = config.store ?? new SqliteStore(config.dbPath);
  const room = ForumRoom.open(store, loadTemplate(config.templatePath), config.facilitatorKey);
  const facilitatorKey = () => config.facilitatorKey || room.record.facilitatorKey;
  if (config.presenceGraceMs !== undefined) room.presenceGraceMs = config.presenceGraceMs;

  const httpServer = createHttpServer();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const base = phoneBaseUrl(port, config.publicUrl);
  const joinUrl = `${base.url}/?c=${room.state.joinCode}`;

  const app = createHttpApp({ room, clientDir: config.clientDir, joinUrl, facilitatorKey });
  httpServer.on('request', app);
  const io: AppServer = new Server(httpServer, {
    // A structure import is the largest message; nothing a phone sends comes near this.
    maxHttpBufferSize: 256 * 1024,
    pingInterval: 10_000,
    pingTimeout: 8_000,
    serveClient: false,
    // Only large messages (the idea list a phone gets at connect, the console's view) are worth
    // compressing on a congested Wi-Fi: 250 ideas go from about 120 KB to under 10 KB. The cost is
    // memory: with no context kept between messages, `npm run bench` still measured roughly
    // 0.3 MB more per connection at 1,000 phones, which a hall of thousands will have to revisit.
    perMessageDeflate: {
      threshold: 8 * 1024,
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      zlibDeflateOptions: { level: 4 },
    },
  });
  const realtime = attachRealtime(io, room, { joinUrl }, facilitatorKey, log, config.displayThrottleMs);

  const localUrl = `http://localhost:${port}`;
  let closed: Promise<void> | null = null;
  return {
    port,
    localUrl,
    joinUrl,
    consoleUrl: `${localUrl}/console?key=${encodeURIComponent(facilitatorKey())}`,
    screenUrl: `${localUrl}/screen`,
    joinCode: room.state.joinCode,
    facilitatorKey: facilitatorKey(),
    warning: base.warning,
    room,
    io,
    close() {
      closed ??= new Promise<void>((resolve) => {
        realtime.close();
        room.close();
        io.close(() => {
          store.close();
          resolve();
        });
        httpServer.closeAllConnections();
      });
      return closed;
    },
  };
}
