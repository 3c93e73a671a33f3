// `BENCH_ONLY=guessing npm run bench`: 250 guessing connections send wrong join codes as fast as
// their answers come back, while an honest hall joins with the code on the projector and votes.
// Printed beside each other, from the same run: the honest joins' and dots' acks without and with
// the guessers, what the guessers were answered, and how many of them got in (it must be none).
// Twice: with the per-address cap on (every guesser on an address of its own) and off (guessers
// and the hall behind one address, as a venue's NAT shows them).

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../shared/version.js';
import { phoneAddress } from './fleet.js';
import { percentileOf as pct } from './measure.js';
import { startServerProcess } from './process.js';

const GUESSERS = 250;
const HONEST = 60;
/** How long each window of the evening lasts, calm and with the guessers. */
const WINDOW_MS = Number(process.env.BENCH_GUESS_S ?? 15) * 1000;

type Answer = { ok: boolean; data?: { ideaId?: string }; error?: { code: string } };

/** A connection, and the first `first` event it is sent (listened for before it connects, so none is missed). */
function connectTo(url: string, auth: Record<string, unknown>, localAddress?: string, first?: string): Promise<Socket & { firstEvent?: Promise<unknown> }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no connection within 20 s (${localAddress ?? 'console'})`)), 20_000);
    const s: Socket & { firstEvent?: Promise<unknown> } = io(url, {
      auth: { v: PROTOCOL_VERSION, ...auth },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ...(localAddress ? { localAddress } : {}),
    } as Parameters<typeof io>[1]);
    if (first) s.firstEvent = new Promise((r) => s.once(first, r));
    s.once('connect', () => (clearTimeout(timer), resolve(s)));
    s.once('connect_error', (err) => (clearTimeout(timer), reject(err)));
  });
}

const ask = (s: Socket, event: string, payload: unknown) => s.timeout(20_000).emitWithAck(event, payload) as Promise<Answer>;

async function timedAsk(s: Socket, event: string, payload: unknown, into: number[]): Promise<Answer> {
  const t = performance.now();
  const answer = await ask(s, event, payload);
  into.push(performance.now() - t);
  return answer;
}


interface Hall {
  joins: number[];
  refused: Record<string, number>;
  phones: { s: Socket; token: string }[];
}

async function guessingRun(capOff: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-'));
  const viche = await startServerProcess({ VICHE_DB: join(dir, 'bench.db'), ADMISSION: 'hall', ...(capOff ? { MAX_PARTICIPANTS_PER_ADDRESS: '0' } : {}) });
  const url = `http://127.0.0.1:${viche.port}/f/${viche.slug}`;
  const key = new URL(viche.consoleUrl).searchParams.get('key')!;
  const sockets: Socket[] = [];
  try {
    const admin = await connectTo(url, { role: 'console', key });
    sockets.push(admin);
    /** The code the projector shows now, as the hall reads it (it changes every 30 s). */
    const codeNow = async (): Promise<string> => {
      const c = await connectTo(url, { role: 'console', key }, undefined, 'console');
      const view = (await c.firstEvent) as { joinCode: string };
      c.close();
      return view.joinCode;
    };
    let code = await codeNow();

    const shared = '127.8.0.1';
    const honestAddress = (i: number) => (capOff ? shared : phoneAddress(i));
    const guesserAddress = (i: number) => (capOff ? shared : `127.9.${i >> 8}.${(i & 255) + 1}`);
    const phone = async (i: number) => {
      const token = randomBytes(16).toString('hex');
      const s = await connectTo(url, { role: 'phone', token }, honestAddress(i));
      sockets.push(s);
      return { s, token };
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    // Set-up: 20 voters write an idea each, and voting opens.
    const voters = await Promise.all(Array.from({ length: 20 }, (_, i) => phone(1000 + i)));
    for (const { s, token } of voters) await ask(s, 'participant:join', { code, token });
    await ask(admin, 'phase:set', { to: 'ideas' });
    const ideaIds = (await Promise.all(voters.map(({ s }, i) => ask(s, 'idea:submit', { priorityCode: '1', title: `Ідея ${i}` })))).map((a) => a.data!.ideaId!);
    await ask(admin, 'phase:set', { to: 'review' });
    await ask(admin, 'phase:set', { to: 'voting' });

    /**
     * One window of the evening, as a hall lives it: HONEST new phones join, each at a random moment
     * within WINDOW_MS, and the 20 voters place a dot and take it back, again and again, with a
     * person's pause of 0.2-0.8 s between taps.
     */
    const window = async (from: number): Promise<Hall & { dots: number[] }> => {
      const figures: Hall & { dots: number[] } = { joins: [], refused: {}, phones: [], dots: [] };
      const end = performance.now() + WINDOW_MS;
      const joining = Array.from({ length: HONEST }, async (_, k) => {
        await sleep(Math.random() * WINDOW_MS);
        const device = await phone(from + k);
        figures.phones.push(device);
        const answer = await timedAsk(device.s, 'participant:join', { code, token: device.token }, figures.joins);
        if (!answer.ok) figures.refused[answer.error!.code] = (figures.refused[answer.error!.code] ?? 0) + 1;
      });
      const voting = voters.map(async ({ s }, i) => {
        for (let n = 0; performance.now() < end; n++) {
          const ideaId = ideaIds[(i + n) % ideaIds.length];
          await timedAsk(s, 'dot:place', { ideaId, actionId: randomBytes(8).toString('hex') }, figures.dots);
          await sleep(200 + Math.random() * 600);
          await timedAsk(s, 'dot:remove', { ideaId, actionId: randomBytes(8).toString('hex') }, figures.dots);
          await sleep(200 + Math.random() * 600);
        }
      });
      await Promise.all([...joining, ...voting]);
      return figures;
    };

    const first = await window(0);

    // The guessers: each sends wrong codes, one after another, for the whole of the second window.
    const guessers = await Promise.all(
      Array.from({ length: GUESSERS }, async (_, i) => {
        const token = randomBytes(16).toString('hex');
        const s = await connectTo(url, { role: 'phone', token }, guesserAddress(i));
        sockets.push(s);
        return { s, token };
      }),
    );
    const answered: Record<string, number> = {};
    let guessing = true;
    const guessed = Promise.all(
      guessers.map(async ({ s, token }, i) => {
        for (let n = 0; guessing; n++) {
          const right = Number(code);
          const wrong = String(100000 + ((right - 100000 + 5000 + ((i * 7919 + n * 104729) % 800000)) % 900000));
          const a = await ask(s, 'participant:join', { code: wrong, token }).catch(() => null);
          // Cut off for sending on after RATE_LIMITED (a connection that keeps on is dropped).
          if (!a) {
            answered['cut off'] = (answered['cut off'] ?? 0) + 1;
            return;
          }
          const what = a.ok ? 'joined' : a.error!.code;
          answered[what] = (answered[what] ?? 0) + 1;
          // Told to wait, a script tries again a tenth of a second later: as often as it may
          // without being cut off for sending on after RATE_LIMITED.
          if (!a.ok && a.error!.code === 'RATE_LIMITED') await sleep(100);
        }
      }),
    );
    await sleep(1000);
    code = await codeNow();
    const second = await window(HONEST);
    guessing = false;
    await guessed;
    const calmDots = first.dots;
    const stormyDots = second.dots;

    const line = (name: string, calm: number[], stormy: number[]) =>
      `  ${name}: p50 ${pct(calm, 50).toFixed(1)} → ${pct(stormy, 50).toFixed(1)} ms, p95 ${pct(calm, 95).toFixed(1)} → ${pct(stormy, 95).toFixed(1)} ms (×${(pct(stormy, 95) / Math.max(0.01, pct(calm, 95))).toFixed(2)})`;
    console.log(`\n${GUESSERS} guessing connections ${capOff ? 'behind one address with the hall (cap off)' : 'on addresses of their own (cap on)'}; in ${WINDOW_MS / 1000} s, ${HONEST} honest phones join and 20 vote, without and then with them`);
    console.log(line('honest join ack, without → with guessers', first.joins, second.joins));
    console.log(line('dot ack, without → with guessers', calmDots, stormyDots));
    const refusedHonest = { ...first.refused, ...second.refused };
    console.log(`  honest joins refused: ${Object.keys(refusedHonest).length ? JSON.stringify(refusedHonest) : 'none'}`);
    const total = Object.values(answered).reduce((a, b) => a + b, 0);
    console.log(`  guesses answered: ${total} (${Object.entries(answered).map(([k, v]) => `${k} ${v}`).join(', ')}); guessers who got in: ${answered.joined ?? 0}`);
  } finally {
    for (const s of sockets) s.close();
    viche.child.kill('SIGTERM');
    await viche.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchGuessing(): Promise<void> {
  await guessingRun(false);
  await guessingRun(true);
}
