// Text is kept as valid Unicode, so that every way of checking the record agrees: a lone surrogate
// (half of a UTF-16 pair, which JSON can carry as "\ud800") sent in a name, an idea's title,
// description and place, and the forum's and a priority's title, is stored as U+FFFD; the README's
// own recipes for checking the published hash (jq and Python, run as written there) and
// `npm run verify` on the export then give the hash the server published; and a forum file that
// carries one imports with U+FFFD in its place.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectConsole, joinPhone, ok, ROOT, startTestServer, tempDir, type TestClient, type TestServer } from './harness.js';

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The README's commands that check /results.json, as written in its "Checking the result". */
function readmeRecipes(): { jq: string; python: string } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /```sh\ncurl -s \S+\/results\.json -o results\.json\n([^]*?)```/.exec(readme)?.[1] ?? '';
  const jq = block.split('\n').find((l) => l.startsWith('jq '));
  const python = block.split('\n').find((l) => l.startsWith('python3 '));
  if (!jq || !python) throw new Error('the README no longer has its jq and python3 recipes after the curl of /results.json');
  return { jq, python };
}

const have = (command: string) => ['/usr/bin', '/usr/local/bin', '/bin'].some((dir) => existsSync(join(dir, command))) || hasOnPath(command);
function hasOnPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('text with a lone surrogate', () => {
  let server: TestServer;
  let admin: TestClient;
  let dir: string;

  beforeAll(async () => {
    dir = tempDir();
    server = await startTestServer({ admission: 'open' });
    admin = await connectConsole(server);
  });
  afterAll(async () => {
    admin?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is stored as U+FFFD in the forum’s and a priority’s title, a name, and an idea’s title, description and place', async () => {
    const { structure } = server.room.state;
    const priorities = structure.priorities.map((p, i) => (i === 0 ? { ...p, title: `${p.title} \udc01` } : p));
    ok(await admin.send('forum:setStructure', { structure: { ...structure, vision: 'Житомир \ud800 2030', priorities } }));
    expect(server.room.state.title).toBe('Житомир \ufffd 2030');
    expect(server.room.state.structure.priorities[0].title).toBe('Ефективне місто \ufffd');
    const phone = await joinPhone(server, 'Олена \udc00');
    ok(await admin.send('phase:set', { to: 'ideas' }));
    ok(await phone.send('idea:submit', { priorityCode: '1', title: 'Сквер \ud800 біля ставу', description: 'Лавки \udbff', place: 'Парк \ud83d' }));
    // A whole pair is a character and is kept.
    ok(await phone.send('idea:submit', { priorityCode: '2', title: 'Велодоріжка 🚲 до парку' }));
    const ideas = [...server.room.state.ideas.values()];
    expect(ideas.map((i) => [i.title, i.description, i.place])).toEqual([
      ['Сквер \ufffd біля ставу', 'Лавки \ufffd', 'Парк \ufffd'],
      ['Велодоріжка 🚲 до парку', '', ''],
    ]);
    expect([...server.room.state.participants.values()][0].name).toBe('Олена \ufffd');
    phone.close();
  });

  it('the README’s jq and Python recipes give the published hash of results that hold it', async () => {
    ok(await admin.send('phase:set', { to: 'review' }));
    ok(await admin.send('phase:set', { to: 'voting' }));
    ok(await admin.send('phase:set', { to: 'results' }));
    for (const p of server.room.state.structure.priorities) ok(await admin.send('priority:reveal', { priorityCode: p.code }));
    ok(await admin.send('results:publish', { published: true }));
    const text = await (await fetch(`${server.url}/f/${server.slug}/results.json`)).text();
    const published = JSON.parse(text) as { canonical: string; resultsHash: string };
    expect(published.canonical).toContain('Сквер \ufffd біля ставу');
    expect(published.canonical).toContain('"title":"Житомир \ufffd 2030"');
    expect(published.canonical).toContain('"title":"Ефективне місто \ufffd"');
    expect(published.canonical).not.toMatch(LONE);
    expect(text).not.toMatch(/\\ud[89a-f]/i);
    writeFileSync(join(dir, 'results.json'), text);

    const recipes = readmeRecipes();
    const run = (command: string) => execFileSync('sh', ['-c', command], { cwd: dir, encoding: 'utf8' }).trim().split(/\s+/)[0];
    // jq comes from the system's packages (apt-get install jq); the Python recipe needs only python3.
    if (have('jq')) expect(run(recipes.jq)).toBe(published.resultsHash);
    if (have('python3')) expect(run(recipes.python)).toBe(published.resultsHash);
    if (process.env.CI === 'true') expect(have('jq') && have('python3')).toBe(true);
    // And `npm run verify` on the facilitator's JSON export, with the published hash.
    const exported = await (await fetch(`${server.url}/f/${server.slug}/api/export.json`, { headers: { 'x-facilitator-key': server.facilitatorKey } })).text();
    writeFileSync(join(dir, 'export.json'), exported);
    const { LOG_LEVEL: _level, VICHE_DB: _db, ...env } = process.env;
    const verify = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', join(dir, 'export.json'), published.resultsHash], { cwd: ROOT, env, encoding: 'utf8' });
    expect(verify.stdout).toContain('It matches the published hash');
    expect(verify.status).toBe(0);
  });

  it('in a forum file is imported as U+FFFD', async () => {
    ok(await admin.send('phase:set', { to: 'closed' }));
    const file = await (await fetch(`${server.url}/f/${server.slug}/api/forum.json?kind=archive`, { headers: { 'x-facilitator-key': server.facilitatorKey } })).text();
    // As another program might have written it: the title's U+FFFD as a lone surrogate's escape.
    const planted = file.replace('Сквер \ufffd біля ставу', 'Сквер \\ud800 біля ставу').replace('Велодоріжка 🚲 до парку', 'Велодоріжка \\ud83d\\udeb2 до \\udc00парку');
    expect(planted).not.toBe(file);
    const other = await startTestServer({ admission: 'open' });
    try {
      const res = await fetch(`${other.url}/api/forums/import`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-facilitator-key': other.facilitatorKey },
        body: planted,
      });
      const reply = (await res.json()) as { ok: boolean; data?: { slug: string } };
      expect(reply.ok, JSON.stringify(reply)).toBe(true);
      const imported = other.forums.bySlug(reply.data!.slug)!.room.state;
      expect([...imported.ideas.values()].map((i) => i.title)).toEqual(['Сквер \ufffd біля ставу', 'Велодоріжка 🚲 до \ufffdпарку']);
      expect(JSON.stringify([...imported.ideas.values()])).not.toMatch(LONE);
    } finally {
      await other.stop();
    }
  });
});
