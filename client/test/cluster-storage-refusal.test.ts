// The pages, in Chromium, through the cluster as `npm run cluster` runs it (HAProxy, two Viche
// processes, PostgreSQL), when their forum cannot be opened because PostgreSQL is down: the
// forum's process killed during an outage, HAProxy sends the pages' reconnections to the other
// process, which cannot open the forum without PostgreSQL. The phone, the projector and the console
// say so in Ukrainian then English, saying that they connect again by themselves; once PostgreSQL
// is back they do, with no reload, the phone still holding its ballot.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, ConsoleView, ListCommandResults } from '../../shared/protocol.js';
import { connect, ok, ROOT, tempDir } from '../../server/test/harness.js';
import { clusterMissing, healthOf, startCluster, until, type Cluster } from '../../server/test/cluster.js';
import { CHROMIUM, haveBrowser, launchChromium } from './chromium.js';

const ready = haveBrowser && existsSync(join(ROOT, 'dist/client/phone/index.html')) && clusterMissing === null;
if (process.env.CI === 'true' && !ready) throw new Error(`CI needs Chromium at ${CHROMIUM}, the built client, HAProxy and PostgreSQL`);

const SHOTS = process.env.SCREENSHOTS_DIR;
const REFUSAL_UK = 'Сервер Віче зараз не може дістатися до бази даних форуму';
const REFUSAL_EN = 'This Viche server cannot reach the forum’s database just now';

describe.skipIf(!ready)(`pages whose forum cannot be opened while PostgreSQL is down, in Chromium (needs ${CHROMIUM}, a built client, HAProxy and PostgreSQL)`, () => {
  let browser: Browser;
  let dir = '';
  let cluster: Cluster | null = null;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') for (const p of cluster?.processes ?? []) console.log(p.output().slice(-4000));
    await cluster?.stop();
    cluster = null;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(url: string, width: number, height: number): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width, height } })).newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(url);
    return page;
  }

  it('the phone, the projector and the console say so in both languages, and come back by themselves once it is back', { timeout: 300_000 }, async () => {
    dir = tempDir();
    // Checks a minute apart: HAProxy keeps both processes in the rotation through the outage, and
    // learns of the killed one from its refused connections (tried again on the other).
    cluster = await startCluster(dir, { checkEveryMs: 60_000 });
    const list = await connect(cluster.base, { role: 'console', key: cluster.key });
    cluster.clients.push(list);
    await list.next('forums');
    const made = (await list.socket.timeout(10_000).emitWithAck('forums:create', { title: 'Міське голосування', from: { kind: 'template' } })) as Ack<ListCommandResults['forums:create']>;
    const { slug } = ok(made);
    const forumUrl = `${cluster.base}/f/${slug}`;
    const console_ = await open(`${forumUrl}/console?key=${encodeURIComponent(cluster.key)}`, 1280, 720);
    await console_.getByRole('tab', { name: 'Допуск' }).waitFor();
    const admin = await connect(forumUrl, { role: 'console', key: cluster.key });
    cluster.clients.push(admin);
    const { joinCode } = await admin.next<ConsoleView>('console');
    admin.close();

    const phone = await open(`${forumUrl}/?c=${joinCode}`, 360, 640);
    await phone.getByLabel('Ваше ім’я (необов’язково)').fill('Галина');
    await phone.getByRole('button', { name: 'Приєднатися' }).click();
    const lobby = phone.getByText('Форум скоро почнеться');
    await lobby.waitFor();
    const screens = [await open(`${forumUrl}/screen?key=${encodeURIComponent(cluster.key)}`, 1920, 1080), await open(`${forumUrl}/screen?key=${encodeURIComponent(cluster.key)}`, 1280, 720)];
    for (const screen of screens) await screen.locator('.join-code').waitFor();

    let owner = -1;
    for (const [i, p] of cluster.processes.entries()) if ((await healthOf(p)).owned?.includes(slug)) owner = i;
    expect(owner).toBeGreaterThanOrEqual(0);
    await cluster.postgres.stopServer('fast');
    cluster.processes[owner].child.kill('SIGKILL');
    await cluster.processes[owner].exited;

    // Each page says, in Ukrainian then English, that it cannot reach the database and connects again by itself.
    const pages: [string, Page][] = [['phone-360x640', phone], ['console-1280x720', console_], ['screen-1920x1080', screens[0]], ['screen-1280x720', screens[1]]];
    for (const [, page] of pages) {
      const alert = page.getByRole('alert').filter({ hasText: REFUSAL_UK });
      await alert.waitFor();
      const text = await alert.innerText();
      expect(text).toContain('Під’єднуємося знову');
      expect(text.indexOf(REFUSAL_UK)).toBeLessThan(text.indexOf(REFUSAL_EN));
      expect(await alert.locator('[lang="en"]').innerText()).toMatch(/^This Viche server cannot reach the forum’s database just now\. Connecting again/);
    }
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      for (const [name, page] of pages) await page.screenshot({ path: join(SHOTS, `${name}-storage-unavailable.png`) });
    }

    await cluster.postgres.startServer();
    // Back by themselves, no reload: the phone on its ballot, the console and the projector on their views.
    await phone.getByText('Вітаємо, Галина!').waitFor();
    await console_.getByRole('tab', { name: 'Допуск' }).waitFor();
    for (const screen of screens) await screen.locator('.join-code').waitFor();
    for (const [, page] of pages) expect(await page.getByRole('alert').filter({ hasText: REFUSAL_UK }).count()).toBe(0);
    await until(async () => (await healthOf(cluster!.processes[1 - owner])).owned?.includes(slug) ?? false, 'the forum on the other process');
    if (SHOTS) await phone.screenshot({ path: join(SHOTS, 'phone-360x640-back.png') });
    for (const [, page] of pages) await page.context().close();
  });
});
