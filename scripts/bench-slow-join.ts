// `BENCH_ONLY=slowjoin npm run bench`: the phone page over the slowest network a hall's phone may
// be on, as Chromium emulates it (Network.emulateNetworkConditions: 400 kbit/s down and up, 400 ms
// round trips; the CPU as it is). Two things a resident waits for, each from the navigation:
// - joining: the page opened from the QR code (the code in its address), a name typed, the join
//   sent, until the phone has the server's answer (the form's 303 once the join is stored, or the
//   socket's ack), and until the page greets the participant;
// - the results: a phone that joined earlier opens the page of a forum in its results phase (250
//   ideas, every priority revealed), until the first result's title is on screen.
// Each is run BENCH_SLOW_RUNS times (5), each in a fresh browser context (nothing cached); the
// median and the slowest are printed, with the bytes the first HTML response carried.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Recorder } from '../shared/forum/testing.js';
import { PROTOCOL_VERSION } from '../shared/version.js';
import { SqliteStore } from '../server/db/sqlite.js';
import { largestForum } from './largest-forum.js';
import { isBuilt } from './pages.js';
import { startServerProcess, type ServerProcess } from './process.js';

const RUNS = Number(process.env.BENCH_SLOW_RUNS ?? 5);
const KBIT = 400;
const RTT_MS = 400;
const NAME = 'Оксана';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Throttled {
  context: BrowserContext;
  page: Page;
  documentBytes: () => number;
  /** When (performance.now()) the phone first held an answer to its join: the form's 303, or the socket's ack. */
  joinAnswered: () => number | null;
}

async function throttled(browser: Browser): Promise<Throttled> {
  const context = await browser.newContext({ viewport: { width: 360, height: 640 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const bytesPerSecond = (KBIT * 1000) / 8;
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: RTT_MS, downloadThroughput: bytesPerSecond, uploadThroughput: bytesPerSecond });
  // The first document's bytes on the wire (headers and compressed body).
  let documentId: string | null = null;
  let bytes = 0;
  cdp.on('Network.requestWillBeSent', (e: { requestId: string; type?: string }) => {
    if (documentId === null && e.type === 'Document') documentId = e.requestId;
  });
  cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
    if (e.requestId === documentId && bytes === 0) bytes = e.encodedDataLength;
  });
  let answered: number | null = null;
  // A redirect is seen as the request it leads to, carrying the response that sent it there.
  cdp.on('Network.requestWillBeSent', (e: { redirectResponse?: { url: string; status: number } }) => {
    if (answered === null && e.redirectResponse?.url.endsWith('/join') && e.redirectResponse.status === 303) answered = performance.now();
  });
  cdp.on('Network.webSocketFrameReceived', (e: { response: { payloadData: string } }) => {
    if (answered === null && e.response.payloadData.includes('"ok":true') && e.response.payloadData.includes('"participantId"')) answered = performance.now();
  });
  return { context, page, documentBytes: () => bytes, joinAnswered: () => answered };
}

/** The server's count of participants, read beside the browser (not through its throttled network). */
async function joinedCount(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  return ((await res.json()) as { joined: number }).joined;
}

async function timeToJoin(browser: Browser, server: ServerProcess, before: number): Promise<{ ms: number; answeredMs: number; usable: number; roundTrip: number; bytes: number }> {
  const { context, page, documentBytes, joinAnswered } = await throttled(browser);
  try {
    const start = performance.now();
    await page.goto(`http://127.0.0.1:${server.port}/f/${server.slug}/?c=${server.joinCode}`, { waitUntil: 'commit' });
    const name = page.getByLabel(/Ваше ім’я/);
    await name.waitFor({ timeout: 60_000 });
    const usable = performance.now() - start;
    await name.fill(NAME, { timeout: 60_000 });
    const button = page.getByRole('button', { name: /Приєднатися/ });
    await button.waitFor({ timeout: 60_000 });
    const sent = performance.now();
    await button.click({ timeout: 60_000 });
    await page.getByRole('heading', { name: new RegExp(NAME) }).waitFor({ timeout: 60_000 });
    const ms = performance.now() - start;
    if ((await joinedCount(server.port)) !== before + 1) throw new Error('the page said joined, the server holds no new participant');
    const answered = joinAnswered();
    if (answered === null) throw new Error('the join was never seen answered');
    return { ms, answeredMs: answered - start, usable, roundTrip: answered - sent, bytes: documentBytes() };
  } finally {
    await context.close();
  }
}

/** Navigation → the app running over the page (its language switch, which only the app draws, on screen). */
async function timeToApp(browser: Browser, server: ServerProcess): Promise<number> {
  const { context, page } = await throttled(browser);
  try {
    const start = performance.now();
    await page.goto(`http://127.0.0.1:${server.port}/f/${server.slug}/?c=${server.joinCode}`, { waitUntil: 'commit' });
    await page.locator('.lang-toggle').waitFor({ timeout: 60_000 });
    return performance.now() - start;
  } finally {
    await context.close();
  }
}

async function timeToResults(browser: Browser, server: ServerProcess, token: string, firstTitle: string): Promise<{ ms: number; bytes: number }> {
  const { context, page, documentBytes } = await throttled(browser);
  try {
    // A phone that joined earlier: its token kept where the page keeps it (and the cookie the page mirrors it to).
    await context.addCookies([{ name: 'viche_token', value: token, url: `http://127.0.0.1:${server.port}/f/${server.slug}/` }]);
    await context.addInitScript(`try { localStorage.setItem('viche.token.${server.slug}', '${token}'); localStorage.setItem('viche.token', '${token}'); } catch {}`);
    const start = performance.now();
    await page.goto(`http://127.0.0.1:${server.port}/f/${server.slug}/`, { waitUntil: 'commit' });
    await page.getByText(firstTitle, { exact: false }).first().waitFor({ timeout: 60_000 });
    return { ms: performance.now() - start, bytes: documentBytes() };
  } finally {
    await context.close();
  }
}

/** A forum of the largest shape at a hall's size (130 ballots, 250 ideas) in its results phase, every priority revealed. */
async function resultsForum(dir: string): Promise<{ server: ServerProcess; token: string; firstTitle: string }> {
  const forum = largestForum({ participants: 130, ideas: 250, phase: 'results' });
  const r = new Recorder();
  r.apply(forum.events);
  const dbPath = join(dir, 'results.db');
  const store = new SqliteStore(dbPath);
  await store.createForum({ id: forum.id, joinCode: '482913', createdAt: Date.now(), joinSecret: 's', screenKey: 'k' }, forum.events, {
    at: Date.now(),
    action: 'created',
    forumId: forum.id,
    title: 'bench',
    detail: '',
  });
  await store.close();
  const server = await startServerProcess({ VICHE_DB: dbPath });
  const key = new URL(server.consoleUrl).searchParams.get('key')!;
  const console_ = io(`http://127.0.0.1:${server.port}/f/${server.slug}`, { auth: { v: PROTOCOL_VERSION, role: 'console', key }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => (console_.once('connect', () => resolve()), console_.once('connect_error', reject)));
  for (const p of r.state.structure.priorities) {
    const ack = (await console_.timeout(10_000).emitWithAck('priority:reveal', { priorityCode: p.code })) as { ok: boolean; error?: unknown };
    if (!ack.ok) throw new Error(`reveal refused: ${JSON.stringify(ack.error)}`);
  }
  console_.close();
  const token = forum.tokens.values().next().value!;
  // The first priority's ideas all tie at the top or near it; any of its titles is "a result on screen".
  const firstTitle = 'Ідея ';
  return { server, token, firstTitle };
}

export async function benchSlowJoin(): Promise<void> {
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath) || !isBuilt()) return console.log('\n(no Chromium or no build: the slow-network join not measured)');
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'viche-bench-slowjoin-'));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const servers: ServerProcess[] = [];
  try {
    console.log(`\nthe phone page at ${KBIT} kbit/s down and up, ${RTT_MS} ms RTT (Chromium's emulation), ${RUNS} runs each, fresh cache`);
    // Every run is another phone, but all come from this machine's one address: the per-address cap is off.
    const hall = await startServerProcess({ VICHE_DB: join(dir, 'join.db'), MAX_PARTICIPANTS_PER_ADDRESS: '0' });
    servers.push(hall);
    const joins: number[] = [];
    const answers: number[] = [];
    const usables: number[] = [];
    const roundTrips: number[] = [];
    let joinBytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const { ms, answeredMs, usable, roundTrip, bytes } = await timeToJoin(browser, hall, await joinedCount(hall.port));
      joins.push(ms);
      answers.push(answeredMs);
      usables.push(usable);
      roundTrips.push(roundTrip);
      joinBytes = bytes;
    }
    console.log(`  join form usable (navigation → its name field on screen): median ${seconds(median(usables))}, slowest ${seconds(Math.max(...usables))}`);
    console.log(`  joined (navigation → the server's answer to the join at the phone, the bench typing at once): median ${seconds(median(answers))}, slowest ${seconds(Math.max(...answers))}`);
    console.log(`    of which the join itself (the tap → its answer): median ${seconds(median(roundTrips))}, slowest ${seconds(Math.max(...roundTrips))}`);
    console.log(`  greeted (navigation → the page greets the participant): median ${seconds(median(joins))}, slowest ${seconds(Math.max(...joins))}; first HTML ${joinBytes} B on the wire`);
    const apps: number[] = [];
    for (let i = 0; i < RUNS; i++) apps.push(await timeToApp(browser, hall));
    console.log(`  the app running over the page (navigation → its language switch on screen): median ${seconds(median(apps))}, slowest ${seconds(Math.max(...apps))}`);
    const { server, token, firstTitle } = await resultsForum(dir);
    servers.push(server);
    const results: number[] = [];
    let resultsBytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const { ms, bytes } = await timeToResults(browser, server, token, firstTitle);
      results.push(ms);
      resultsBytes = bytes;
    }
    console.log(`  results of 250 ideas readable (navigation → the first idea's title on screen): median ${seconds(median(results))}, slowest ${seconds(Math.max(...results))}; first HTML ${resultsBytes} B on the wire`);
  } finally {
    await browser.close();
    for (const s of servers) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
