// The public results page of a large forum as a page of record, and as it travels: 240 ideas in six
// priorities, every one revealed, on a server that names its organiser and place. The page says
// when, where and by whom, links to each priority, and goes out compressed (gzip or brotli, as the
// browser asks) at a fraction of its size; what is small, already compressed or not text is left
// alone, and the forum file, written in pieces, still arrives whole through gzip. No public surface
// (the page, its JSON, the check page, the report, a picture, the CSV) carries a developer's
// command.

import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largestForum } from '../../scripts/largest-forum.js';
import { connect, ok, startTestServer, type TestClient, type TestServer } from './harness.js';
import { importEvents } from './imported.js';

interface Wire {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as they came over the connection, before any decoding. */
  raw: Buffer;
}

/** A GET whose body is read as sent: Node's fetch would decode it and hide the size on the wire. */
function getRaw(url: string, headers: Record<string, string> = {}): Promise<Wire> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

const decoded = (w: Wire): string => {
  const encoding = w.headers['content-encoding'];
  const bytes = encoding === 'gzip' ? gunzipSync(w.raw) : encoding === 'br' ? brotliDecompressSync(w.raw) : w.raw;
  return bytes.toString('utf8');
};

/** Commands and tools a resident cannot be asked to run. */
const DEVELOPER_WORDS = /npm run|\bjq\b|sha256sum|python3|data\/viche\.db/;

describe('the public results page of a large forum', () => {
  let server: TestServer;
  let admin: TestClient;
  let forumUrl = '';
  const key = () => ({ 'x-facilitator-key': server.facilitatorKey });

  beforeAll(async () => {
    server = await startTestServer({ record: { organiser: 'Житомирська міська рада', place: 'Житомир, Палац культури' } });
    const big = largestForum({ participants: 300, ideas: 240, phase: 'voting' });
    forumUrl = `${server.url}/f/${await importEvents(server, big.events)}`;
    admin = await connect(forumUrl, { role: 'console', key: server.facilitatorKey });
    await admin.next('console');
    ok(await admin.send('phase:set', { to: 'results' }));
    for (const code of ['1', '2', '3', '4', '5', '6']) ok(await admin.send('priority:reveal', { priorityCode: code }));
    ok(await admin.send('results:publish', { published: true }));
  }, 120_000);
  afterAll(async () => {
    admin?.close();
    await server?.stop();
  });

  it('goes out gzipped to a browser that accepts gzip, at under a fifth of its size', async () => {
    const plain = await getRaw(`${forumUrl}/results`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gzipped = await getRaw(`${forumUrl}/results`, { 'Accept-Encoding': 'gzip' });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toMatch(/Accept-Encoding/);
    expect(decoded(gzipped)).toBe(plain.raw.toString('utf8'));
    // 240 ideas: well over 100 KB of HTML, and a fifth of it or less on the wire.
    expect(plain.raw.length).toBeGreaterThan(100_000);
    expect(gzipped.raw.length * 5).toBeLessThan(plain.raw.length);
  });

  it('goes out as brotli to a browser that prefers it, and its JSON compressed too', async () => {
    const br = await getRaw(`${forumUrl}/results`, { 'Accept-Encoding': 'br, gzip' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(decoded(br)).toContain('</html>');
    const json = await getRaw(`${forumUrl}/results.json`, { 'Accept-Encoding': 'gzip' });
    expect(json.headers['content-encoding']).toBe('gzip');
    expect((JSON.parse(decoded(json)) as { final: boolean }).final).toBe(true);
  });

  it('leaves alone what is small, already compressed, or not text', async () => {
    const health = await getRaw(`${server.url}/health`, { 'Accept-Encoding': 'gzip' });
    expect(health.headers['content-encoding']).toBeUndefined();
    const xlsx = await getRaw(`${forumUrl}/api/export.xlsx`, { 'Accept-Encoding': 'gzip', ...key() });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-encoding']).toBeUndefined();
    expect(xlsx.raw.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('still streams the forum file whole through gzip, and Socket.IO still answers', async () => {
    const file = await getRaw(`${forumUrl}/api/forum.json`, { 'Accept-Encoding': 'gzip', ...key() });
    expect(file.status).toBe(200);
    expect(file.headers['content-encoding']).toBe('gzip');
    const parsed = JSON.parse(decoded(file)) as { format: string };
    expect(parsed.format).toMatch(/^viche-forum\//);
    // The console's socket, connected before any of this, still takes commands; a long-polling
    // handshake (what a phone falls back to) is answered by Socket.IO as before.
    expect(ok(await admin.send('display:setResultsTop', { top: 10 }))).toBeTruthy();
    const polling = await getRaw(`${server.url}/socket.io/?EIO=4&transport=polling`, { 'Accept-Encoding': 'gzip' });
    expect(polling.status).toBe(200);
    expect(decoded(polling)).toMatch(/^0\{"sid":"/);
  });

  it('is a page of record: the date, the place and the organiser, and a link to each priority', async () => {
    const html = decoded(await getRaw(`${forumUrl}/results`, { 'Accept-Encoding': 'gzip' }));
    expect(html).toContain('<dt>Місце:</dt><dd>Житомир, Палац культури</dd>');
    expect(html).toContain('<dt>Організатор:</dt><dd>Житомирська міська рада</dd>');
    expect(html).toMatch(/<dt>Дата:<\/dt><dd>\d{1,2} [а-яґєії]+ 20\d\d р\.<\/dd>/);
    for (const code of ['1', '2', '3', '4', '5', '6']) expect(html).toContain(`<a href="#p-${code}"`);
    const json = JSON.parse(decoded(await getRaw(`${forumUrl}/results.json`))) as { forum: Record<string, unknown> };
    expect(json.forum).toMatchObject({ organiser: 'Житомирська міська рада', place: 'Житомир, Палац культури' });
    expect(typeof json.forum.publishedAt).toBe('string');
  });

  it('no public surface carries a developer’s command', async () => {
    const surfaces: [string, Record<string, string>][] = [
      ['/results', {}],
      ['/results?lang=en', {}],
      ['/results.json', {}],
      ['/results-check', {}],
      ['/console/report', key()],
      ['/console/report?lang=en&names=0', key()],
      ['/api/chart/1.svg?size=post', key()],
      ['/api/chart/1.svg?size=slide&lang=en', key()],
      ['/api/export.csv', key()],
    ];
    for (const [path, headers] of surfaces) {
      const res = await getRaw(`${forumUrl}${path}`, { 'Accept-Encoding': 'gzip', ...headers });
      expect(res.status, path).toBe(200);
      expect(decoded(res), path).not.toMatch(DEVELOPER_WORDS);
    }
    // The check page's script and the projector's, as built.
    const check = decoded(await getRaw(`${forumUrl}/results-check`));
    for (const src of check.matchAll(/src="([^"]+\.js)"/g)) {
      expect(decoded(await getRaw(`${server.url}${src[1]}`)), src[1]).not.toMatch(DEVELOPER_WORDS);
    }
  });
});
