// What a phone's connection costs the server, with and without WebSocket compression: the
// server's memory per connected phone, and the bytes each phone receives at connect and while
// ideas arrive, on a forum with a wall of ideas. Run by `npm run bench` (part `connections`).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../shared/version.js';
import { ideaText, phoneAddress } from './fleet.js';
import { rssMiB, sleep, wire } from './measure.js';
import { startServerProcess } from './process.js';

const WRITERS = 50;
const IDEAS_EACH = 5;

function phone(url: string, i: number, auth: Record<string, unknown>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(url, {
      auth: { v: PROTOCOL_VERSION, role: 'phone', ...auth },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      localAddress: phoneAddress(i),
    } as Parameters<typeof io>[1]);
    s.once('greeting', () => resolve(s));
    s.once('connect_error', reject);
  });
}

async function measure(compression: boolean, gz: boolean, phones: number): Promise<{ perPhoneKiB: number; connectKiB: number; patchKiB: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-'));
  const server = await startServerProcess({ VICHE_DB: join(dir, 'bench.db'), ADMISSION: 'open', WS_COMPRESSION: compression ? '1' : '0', LOG_LEVEL: 'error' });
  const url = `http://127.0.0.1:${server.port}/f/${server.slug}`;
  const sockets: Socket[] = [];
  try {
    const console_ = io(`http://127.0.0.1:${server.port}/f/${server.slug}`, { auth: { v: PROTOCOL_VERSION, role: 'console', key: new URL(server.consoleUrl).searchParams.get('key') }, transports: ['websocket'], forceNew: true });
    await new Promise((r) => console_.once('console', r));
    await new Promise((r) => console_.emit('phase:set', { to: 'ideas' }, r));
    // A wall of WRITERS × IDEAS_EACH ideas, from phones of their own.
    for (let w = 0; w < WRITERS; w++) {
      const token = `${w}`.padStart(32, 'a');
      const s = await phone(url, 60_000 + w, { token });
      await new Promise((r) => s.emit('participant:join', { code: server.joinCode, name: `Автор ${w + 1}`, token }, r));
      for (let k = 0; k < IDEAS_EACH; k++) {
        const text = ideaText(w * IDEAS_EACH + k);
        await new Promise((r) => s.emit('idea:submit', { priorityCode: String(1 + (k % 3)), ...text, actionId: `idea-${w}-${k}` }, r));
      }
      sockets.push(s);
    }
    await sleep(1500);
    const before = rssMiB(server.child.pid!);
    // Phones that hold no wall (a page just opened): each gets the whole wall, gzipped if it can unpack it.
    let connectBytes = 0;
    for (let i = 0; i < phones; i += 100) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, phones - i) }, (_, k) => phone(url, i + k, gz ? { gz: true } : {})));
      sockets.push(...batch);
    }
    await sleep(1500);
    for (const s of sockets.slice(WRITERS)) connectBytes += wire(s).read;
    const after = rssMiB(server.child.pid!);
    // One more idea: the patch every phone receives.
    const read = sockets.slice(WRITERS).map((s) => wire(s).read);
    const writer = await phone(url, 70_000, { token: 'b'.repeat(32) });
    await new Promise((r) => writer.emit('participant:join', { code: server.joinCode, name: 'Ще одна', token: 'b'.repeat(32) }, r));
    await new Promise((r) => writer.emit('idea:submit', { priorityCode: '1', ...ideaText(9999), actionId: 'the-last-idea' }, r));
    await sleep(2500);
    const patchBytes = sockets.slice(WRITERS).reduce((sum, s, k) => sum + wire(s).read - read[k], 0);
    writer.close();
    console_.close();
    return { perPhoneKiB: ((after - before) * 1024) / phones, connectKiB: connectBytes / phones / 1024, patchKiB: patchBytes / phones / 1024 };
  } finally {
    for (const s of sockets) s.close();
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchConnections(phones = 2000): Promise<void> {
  console.log(`\nwhat a phone's connection costs, with and without WebSocket compression: ${phones} phones, a wall of ${WRITERS * IDEAS_EACH} ideas`);
  console.log('  WebSocket compression   the wall at connect      server memory per phone   received at connect   received per new idea');
  for (const [compression, gz] of [
    [false, true],
    [false, false],
    [true, false],
  ] as const) {
    const m = await measure(compression, gz, phones);
    console.log(
      `  ${(compression ? 'on' : 'off').padEnd(21)}   ${(gz ? 'gzipped once' : 'plain JSON').padEnd(20)}   ${m.perPhoneKiB.toFixed(1).padStart(10)} KiB        ${m.connectKiB.toFixed(1).padStart(10)} KiB      ${m.patchKiB.toFixed(2).padStart(8)} KiB`,
    );
  }
}
