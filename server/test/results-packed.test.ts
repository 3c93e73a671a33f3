// Rankings to a phone that unpacks gzip: a long one comes as its rows' JSON gzipped, and unpacks to
// exactly the rows a phone that does not unpack is sent, at a reveal and at a connect; a short one
// comes plain to both.

import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneResult } from '../../shared/protocol.js';
import { connect, connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

const LONG = 'Облаштування безпечного пішохідного переходу з острівцем безпеки та освітленням біля школи на вулиці';

const unpacked = (r: PhoneResult) => (r.gz ? { ...r, gz: undefined, rows: JSON.parse(gunzipSync(Buffer.from(r.gz as Uint8Array)).toString('utf8')) } : r);

describe('rankings packed for phones that unpack them', () => {
  let server: TestServer;
  let admin: TestClient;
  const phones: TestPhone[] = [];
  const listeners: TestClient[] = [];
  beforeAll(async () => {
    server = await startTestServer();
    admin = await connectConsole(server);
    for (let i = 0; i < 30; i++) phones.push(await joinPhone(server, `Мешканка ${i}`));
    ok(await admin.send('phase:set', { to: 'ideas' }));
    const ideas: string[] = [];
    // Priority 1 gets thirty long titles (a ranking of several KiB), priority 2 one short one.
    for (const [i, p] of phones.entries()) ideas.push(ok(await p.send('idea:submit', { priorityCode: '1', title: `${LONG} ${i + 1}`, actionId: randomUUID() })).ideaId);
    ok(await phones[0].send('idea:submit', { priorityCode: '2', title: 'Лавка', actionId: randomUUID() }));
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    for (const [i, p] of phones.entries()) ok(await p.send('dot:place', { ideaId: ideas[i % 7], actionId: randomUUID() }));
    ok(await admin.send('phase:set', { to: 'results' }));
  });
  afterAll(async () => {
    for (const c of [admin, ...phones, ...listeners]) c?.close();
    await server?.stop();
  });

  it('packs a long ranking at its reveal and at a connect, and leaves a short one plain', async () => {
    const plain = await connect(server.socketUrl, { role: 'phone', token: randomUUID().replaceAll('-', '') });
    const packed = await connect(server.socketUrl, { role: 'phone', token: randomUUID().replaceAll('-', ''), gz: true });
    listeners.push(plain, packed);
    await Promise.all([plain.next('me'), packed.next('me')]);
    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    ok(await admin.send('priority:reveal', { priorityCode: '2' }));
    const [plainOne, packedOne] = await Promise.all([plain.next<PhoneResult[]>('results', (r) => r[0].priorityCode === '1'), packed.next<PhoneResult[]>('results', (r) => r[0].priorityCode === '1')]);
    expect(plainOne[0].rows).toHaveLength(30);
    expect(plainOne[0].gz).toBeUndefined();
    expect(packedOne[0].rows).toEqual([]);
    expect(packedOne[0].gz!.byteLength).toBeLessThan(JSON.stringify(plainOne[0].rows).length / 2);
    expect(unpacked(packedOne[0])).toEqual({ ...plainOne[0], gz: undefined });
    const [plainTwo, packedTwo] = await Promise.all([plain.next<PhoneResult[]>('results', (r) => r[0].priorityCode === '2'), packed.next<PhoneResult[]>('results', (r) => r[0].priorityCode === '2')]);
    expect(packedTwo).toEqual(plainTwo);
    expect(packedTwo[0].gz).toBeUndefined();

    // A phone that connects now is sent both, the long one packed.
    const late = await connect(server.socketUrl, { role: 'phone', token: randomUUID().replaceAll('-', ''), gz: true });
    listeners.push(late);
    const both = await late.next<PhoneResult[]>('results');
    expect(both.map((r) => r.priorityCode)).toEqual(['1', '2']);
    expect(both[0].gz).toBeDefined();
    expect(both.map(unpacked)).toEqual([{ ...plainOne[0], gz: undefined }, plainTwo[0]]);
  });
});
