// Voters of a city-wide vote, as the city shape of the bench drives them (scripts/bench-city-load.ts):
// each arrives at its own moment, opens a connection of its own from an address of its own, joins
// the vote-only forum with its open code, places its dots one after another, and leaves. A dot
// whose answer does not come (a process killed, the database restarted) is sent again with the same
// action id once the connection is back, as the phone page does, until it is acknowledged or
// refused for good: the action id makes it count once, whatever happened to the first. Runs in
// this process or, for more voters than one process can keep up with, in forked workers.

import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { FORUM_QUERY, PROTOCOL_VERSION } from '../shared/version.js';
import { phoneAddress } from './fleet.js';

export interface VoterPlan {
  /** The forum's namespace through the proxy (http://127.0.0.1:port/f/<slug>). */
  socketUrl: string;
  code: string;
  /** When the run's clock starts (Date.now() of the coordinator). */
  epoch: number;
  /** Each voter's index (it picks the address) and arrival, ms after the epoch. */
  voters: { index: number; at: number }[];
  /** The ideas each voter places a dot on, as the coordinator chose them per voter, by index. */
  choices: Record<number, string[]>;
  /** One attempt waits this long for its answer before it is sent again. */
  ackTimeoutMs: number;
  /** A dot not acknowledged after this long is given up (and counted). */
  giveUpMs: number;
}

/** What a worker's voters did. */
export interface VoterFigures {
  /** ms from each dot's first send to its acknowledgement, resends included; and the arrival second. */
  dots: { ms: number; atS: number }[];
  /** ms from each join's first send to its acknowledgement. */
  joins: number[];
  /** Attempts whose answer did not come within ackTimeoutMs on a connection that stayed up. */
  timedOut: number;
  /** Attempts whose connection dropped before their answer came, sent again once connected (as the phone page does). */
  dropped: number;
  /** Answers that refused, by code (resent when the code says the outcome may change). */
  refused: Record<string, number>;
  /** Dots given up after giveUpMs, and voters who never joined. */
  gaveUp: number;
  notJoined: number;
  /** Acknowledged dots, by idea. */
  acked: Record<string, number>;
  /** Dots acknowledged as done before (a resend of one that had landed). */
  duplicates: number;
}

type Ack = { ok: true; data: Record<string, unknown>; duplicate?: boolean } | { ok: false; error: { code: string } };

/** Refusals after which the same action, sent again, may yet be done. */
const TRANSIENT = new Set(['STORAGE_UNAVAILABLE', 'FORUM_ELSEWHERE', 'RATE_LIMITED', 'BUSY', 'INTERNAL']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export async function runVoters(plan: VoterPlan): Promise<VoterFigures> {
  const fig: VoterFigures = { dots: [], joins: [], timedOut: 0, dropped: 0, refused: {}, gaveUp: 0, notJoined: 0, acked: {}, duplicates: 0 };
  const refuse = (code: string) => (fig.refused[code] = (fig.refused[code] ?? 0) + 1);

  /** Sends one action until it is answered for good; null when given up. */
  const until = async (socket: Socket, event: string, payload: object): Promise<Ack | null> => {
    const start = performance.now();
    for (;;) {
      if (performance.now() - start > plan.giveUpMs) return null;
      if (!socket.connected) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 1000);
          socket.once('connect', () => {
            clearTimeout(t);
            resolve();
          });
        });
        continue;
      }
      // As the phone page does with a dot and a join (client/lib/connection.ts): an answer cannot
      // come on a connection that dropped, so the attempt ends there and goes again once connected.
      const ack = await new Promise<Ack | 'timedOut' | 'dropped'>((resolve) => {
        const dropped = () => resolve('dropped');
        socket.once('disconnect', dropped);
        socket
          .timeout(plan.ackTimeoutMs)
          .emitWithAck(event, payload)
          .then(
            (answer: Ack) => resolve(answer),
            () => resolve('timedOut'),
          )
          .finally(() => socket.off('disconnect', dropped));
      });
      if (ack === 'timedOut' || ack === 'dropped') {
        fig[ack]++;
        continue;
      }
      if (!ack.ok) {
        refuse(ack.error.code);
        if (TRANSIENT.has(ack.error.code)) {
          await sleep(300 + Math.random() * 700);
          continue;
        }
      }
      return ack;
    }
  };

  const vote = async (index: number, at: number) => {
    await sleep(plan.epoch + at - Date.now());
    const token = randomUUID().replaceAll('-', '');
    const socket = io(plan.socketUrl, {
      // As the pages do: the forum named in the handshake's address too, which the proxy routes by.
      query: { [FORUM_QUERY]: new URL(plan.socketUrl).pathname.split('/')[2] },
      auth: { v: PROTOCOL_VERSION, role: 'phone', token, lang: 'uk' },
      transports: ['websocket'],
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
      localAddress: phoneAddress(index),
    } as Parameters<typeof io>[1]);
    let storageWait = 1000;
    socket.on('connect', () => (storageWait = 1000));
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      refuse(`connect: ${err.data?.code ?? err.message}`);
      // As the pages do (client/lib/connection.ts): a forum held by another process is tried again
      // shortly, one that could not be opened for its database further apart each time (Socket.IO
      // does not try again after a refusal).
      if (err.data?.code === 'FORUM_ELSEWHERE') setTimeout(() => socket.connect(), 1000 * (1 + Math.random()));
      if (err.data?.code === 'STORAGE_UNAVAILABLE') {
        setTimeout(() => socket.connect(), storageWait * (1 + Math.random() / 2));
        storageWait = Math.min(storageWait * 2, 10_000);
      }
    });
    try {
      const t0 = performance.now();
      const joined = await until(socket, 'participant:join', { code: plan.code, name: '', token });
      if (!joined?.ok) {
        fig.notJoined++;
        return;
      }
      fig.joins.push(performance.now() - t0);
      for (const ideaId of plan.choices[index] ?? []) {
        const t = performance.now();
        const atS = (Date.now() - plan.epoch) / 1000;
        const ack = await until(socket, 'dot:place', { ideaId, actionId: randomUUID() });
        if (!ack) {
          fig.gaveUp++;
          continue;
        }
        if (!ack.ok) continue;
        fig.dots.push({ ms: performance.now() - t, atS });
        if (ack.duplicate) fig.duplicates++;
        fig.acked[ideaId] = (fig.acked[ideaId] ?? 0) + 1;
      }
    } finally {
      socket.close();
    }
  };

  await Promise.all(plan.voters.map((v) => vote(v.index, v.at)));
  return fig;
}

// In a forked worker: one message with the plan, one answer with the figures.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  process.once('message', (plan: VoterPlan) => {
    void runVoters(plan).then(
      (figures) => process.send!({ figures }, () => process.exit(0)),
      (err: Error) => process.send!({ error: err.stack ?? String(err) }, () => process.exit(1)),
    );
  });
}
