// What a phone is told of its own ideas: one merged into another names the idea it lives on in,
// through merges of merges (and is told again when that changes), so that the phone marks that
// idea as its own in the results.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeView } from '../../shared/protocol.js';
import { meView } from '../forum/views.js';
import { connectConsole, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

describe('a phone’s own ideas', () => {
  let server: TestServer;
  let admin: TestClient;
  const phones: TestPhone[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    admin = await connectConsole(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    for (let i = 0; i < 3; i++) phones.push(await joinPhone(server, `Мешканець ${i + 1}`));
  });
  afterAll(async () => {
    for (const p of phones) p.close();
    admin?.close();
    await server?.stop();
  });

  it('a merged idea names the one standing, after a merge of merges too, and none once undone', async () => {
    const submit = async (p: TestPhone, title: string) =>
      ok(await p.send('idea:submit', { priorityCode: '1', title, description: '', place: '' })).me.ideas.find((i) => i.title === title)!.id;
    const a = await submit(phones[0], 'Велодоріжка вздовж Тетерева');
    const b = await submit(phones[1], 'Велодоріжка над річкою Тетерів');
    const c = await submit(phones[2], 'Велосипедна доріжка біля Тетерева');
    ok(await admin.send('phase:set', { to: 'review' }));
    const mineOf = async (p: TestPhone, mark: number) => (await p.next<MeView>('me', (me) => me.ideas.length > 0 && me.ideas[0].status === 'merged', mark)).ideas[0];

    let mark = phones[0].mark();
    const first = ok(await admin.send('idea:merge', { into: b, ideas: [a] }));
    expect((await mineOf(phones[0], mark)).mergedInto).toBe(b);
    // The standing idea itself is its author's, not merged: nothing to name.
    const own = (p: TestPhone) => meView(server.room.state, p.me.participantId)!.ideas[0];
    expect(own(phones[1]).mergedInto).toBeNull();

    mark = phones[1].mark();
    let markFirst = phones[0].mark();
    const second = ok(await admin.send('idea:merge', { into: c, ideas: [b] }));
    expect((await mineOf(phones[1], mark)).mergedInto).toBe(c);
    // The first author's idea lives on in c now, through b, and their phone is told so.
    expect(own(phones[0]).mergedInto).toBe(c);
    await phones[0].next<MeView>('me', (me) => me.ideas[0]?.mergedInto === c, markFirst);

    // Undone, last first: back in b, then standing again.
    markFirst = phones[0].mark();
    ok(await admin.send('idea:unmerge', { mergeId: second.mergeId }));
    expect(own(phones[0]).mergedInto).toBe(b);
    await phones[0].next<MeView>('me', (me) => me.ideas[0]?.mergedInto === b, markFirst);
    ok(await admin.send('idea:unmerge', { mergeId: first.mergeId }));
    expect(own(phones[0])).toMatchObject({ status: 'active', mergedInto: null });
  });
});
