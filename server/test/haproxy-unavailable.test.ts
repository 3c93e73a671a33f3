// HAProxy's answer while no Viche process can take a request (every one restarting, or none
// reaching PostgreSQL): a page in Ukrainian and English that asks again by itself, with its status
// and Retry-After for the sockets, rather than HAProxy's own English page.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { haproxyMissing, startHaproxy, type RunningProxy } from '../../scripts/haproxy.js';
import { freePort } from './postgres.js';

const missing = haproxyMissing();

describe.skipIf(missing !== null)(`HAProxy with no process up${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'viche-haproxy-'));
  let proxy: RunningProxy | undefined;
  afterAll(async () => {
    await proxy?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with a page in both languages that tries again by itself', async () => {
    // A process's port where nothing listens: down from its first checks.
    const port = await freePort();
    proxy = await startHaproxy({ host: '127.0.0.1', port, processes: [await freePort()], checkEveryMs: 200 }, join(dir, 'haproxy.cfg'));
    let res: Response;
    for (;;) {
      res = await fetch(`http://127.0.0.1:${port}/f/1/`);
      if (res.status === 503) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('retry-after')).toBe('5');
    const html = await res.text();
    expect(html).toContain('<html lang="uk">');
    expect(html).toContain('<meta http-equiv="refresh" content="5">');
    expect(html).toContain('Сервер форуму зараз перезапускається');
    expect(html).toContain('<p lang="en">Please wait a moment');
    // A socket's handshake gets the same status, and retries by itself.
    expect((await fetch(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling&forum=1`)).status).toBe(503);
  });
});
