// The hash the hall is shown is final when shown. The projector's final slide shows no hash while
// a priority is still to be revealed (paper stickers may still be entered for it), and says so in
// words; once every priority is revealed it shows the hash, and nothing the rules still allow
// afterwards changes it: phones joining late (they hold no say in the results), renames, a paper
// ballot count, publishing, closing the forum, a restart. Everything that would change it is
// refused with a sentence saying why, to the facilitator and to a table host alike: paper
// stickers and cards, corrections, edits, hiding, restoring, merging and its undo, voids,
// structure and rules, dots placed or taken off, new ideas. Slides, archiving and a host's
// invitation leave it as it is too. The database and the export then give the hash
// the hall saw.

import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, ScreenView } from '../../shared/protocol.js';
import { resultsHash } from '../forum/resultsHash.js';
import type { PublicResults } from '../http/public.js';
import {
  connect,
  connectConsole,
  connectScreen,
  joinPhone,
  ok,
  ROOT,
  startTestServer,
  tempDir,
  type TestClient,
  type TestPhone,
  type TestServer,
} from './harness.js';

/** The refusal's code and its sentence, as the console shows it. */
const refusal = (ack: { ok: boolean; error?: { code: string; message: string } }) => {
  if (ack.ok) throw new Error('expected a refusal, got ok');
  return [ack.error!.code, ack.error!.message];
};

describe('the hash on the final slide', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'forum.db');
  let server: TestServer;
  let admin: TestClient;
  let screen: TestClient;
  const phones: TestPhone[] = [];
  const ideas: Record<string, string> = {};
  let shown = '';
  let mergeId = '';

  const screenView = async (test: (v: ScreenView) => boolean) => screen.next<ScreenView>('screen', test, 0);

  beforeAll(async () => {
    server = await startTestServer({ dbPath });
    admin = await connectConsole(server);
    screen = await connectScreen(server);
    for (const name of ['Оля', 'Петро', 'Марія']) phones.push(await joinPhone(server, name));
    const [a, b, c] = phones;
    ok(await admin.send('phase:set', { to: 'ideas' }));
    ideas.park = ok(await a.send('idea:submit', { priorityCode: '1', title: 'Сквер біля річки' })).ideaId;
    ideas.lights = ok(await b.send('idea:submit', { priorityCode: '1', title: 'Ліхтарі' })).ideaId;
    ideas.trees = ok(await c.send('idea:submit', { priorityCode: '6', title: 'Дерева' })).ideaId;
    ideas.bench = ok(await a.send('idea:submit', { priorityCode: '6', title: 'Лавки' })).ideaId;
    ideas.advert = ok(await c.send('idea:submit', { priorityCode: '1', title: 'Реклама магазину' })).ideaId;
    ideas.treesToo = ok(await b.send('idea:submit', { priorityCode: '6', title: 'Дерева вздовж дороги' })).ideaId;
    ok(await admin.send('phase:set', { to: 'review' }));
    // A hidden idea and a merge, for the restore and the undo asked for after the final reveal.
    ok(await admin.send('idea:hide', { ideaId: ideas.advert, reason: 'Реклама' }));
    mergeId = ok(await admin.send('idea:merge', { into: ideas.trees, ideas: [ideas.treesToo] })).mergeId;
    ok(await admin.send('phase:set', { to: 'voting' }));
    ok(await a.send('dot:place', { ideaId: ideas.park }));
    ok(await b.send('dot:place', { ideaId: ideas.park }));
    ok(await c.send('dot:place', { ideaId: ideas.lights }));
    ok(await c.send('dot:place', { ideaId: ideas.trees }));
    ok(await admin.send('phase:set', { to: 'results' }));
    ok(await admin.send('paper:ballots', { count: 5 }));
  });
  afterAll(async () => {
    for (const c of [admin, screen, ...phones]) c?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is not shown while a priority is still to be revealed, even on the final slide, and paper for it still counts', async () => {
    const codes = server.room.state.structure.priorities.map((p) => p.code);
    expect(codes).toHaveLength(6);
    for (const code of codes.slice(0, 5)) ok(await admin.send('priority:reveal', { priorityCode: code }));
    ok(await admin.send('display:show', { display: { slide: 'final' } }));
    const provisional = await screenView((v) => v.results.length === 5);
    expect(provisional.resultsHash).toBeNull();
    const before = resultsHash(server.room.state);
    // Stickers counted on the paper wall of the sixth priority: still allowed, and they change the results.
    expect(ok(await admin.send('paper:dots', { ideaId: ideas.bench, count: 3 }))).toEqual({ count: 3 });
    expect(resultsHash(server.room.state)).not.toBe(before);
  });

  it('is shown once every priority is revealed, and is the hash of the results', async () => {
    ok(await admin.send('priority:reveal', { priorityCode: '6' }));
    const view = await screenView((v) => v.resultsHash !== null);
    shown = view.resultsHash!;
    expect(shown).toBe(resultsHash(server.room.state));
  });

  it('does not change when phones join late: they are let in, but not counted in the results', async () => {
    const joinedBefore = server.room.state.participants.size;
    for (const name of ['Запізнілий', 'Ще один']) phones.push(await joinPhone(server, name));
    expect(server.room.state.participants.size).toBe(joinedBefore + 2);
    expect(resultsHash(server.room.state)).toBe(shown);
    const view = await screenView((v) => v.joined === joinedBefore + 2);
    expect(view.resultsHash).toBe(shown);
  });

  it('refuses, with a sentence, everything that would change the results', async () => {
    const late = phones[phones.length - 1];
    const early = phones[0];
    const SHOWN = 'Результати вже оголошують у залі: анулювати учасників тепер не можна, бо це змінило б показані рейтинги.';
    const cases = [
      [await admin.send('paper:dots', { ideaId: ideas.bench, count: 4 }), 'ALREADY_REVEALED', 'Результати цього пріоритету вже показано.'],
      [await admin.send('idea:correct', { ideaId: ideas.park, title: 'Сквер', description: '', place: '' }), 'WRONG_PHASE', 'Зараз це недоступно: етап «Результати».'],
      [await admin.send('idea:hide', { ideaId: ideas.park, reason: 'Пізно' }), 'WRONG_PHASE', 'Зараз це недоступно: етап «Результати».'],
      [await admin.send('idea:merge', { into: ideas.park, ideas: [ideas.lights] }), 'WRONG_PHASE', 'Зараз це недоступно: етап «Результати».'],
      [await admin.send('participant:void', { participantId: early.me.participantId, reason: 'Пізно' }), 'RESULTS_SHOWN', SHOWN],
      [await admin.send('participant:void', { participantId: late.me.participantId, reason: 'Пізно' }), 'RESULTS_SHOWN', SHOWN],
      [await admin.send('participant:voidMany', { range: '127.1.0.0/16', reason: 'Пізно' }), 'RESULTS_SHOWN', SHOWN],
      [await admin.send('forum:setRules', { rules: { ideasPerParticipant: 5, dotsPerPriority: 9, maxDotsPerIdea: 2 } }), 'WRONG_PHASE', 'Зараз це недоступно: етап «Результати».'],
      [await admin.send('forum:setStructure', { structure: { ...server.room.state.structure, vision: 'Інше' } }), 'WRONG_PHASE', 'Зараз це недоступно: етап «Результати».'],
      [await late.send('dot:place', { ideaId: ideas.lights }), 'WRONG_PHASE', 'Зараз це недоступно: етап «Результати».'],
      [await late.send('idea:submit', { priorityCode: '1', title: 'Запізніла ідея' }), 'WRONG_PHASE', 'Зараз це недоступно: етап «Результати».'],
      [await early.send('idea:withdraw', { ideaId: ideas.park }), 'WRONG_PHASE', 'Зараз це недоступно: етап «Результати».'],
      [await early.send('idea:edit', { ideaId: ideas.park, title: 'Сквер над річкою' }), 'WRONG_PHASE', 'Зараз це недоступно: етап «Результати».'],
      [await early.send('dot:remove', { ideaId: ideas.park }), 'WRONG_PHASE', 'Зараз це недоступно: етап «Результати».'],
      [await admin.send('idea:restore', { ideaId: ideas.advert, dotsBack: true }), 'WRONG_PHASE', 'Зараз це недоступно: етап «Результати».'],
      [await admin.send('idea:unmerge', { mergeId }), 'WRONG_PHASE', 'Зараз це недоступно: етап «Результати».'],
      [await admin.send('paper:idea', { priorityCode: '1', title: 'Паперова ідея' }), 'WRONG_PHASE', 'Зараз це недоступно: етап «Результати».'],
    ] as const;
    for (const [ack, code, message] of cases) expect(refusal(ack)).toEqual([code, message]);
    // A table host is refused the same, for their own priority.
    const invite = ok(await admin.send('host:invite', { name: 'Ведуча столу', scope: '1' }));
    const host = await connect(server.socketUrl, { role: 'host', key: new URLSearchParams(invite.link.split('?')[1]).get('host') ?? '' });
    try {
      const RESULTS = 'Зараз це недоступно: етап «Результати».';
      const byHost = [
        [await host.send('paper:dots', { ideaId: ideas.park, count: 2 }), 'ALREADY_REVEALED', 'Результати цього пріоритету вже показано.'],
        [await host.send('idea:correct', { ideaId: ideas.park, title: 'Сквер', description: '', place: '' }), 'WRONG_PHASE', RESULTS],
        [await host.send('idea:hide', { ideaId: ideas.lights, reason: 'Пізно' }), 'WRONG_PHASE', RESULTS],
        [await host.send('idea:restore', { ideaId: ideas.advert }), 'WRONG_PHASE', RESULTS],
        [await host.send('paper:idea', { priorityCode: '1', title: 'Паперова ідея' }), 'WRONG_PHASE', RESULTS],
      ] as const;
      for (const [ack, code, message] of byHost) expect(refusal(ack)).toEqual([code, message]);
    } finally {
      host.close();
    }
    ok(await admin.send('host:revoke', { hostId: invite.hostId }));
    expect(resultsHash(server.room.state)).toBe(shown);
  });

  it('does not change with what is still allowed: a rename, the paper ballots, the slides, publishing, closing and archiving the forum', async () => {
    ok(await phones[1].send('participant:rename', { name: 'Петро Іванович' }));
    ok(await admin.send('paper:ballots', { count: 9 }));
    ok(await admin.send('display:setResultsTop', { top: 3 }));
    ok(await admin.send('display:show', { display: { slide: 'priority', priorityCode: '1' } }));
    ok(await admin.send('display:show', { display: { slide: 'final' } }));
    ok(await admin.send('results:publish', { published: true }));
    ok(await admin.send('phase:set', { to: 'closed' }));
    const list = await connect(server.url, { role: 'console', key: server.facilitatorKey });
    try {
      for (const archived of [true, false]) {
        const ack = (await list.socket.timeout(10_000).emitWithAck('forums:archive', { forumId: server.room.state.id, archived })) as Ack<{ archived: boolean }>;
        expect(ok(ack)).toEqual({ archived });
      }
    } finally {
      list.close();
    }
    expect(resultsHash(server.room.state)).toBe(shown);
    const data = (await (await fetch(`${server.url}/results.json`)).json()) as PublicResults;
    expect(data.resultsHash).toBe(shown);
    expect(data.final).toBe(true);
    // Three ballots when voting closed; the two late phones are not in the turnout.
    expect(data.turnout).toEqual({ participants: 3, voted: 3 });
  });

  it('is the hash the database and the export give, after a restart', async () => {
    for (const c of [admin, screen, ...phones]) c.close();
    phones.length = 0;
    await server.close();
    server = await startTestServer({ dbPath });
    admin = await connectConsole(server);
    screen = await connectScreen(server);
    expect((await screenView(() => true)).resultsHash).toBe(shown);
    const res = await fetch(`${server.url}/api/export.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } });
    const exported = (await res.json()) as { resultsHash: string; resultsFinal: boolean; turnout: { joined: number; joinedAfterVoting: number } };
    expect(exported).toMatchObject({ resultsHash: shown, resultsFinal: true, turnout: { joined: 3, joinedAfterVoting: 2 } });
    const exportPath = join(dir, 'export.json');
    writeFileSync(exportPath, JSON.stringify(exported));

    const { LOG_LEVEL: _level, VICHE_DB: _db, ...env } = process.env;
    for (const file of [dbPath, exportPath]) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', file, shown], { cwd: ROOT, env, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('It matches the published hash');
      expect(run.status).toBe(0);
    }
  });
});
