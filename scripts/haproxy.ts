// HAProxy (Debian's) in front of several Viche processes: the configuration `npm run cluster` and
// the cluster test give it, and starting and stopping it.
//
// Every request of one forum goes to one process, the one holding the forum's lease: a socket's
// handshake names its forum (/socket.io/?forum=<slug>), a page's address holds it (/f/<slug>/…),
// and the proxy hashes that name onto the processes with a consistent hash. A process that dies,
// or cannot reach PostgreSQL (its /health answers 503), fails its health checks, its connections
// are ended, and its forums, and only its, hash onto the others; the first
// connection there opens the forum from PostgreSQL once the dead process's lock is gone. A stick
// table keeps each forum on the process it last went to, so that the dead process, once back,
// does not get (and refuse) forums another holds; it lives in HAProxy's memory, so a restarted
// HAProxy hashes afresh, and the holder hands each such forum back (forums/registry.ts). An e-ID
// sign-in's return (/auth/oidc/callback) goes by the forum at the head of its state. Requests
// that name no forum (the forum list, the pages' files) are hashed by the client's address, so
// that a socket's long-polling requests all reach the process that opened its session.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { t } from '../shared/i18n/all.js';

export const HAPROXY = process.env.HAPROXY_BIN || '/usr/sbin/haproxy';

/** The one sentence that says how to get HAProxy, or null when it is here. */
export function haproxyMissing(): string | null {
  try {
    execFileSync(HAPROXY, ['-v'], { stdio: 'ignore' });
    return null;
  } catch {
    return (
      `HAProxy не встановлено (${HAPROXY}): встановіть його командою \`sudo apt-get install haproxy\` (Debian, Ubuntu) або вкажіть його в HAPROXY_BIN. / ` +
      `HAProxy is not installed (${HAPROXY}): install it with \`sudo apt-get install haproxy\` (Debian, Ubuntu), or set HAPROXY_BIN.`
    );
  }
}

export interface ProxyConfig {
  /** Where the proxy listens: the address phones open. */
  host: string;
  port: number;
  /** Each Viche process's port on 127.0.0.1. */
  processes: number[];
  /** How often each process's /health is asked (ms); two failures in a row take it out, two successes back. */
  checkEveryMs?: number;
  /** A unix socket for HAProxy's runtime commands (`show servers state`). */
  stats?: string;
  /** The answer HAProxy gives when no process can take a request (startHaproxy writes it: UNAVAILABLE_PAGE). */
  unavailable?: string;
}

/**
 * HAProxy's answer while every process is down (restarting, or none can reach PostgreSQL): a page
 * in Ukrainian and English that asks again by itself every 5 s, as a forum's own page does when its
 * database does not answer. Sockets are refused by its status alone and retry on their own.
 */
export function unavailablePage(): string {
  const body = [
    '<!doctype html>',
    '<html lang="uk"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="refresh" content="5"><title>Віче: ${t('uk', 'refusal.page.restarting.title')} / Viche: ${t('en', 'refusal.page.restarting.title')}</title>`,
    '<style>body{font:18px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1f2328}p+p{color:#57606a}</style></head>',
    `<body><main><h1>${t('uk', 'refusal.page.restarting.title')}</h1>`,
    `<p>${t('uk', 'refusal.page.restarting')}</p>`,
    `<p lang="en">${t('en', 'refusal.page.restarting')}</p>`,
    '</main></body></html>',
    '',
  ].join('\n');
  const head = ['HTTP/1.1 503 Service Unavailable', 'Content-Type: text/html; charset=utf-8', 'Cache-Control: no-store', 'Retry-After: 5', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', ''].join('\r\n');
  return head + body;
}

export function haproxyConfig({ host, port, processes, checkEveryMs = 1000, stats, unavailable }: ProxyConfig): string {
  return [
    'global',
    ...(stats ? [`  stats socket ${stats} mode 600 level admin`] : []),
    '',
    // No maxconn: HAProxy takes it from the file descriptors it may open (ulimit -n).
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    // A websocket stays open for the whole forum; Socket.IO's pings (25 s) keep it alive.
    '  timeout tunnel 1h',
    '  timeout http-request 10s',
    // A check's answer may take a while on a busy machine: a process is taken out for silence, not slowness.
    '  timeout check 3s',
    // The phones' own addresses reach the processes (their per-address limits; TRUST_PROXY=1).
    '  option forwardfor',
    // A connection to a process that just died is tried again on another before its checks fail.
    '  retries 3',
    '  option redispatch 1',
    ...(unavailable ? [`  errorfile 503 ${unavailable}`] : []),
    '',
    'frontend viche',
    `  bind ${host}:${port}`,
    // Each process's metrics are read straight from it, never through the public address.
    '  http-request deny deny_status 403 if { path_beg /metrics }',
    '  default_backend processes',
    '',
    'backend processes',
    '  http-request set-var(txn.route) url_param(forum)',
    '  http-request set-var(txn.route) path,field(3,/) if !{ var(txn.route) -m found } { path_beg /f/ }',
    // An e-ID sign-in's return: its state starts with the forum's address (server/forum/signIn.ts),
    // and only the process that started the sign-in holds what waits for it.
    '  http-request set-var(txn.route) url_param(state),field(1,.) if !{ var(txn.route) -m found } { path /auth/oidc/callback }',
    '  http-request set-var(txn.route) src if !{ var(txn.route) -m found }',
    // A forum stays where it went last, even once the process it hashed to is back: that one would
    // refuse it while the other holds its lock, and ask for it back, moving its phones for nothing.
    '  stick-table type string len 64 size 100k expire 7d',
    '  stick on var(txn.route) if { path_beg /socket.io/ } { url_param(forum) -m found } or { path_beg /f/ }',
    // Looked up, not stored: a made-up state moves no forum.
    '  stick match var(txn.route) if { path /auth/oidc/callback }',
    '  balance hash var(txn.route)',
    '  hash-type consistent',
    '  option httpchk',
    // With a Host header: a process answers only under a name of its own (any IP address is one).
    '  http-check send meth GET uri /health ver HTTP/1.1 hdr Host 127.0.0.1',
    '  http-check expect status 200',
    // A process taken out (dead, or unable to reach PostgreSQL: its /health says 503) has its
    // connections ended too, so that its phones come back through the proxy to a process that can
    // decide for them; they resend what was not acknowledged, under its action ids.
    `  default-server check inter ${checkEveryMs} fall 2 rise 2 on-marked-down shutdown-sessions`,
    ...processes.map((p, i) => `  server viche${i + 1} 127.0.0.1:${p}`),
    '',
  ].join('\n');
}

export interface RunningProxy {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Stops it (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Writes the configuration to `file`, checks it, and starts HAProxy in the foreground on it. */
export async function startHaproxy(config: ProxyConfig, file: string): Promise<RunningProxy> {
  const unavailable = `${file}.503.http`;
  writeFileSync(unavailable, unavailablePage());
  writeFileSync(file, haproxyConfig({ unavailable, ...config }));
  execFileSync(HAPROXY, ['-c', '-q', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  const child = spawn(HAPROXY, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Listening once a connection to its port is answered.
  const { connect } = await import('node:net');
  for (let attempt = 0; ; attempt++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(config.port, config.host === '0.0.0.0' ? '127.0.0.1' : config.host);
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || attempt > 100) throw new Error(`HAProxy did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Each process's state as HAProxy sees it now, by its name (viche1…): up or down, over the stats socket. */
export async function processStates(stats: string): Promise<Record<string, 'up' | 'down'>> {
  const { connect } = await import('node:net');
  const text = await new Promise<string>((resolve, reject) => {
    let out = '';
    const s = connect(stats);
    s.once('connect', () => s.write('show servers state processes\n'));
    s.on('data', (c: Buffer) => (out += c.toString()));
    s.once('end', () => resolve(out));
    s.once('error', reject);
  });
  const states: Record<string, 'up' | 'down'> = {};
  // Columns: be_id be_name srv_id srv_name srv_addr srv_op_state …; op state 2 is running.
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length > 5 && /^\d+$/.test(cols[0])) states[cols[3]] = cols[5] === '2' ? 'up' : 'down';
  }
  return states;
}
