// What one Viche process tells a Prometheus server at GET /metrics, in Prometheus's text format,
// through prom-client (the Node client Prometheus lists, kept up; its registry, counters and
// histograms, and its default metrics, whose event-loop delay is perf_hooks' own histogram):
// forums owned, connections, commands answered by outcome and code, how long the store takes to
// write a batch, the event loop's delay, the lease's losses, and whether the store answers.
//
// Who may read it (metricsAllowed): counts only, no name, address, token or forum title is in it,
// but the rates of a vote are still the organiser's. With METRICS_KEY set, a request must carry
// `Authorization: Bearer <METRICS_KEY>`; without it, only a request made on this machine straight to
// the process (a loopback address, and no forwarding header: everything through HAProxy or nginx
// carries one), so that a proxy on the same machine does not open it to the world.

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import client from 'prom-client';
import type { Ack } from '../shared/protocol.js';
import type { ForumStore } from './db/store.js';

export interface MetricSources {
  /** Forums this process decides for now (open here, their lease held). */
  forumsOwned(): number;
  /** Socket.IO connections to this process, every forum's and the forum list's. */
  connections(): number;
  /** Whether the store answers now (null: the SQLite file, which has no server to ask). */
  storeReachable: (() => Promise<boolean>) | null;
  /** The lease's losses so far: its connection (and every lock on it), and forums another process took. */
  leaseLosses: (() => { connections: number; forums: number }) | null;
}

export class ServerMetrics {
  readonly registry = new client.Registry();
  private readonly commands: client.Counter<'outcome' | 'code'>;
  private readonly writes: client.Histogram<'outcome'>;
  private defaults = false;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    new client.Gauge({ name: 'viche_forums_owned', help: 'Forums this process decides for now (open, lease held)', registers, collect() {
      this.set(sources.forumsOwned());
    } });
    new client.Gauge({ name: 'viche_connections', help: 'Socket.IO connections to this process', registers, collect() {
      this.set(sources.connections());
    } });
    this.commands = new client.Counter({ name: 'viche_commands_total', help: 'Commands answered, by outcome (acked, refused) and refusal code', labelNames: ['outcome', 'code'], registers });
    this.writes = new client.Histogram({
      name: 'viche_store_write_seconds',
      help: 'Time to store one batch of actions (group commit), by outcome',
      labelNames: ['outcome'],
      // A batch is 1-15 ms on a healthy store; a second or more is a store in trouble.
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers,
    });
    const reachable = sources.storeReachable;
    if (reachable) {
      new client.Gauge({ name: 'viche_store_up', help: 'Whether PostgreSQL answers this process now (1) or not (0)', registers, async collect() {
        this.set((await reachable().catch(() => false)) ? 1 : 0);
      } });
    }
    const losses = sources.leaseLosses;
    if (losses) {
      // Counted by the lease itself; each scrape adds what it counted since the last.
      let told = { connections: 0, forums: 0 };
      new client.Counter({ name: 'viche_lease_losses_total', help: 'Lease losses: the lock connection dropped (every lock on it), or a forum taken by another process', labelNames: ['kind'], registers, collect() {
        const now = losses();
        this.inc({ kind: 'connection' }, now.connections - told.connections);
        this.inc({ kind: 'forum' }, now.forums - told.forums);
        told = now;
      } });
    }
  }

  /** Counts a command's answer (every ack of a forum's command passes here). */
  readonly answered = (ack: Ack<unknown>): void => {
    if (ack.ok) this.commands.inc({ outcome: 'acked', code: '' });
    else this.commands.inc({ outcome: 'refused', code: ack.error.code });
  };

  /**
   * Times every batch the store writes: its appendBatch, wrapped on this instance, as each forum's
   * room calls it (the one write an acknowledgement waits for).
   */
  timeWrites(store: ForumStore): void {
    const append = store.appendBatch;
    const writes = this.writes;
    store.appendBatch = async function (this: ForumStore, ...args: Parameters<ForumStore['appendBatch']>) {
      const end = writes.startTimer();
      try {
        const seq = await append.apply(this, args);
        end({ outcome: 'stored' });
        return seq;
      } catch (err) {
        end({ outcome: 'failed' });
        throw err;
      }
    };
  }

  /** The text a scrape gets. Node's own metrics (event-loop delay, memory, CPU) start at the first. */
  async text(): Promise<string> {
    if (!this.defaults) {
      this.defaults = true;
      client.collectDefaultMetrics({ register: this.registry, prefix: 'viche_' });
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Whether a request may read /metrics (the file's first lines say who). */
export function metricsAllowed(req: IncomingMessage, key: string | undefined): boolean {
  if (key) {
    const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    const wanted = Buffer.from(key);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }
  const from = req.socket.remoteAddress ?? '';
  const loopback = from === '::1' || from.startsWith('127.') || from.startsWith('::ffff:127.');
  return loopback && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined;
}
