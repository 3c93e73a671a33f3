// `npm run cluster`: Viche as a city runs it for a vote open for days, on one machine. Debian's
// PostgreSQL in a folder of its own (data/cluster/postgres, kept between runs), CLUSTER_PROCESSES
// Viche processes on it (3 by default), each forum opened by whichever the proxy routes it to, and
// HAProxy in front (scripts/haproxy.ts says how it routes). Prints the addresses as `npm start`
// does, with the QR; Ctrl-C (or SIGTERM) stops them all.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import QRCode from 'qrcode';
import { phoneBaseUrl } from '../server/net.js';
import { haproxyMissing, startHaproxy, type RunningProxy } from './haproxy.js';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.js';
import { startServerProcess, type ServerProcess } from './process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const missing =
  haproxyMissing() ??
  (postgresMissing() &&
    `PostgreSQL не встановлено: встановіть його командою \`sudo apt-get install postgresql\` або вкажіть теку його програм у PG_BIN. / PostgreSQL is not installed: install it with \`sudo apt-get install postgresql\`, or set PG_BIN to the folder of its programs (${postgresMissing()}).`);
if (missing) {
  process.stderr.write(`${missing}\n`);
  process.exit(1);
}
const count = Number(process.env.CLUSTER_PROCESSES ?? 3);
if (!Number.isInteger(count) || count < 1 || count > 32) {
  process.stderr.write(`CLUSTER_PROCESSES має бути цілим числом від 1 до 32, а не «${process.env.CLUSTER_PROCESSES}». / CLUSTER_PROCESSES must be a whole number from 1 to 32, not "${process.env.CLUSTER_PROCESSES}".\n`);
  process.exit(1);
}
const host = process.env.HOST || '0.0.0.0';
const port = Number(process.env.PORT || 3000);
/** CLUSTER_DIR: where PostgreSQL's folder and HAProxy's configuration are kept (data/cluster by default). */
const folder = process.env.CLUSTER_DIR || join(ROOT, 'data', 'cluster');
mkdirSync(folder, { recursive: true });
// The address phones are given is the proxy's: PUBLIC_URL, or this machine's LAN address.
const base = phoneBaseUrl(port, process.env.PUBLIC_URL, host);

let postgres: TestPostgres | null = null;
let proxy: RunningProxy | null = null;
const processes: ServerProcess[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  stopping = true;
  await proxy?.stop();
  // Each process stores what it holds and lets its forums go on SIGTERM, as `npm start` does.
  await Promise.all(processes.map((p) => (p.child.exitCode === null ? (p.child.kill('SIGTERM'), p.exited) : null)));
  await postgres?.stopServer('fast').catch(() => {});
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    process.stdout.write('\n  Зупиняю… / Stopping…\n');
    void stopAll(0);
  });
}

try {
  postgres = await startPostgres({ dir: join(folder, 'postgres'), durable: true });
  const env = {
    DATABASE_URL: postgres.url,
    LOAD_FORUMS: 'on-demand',
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: base.url,
    // The phones' addresses come in X-Forwarded-For from the proxy.
    TRUST_PROXY: '1',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    // A city's vote, not a hall: the hall's attendance and burst checks are for a room of ~130.
    EXPECTED_ATTENDANCE: process.env.EXPECTED_ATTENDANCE ?? '0',
    JOIN_BURST: process.env.JOIN_BURST ?? '0',
  };
  // One at a time: the first makes the database's schema and first forum alone.
  for (let i = 0; i < count; i++) {
    const started = await startServerProcess(env);
    processes.push(started);
    const name = `viche${i + 1}`;
    const prefix = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).map((line) => `[${name}] ${line}\n`).join('');
    started.child.stderr!.on('data', (c: Buffer) => process.stderr.write(prefix(c)));
    void started.exited.then((code) => {
      if (!stopping) process.stderr.write(`[${name}] зупинився (код ${code}): його форуми проксі передає іншим процесам. / stopped (exit ${code}): the proxy sends its forums to the other processes.\n`);
    });
  }
  proxy = await startHaproxy({ host, port, processes: processes.map((p) => p.port) }, join(folder, 'haproxy.cfg'));
  void proxy.exited.then((code) => {
    if (!stopping) {
      process.stderr.write(`HAProxy зупинився (код ${code}), тож зупиняю все. / HAProxy stopped (exit ${code}), so everything stops:\n${proxy!.output().slice(-2000)}\n`);
      void stopAll(1);
    }
  });
} catch (err) {
  process.stderr.write(`Віче не може запуститися / Viche cannot start: ${(err as Error).message}\n`);
  await stopAll(1);
}

const first = processes[0];
const key = new URL(first.consoleUrl).searchParams.get('key') ?? '';
const screen = new URL(first.screenUrl);
const loopbackOnly = !base.reachable.ok && base.reachable.why === 'loopback';
const qr = loopbackOnly
  ? '  (QR-коду немає: телефони не змогли б його відкрити. / No QR code: phones could not open it.)\n'
  : await QRCode.toString(`${base.url}/`, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
process.stdout.write(
  [
    '',
    `  Віче працює за HAProxy, на PostgreSQL; процесів Віче: ${count}. / Viche is running behind HAProxy, on PostgreSQL: ${count} processes.`,
    '',
    ...(base.warning ? [`  ! ${base.warning}`, ''] : []),
    `  Форум / Forum: /f/${first.slug}/`,
    '',
    '  Пульт фасилітатора (посилання тримайте в таємниці) / Facilitator console (keep this link private):',
    `    ${base.url}/console?key=${encodeURIComponent(key)}`,
    '  Проєктор (теж таємне) / Projector (private too):',
    `    ${base.url}${screen.pathname}${screen.search}`,
    '  Телефони відкривають / Phones open:',
    `    ${base.url}/`,
    '',
    `  Процеси / Processes: ${processes.map((p) => `127.0.0.1:${p.port}`).join(', ')} (/health)`,
    `  PostgreSQL: ${postgres!.url} (${postgres!.dir})`,
    '  Ctrl-C зупиняє все / Ctrl-C stops them all.',
    '',
    qr,
  ].join('\n') + '\n',
);
