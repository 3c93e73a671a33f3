// A connection of its own that LISTENs on PostgreSQL channels, connected again after every loss
// (PostgreSQL restarted, the network cut): what the processes sharing a database poke each other
// with. A notification is a poke, never the data: every (re)connection is told to its owner
// (`connected`), which reads again what it follows, since pokes sent while nobody listened are lost.

import pg from 'pg';
import { connectionOptions } from './pgLog.js';

export interface ListenHandlers {
  /** A notification on one of the channels. */
  notified: (channel: string, payload: string) => void;
  /** Listening (again): whatever was poked meanwhile was not heard. */
  connected: () => void;
}

export class PgListener {
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly schema: string,
    private readonly channels: readonly string[],
    private readonly handlers: ListenHandlers,
    /** How long after a lost connection the next one is tried. */
    private readonly retryMs = 500,
    private readonly applicationName = 'viche-listen',
  ) {
    this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private connect(): void {
    if (this.closed) return;
    const client = new pg.Client({ ...connectionOptions(this.url, this.schema), connectionTimeoutMillis: 5000, application_name: this.applicationName });
    const lost = () => {
      if (this.client === client) this.client = null;
      client.end().catch(() => {});
      if (!this.closed && !this.retry) {
        this.retry = setTimeout(() => {
          this.retry = null;
          this.connect();
        }, this.retryMs);
        this.retry.unref();
      }
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => this.handlers.notified(n.channel, n.payload ?? ''));
    client
      .connect()
      .then(() => client.query(this.channels.map((c) => `LISTEN ${c};`).join(' ')))
      .then(() => {
        if (this.closed) return void client.end().catch(() => {});
        this.client = client;
        this.handlers.connected();
      }, lost);
  }
}
