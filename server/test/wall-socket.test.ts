// The wall of ideas on phones (server/realtime/wall.ts): a phone that comes back says which
// version it holds and is sent only what changed since; a new page, or one holding another
// server's wall, gets the whole wall, gzipped above a size for a phone that can unpack it. And the
// revealed results (server/realtime/push.ts): a phone gets the first rows of a long ranking, and
// gets them again only when they change.

import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectRefusal, IdeasAll, IdeasPatch, PhoneResult, PhoneView, PriorityResult, PublicIdea, ScreenView } from '../../shared/protocol.js';
import { rankIdeas, topWithTies } from '../../shared/forum/tally.js';
import { PHONE_RESULT_ROWS, SCREEN_RESULT_ROWS, screenResult } from '../forum/views.js';
import { GZIP_FROM_BYTES } from '../realtime/wall.js';
import { connect, connectConsole, connectScreen, joinPhone, ok, startTestServer, type TestClient, type TestPhone, type TestServer } from './harness.js';

const card = (n: number, long = false) => ({
  priorityCode: '1',
  title: `Ідея номер ${n}: велодоріжка вздовж набережної`,
  description: long ? 'Широка доріжка з освітленням, лавками й питними фонтанчиками для всіх мешканців району. '.repeat(8) : '',
  place: '',
});

/** The wall a phone holds after the messages it received from `since` on. */
function wallOf(phone: TestClient, since = 0): { held: { epoch: string; v: number } | null; ideas: Map<string, PublicIdea> } {
  let held = null as { epoch: string; v: number } | null;
  let ideas = new Map<string, PublicIdea>();
  for (const { event, args } of phone.received.slice(since)) {
    if (event === 'ideas:all') {
      const wall = args[0] as IdeasAll;
      const list = wall.ideas ?? (JSON.parse(gunzipSync(wall.gz as Uint8Array).toString()) as PublicIdea[]);
      ideas = new Map(list.map((i) => [i.id, i]));
      held = { epoch: wall.epoch, v: wall.v };
    } else if (event === 'ideas:patch') {
      const patch = args[0] as IdeasPatch;
      for (const id of patch.removed) ideas.delete(id);
      for (const idea of patch.upserts) ideas.set(idea.id, idea);
      if (held) held = { ...held, v: patch.v };
    }
  }
  return { held, ideas };
}

describe('the wall of ideas on phones', () => {
  let server: TestServer;
  let admin: TestClient;
  let author: TestPhone;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await connectConsole(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    author = await joinPhone(server, 'Авторка');
  });
  afterAll(async () => {
    admin?.close();
    author?.close();
    await server?.stop();
  });

  it('a phone that comes back is sent only what changed since the version it holds', async () => {
    const reader = await joinPhone(server, 'Читач');
    const first = ok(await author.send('idea:submit', card(1)));
    const second = ok(await author.send('idea:submit', card(2)));
    await reader.next<IdeasPatch>('ideas:patch', (p) => p.upserts.some((i) => i.id === second.ideaId));
    const before = wallOf(reader);
    expect([...before.ideas.keys()]).toEqual([first.ideaId, second.ideaId]);
    reader.close();

    // While it is away: a new idea, an edit, a withdrawal.
    const third = ok(await author.send('idea:submit', card(3)));
    ok(await author.send('idea:edit', { ideaId: first.ideaId, ...card(1), title: 'Велодоріжка, виправлена' }));
    ok(await author.send('idea:withdraw', { ideaId: second.ideaId }));
    await author.next<IdeasPatch>('ideas:patch', (p) => p.removed.includes(second.ideaId));

    const back = await connect(server.socketUrl, { role: 'phone', token: reader.token, wall: before.held! });
    const sent = await back.next<IdeasPatch>('ideas:patch');
    await back.next('me');
    expect(back.received.some((r) => r.event === 'ideas:all')).toBe(false);
    expect(sent.upserts.map((i) => i.id).sort()).toEqual([first.ideaId, third.ideaId].sort());
    expect(sent.removed).toEqual([second.ideaId]);

    // What it holds now is the wall a new page gets whole.
    const fresh = await connect(server.socketUrl, { role: 'phone' });
    const whole = await fresh.next<IdeasAll>('ideas:all');
    const held = new Map(before.ideas);
    for (const id of sent.removed) held.delete(id);
    for (const idea of sent.upserts) held.set(idea.id, idea);
    expect(new Map(whole.ideas!.map((i) => [i.id, i]))).toEqual(held);
    expect(held.get(first.ideaId)?.title).toBe('Велодоріжка, виправлена');
    back.close();
    fresh.close();
  });

  it('a phone holding another server’s wall, or a version not yet made, gets the whole wall', async () => {
    const current = await connect(server.socketUrl, { role: 'phone' });
    const wall = await current.next<IdeasAll>('ideas:all');
    for (const held of [
      { epoch: 'another-run', v: wall.v },
      { epoch: wall.epoch, v: wall.v + 5 },
    ]) {
      const phone = await connect(server.socketUrl, { role: 'phone', wall: held });
      const got = await phone.next<IdeasAll>('ideas:all');
      expect(got.ideas).toEqual(wall.ideas);
      expect(got).toMatchObject({ epoch: wall.epoch, v: wall.v });
      phone.close();
    }
    current.close();
  });

  it('refuses a malformed wall in the handshake, as any bad handshake', async () => {
    for (const wall of [{ epoch: 5, v: 1 }, { epoch: 'x', v: -1 }, { epoch: 'x'.repeat(40), v: 1 }, 'v1']) {
      const phone = connect(server.socketUrl, { role: 'phone', wall: wall as never });
      const err = await phone.then(
        () => null,
        (e: Error & { data?: ConnectRefusal }) => e.data?.code,
      );
      expect(err).toBe('BAD_INPUT');
    }
  });

  it('a large wall goes gzipped to a phone that can unpack it, the same ideas as the plain one', async () => {
    for (const name of ['Друга', 'Третя']) {
      const writer = await joinPhone(server, name);
      for (let n = 0; n < 5; n++) ok(await writer.send('idea:submit', card(10 + n, true)));
      writer.close();
    }
    const plainPhone = await connect(server.socketUrl, { role: 'phone' });
    const plain = await plainPhone.next<IdeasAll>('ideas:all');
    expect(Buffer.byteLength(JSON.stringify(plain.ideas))).toBeGreaterThan(GZIP_FROM_BYTES);
    expect(plain.gz).toBeUndefined();
    const packedPhone = await connect(server.socketUrl, { role: 'phone', gz: true });
    const packed = await packedPhone.next<IdeasAll>('ideas:all');
    expect(packed.ideas).toBeUndefined();
    const bytes = packed.gz as Uint8Array;
    expect(bytes.byteLength).toBeLessThan(Buffer.byteLength(JSON.stringify(plain.ideas)) / 3);
    expect(JSON.parse(gunzipSync(bytes).toString())).toEqual(plain.ideas);
    expect({ epoch: packed.epoch, v: packed.v }).toEqual({ epoch: plain.epoch, v: plain.v });
    plainPhone.close();
    packedPhone.close();
  });
});

describe('revealed results on phones', () => {
  let server: TestServer;
  let admin: TestClient;
  let screen: TestClient;
  const phones: TestPhone[] = [];

  beforeAll(async () => {
    server = await startTestServer({ displayThrottleMs: 0 });
    admin = await connectConsole(server);
    screen = await connectScreen(server);
    ok(await admin.send('phase:set', { to: 'ideas' }));
    // 105 ideas in priority 1: more than a phone is sent of one ranking, all tied at no dots.
    for (let p = 0; p < 21; p++) {
      const phone = await joinPhone(server, `Учасник ${p + 1}`);
      phones.push(phone);
      for (let n = 0; n < 5; n++) ok(await phone.send('idea:submit', card(p * 5 + n)));
    }
    for (const to of ['review', 'voting', 'results'] as const) ok(await admin.send('phase:set', { to }));
  });
  afterAll(async () => {
    for (const c of [admin, screen, ...phones]) c?.close();
    await server?.stop();
  });

  it('a phone gets the first rows of a long ranking and how many more there are; the projector its top with the tie whole', async () => {
    const phone = phones[0];
    const mark = phone.mark();
    const screenMark = screen.mark();
    ok(await admin.send('priority:reveal', { priorityCode: '1' }));
    const [result] = await phone.next<PhoneResult[]>('results', (r) => r.length === 1, mark);
    expect(result.rows).toHaveLength(PHONE_RESULT_ROWS);
    expect(result.more).toBe(105 - PHONE_RESULT_ROWS);
    // The tie goes on past the rows sent: the phone reads the last one's rank as shared.
    expect(result.tiedAfter).toBe(105 - PHONE_RESULT_ROWS);
    const shown = await screen.next<ScreenView>('screen', (v) => v.results.length === 1, screenMark);
    // All 105 tie at the top: the projector gets as many as it could ever show, and how far the tie goes on.
    expect(shown.results[0].rows).toHaveLength(SCREEN_RESULT_ROWS);
    expect(shown.results[0]).toMatchObject({ more: 105 - SCREEN_RESULT_ROWS, tiedAfter: 105 - SCREEN_RESULT_ROWS });
    expect(shown.results[0].rows.slice(0, PHONE_RESULT_ROWS).map((r) => r.ideaId)).toEqual(result.rows.map((r) => r.ideaId));
    expect(Object.keys(result.rows[0]).sort()).toEqual(['dots', 'ideaId', 'rank', 'supporters', 'title']);

    // A phone that connects now gets the same.
    const late = await connect(server.socketUrl, { role: 'phone', token: phones[1].token });
    expect(await late.next<PhoneResult[]>('results')).toEqual([result]);
    late.close();
  });

  it('a ranking goes to phones once: not again at a change of the forum, nor at the next reveal', async () => {
    const phone = phones[2];
    const mark = phone.mark();
    const timer = ok(await admin.send('timer:set', { minutes: 5 })).timer!;
    await phone.next<PhoneView>('phone', (v) => v.forum.timer?.endsAt === timer.endsAt, mark);
    ok(await admin.send('priority:reveal', { priorityCode: '2' }));
    const results = await phone.next<PhoneResult[]>('results', (r) => r.some((x) => x.priorityCode === '2'), mark);
    // Only the ranking revealed: the first one, unchanged, is not sent again.
    expect(results.map((r) => r.priorityCode)).toEqual(['2']);
    // Between the timer and the second reveal, no rankings came.
    expect(phone.received.slice(mark).filter((r) => r.event === 'results')).toHaveLength(1);
    // Nor a phone view: the reveal changed nothing a phone shows of the forum (only the timer did).
    expect(phone.received.slice(mark).filter((r) => r.event === 'phone')).toHaveLength(1);
    const view = phone.received.slice(mark).find((r) => r.event === 'phone')!.args[0] as PhoneView;
    expect(Object.keys(view.forum)).not.toContain('revealed');
  });
});

describe("the projector's rows of a ranking (screenResult)", () => {
  const ranking = (...dots: number[]): PriorityResult => ({
    priorityCode: '1',
    rows: rankIdeas(dots.map((d, i) => ({ ideaId: `i${i + 1}`, dots: d, supporters: d, seq: i }))).map((r) => ({
      ...r,
      title: r.ideaId,
      goalCode: null,
      phoneDots: r.dots,
      paperDots: 0,
    })),
  });

  it('the top with the tie at the cut whole, and how many rows are left out', () => {
    const cut = screenResult(ranking(9, 8, 7, 7, 7, 1, 0), 3);
    expect(cut.rows.map((r) => r.ideaId)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5']);
    expect(cut).toMatchObject({ more: 2 });
    expect(cut.tiedAfter).toBeUndefined();
  });

  it('a ranking within the top is sent whole, unchanged', () => {
    const whole = ranking(3, 2, 1);
    expect(screenResult(whole, 5)).toBe(whole);
  });

  it('a tie longer than a screen could show: the first rows, and how far the tie goes on', () => {
    const tied = ranking(5, ...Array<number>(SCREEN_RESULT_ROWS + 20).fill(1), 0);
    const cut = screenResult(tied, 2);
    expect(cut.rows).toHaveLength(SCREEN_RESULT_ROWS);
    expect(cut).toMatchObject({ more: 22, tiedAfter: 21 });
    // What the projector shows of it is what it would show with every row.
    expect(topWithTies(cut.rows, 2, 12, cut.tiedAfter)).toEqual(topWithTies(tied.rows, 2, 12));
  });
});
