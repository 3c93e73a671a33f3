// A TCP proxy on loopback for fault tests: what passes between a Viche process and PostgreSQL can
// be cut (every connection ended, new ones refused) or stalled (bytes held, nothing closed: a
// network gone quiet), or only its answers held (a statement reaches the server and is done there,
// its answer lost on the way back), then restored, as a real network between two machines fails.

import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Ends every connection through it at once, and refuses new ones until restored. */
  cut(): void;
  /** Holds every byte in both directions, closing nothing; new connections wait too. */
  stall(): void;
  /** Lets bytes through to the target but holds every answer, on every connection (new ones too). */
  holdReplies(): void;
  /** Lets bytes and connections through again (what a stall held goes on). */
  restore(): void;
  close(): Promise<void>;
}

export function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  let state: 'open' | 'cut' | 'stalled' | 'holding' = 'open';
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    if (state === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    if (state !== 'holding') upstream.pipe(client);
    else upstream.pause();
    if (state === 'stalled') {
      client.pause();
      upstream.pause();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as { port: number }).port,
        cut() {
          state = 'cut';
          for (const [a, b] of [...pairs]) {
            a.destroy();
            b.destroy();
          }
        },
        stall() {
          state = 'stalled';
          for (const [a, b] of pairs) {
            // Unpiped and paused: nothing read from either side is written to the other.
            a.unpipe(b);
            b.unpipe(a);
            a.pause();
            b.pause();
          }
        },
        holdReplies() {
          state = 'holding';
          for (const [, b] of pairs) {
            b.unpipe();
            b.pause();
          }
        },
        restore() {
          const was = state;
          state = 'open';
          if (was === 'holding') for (const [a, b] of pairs) b.pipe(a);
          if (was !== 'stalled') return;
          for (const [a, b] of pairs) {
            a.pipe(b);
            b.pipe(a);
          }
        },
        close() {
          for (const [a, b] of [...pairs]) {
            a.destroy();
            b.destroy();
          }
          return new Promise<void>((done) => server.close(() => done()));
        },
      });
    });
  });
}
