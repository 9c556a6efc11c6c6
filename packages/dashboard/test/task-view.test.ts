// A task's own view and the activity charts, in a real headless Chromium, with real tasks:
// phases on a timeline, progress over time, resources plotted, the log, dependencies, a question
// while the task waits for input, retries with an abandoned phase; tasks started and finished and
// durations per kind; owners by a readable name. Screenshots go to test-results/screenshots/.
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { TaskContext, TaskHandle } from '@headway/core';
import { hasChromium, launchChromium, poll, row, screenshot, screenshotDrawer, warnIfNoChromium, watchedPage } from './chromium.js';
import { gate, startRig } from './helpers.js';
import type { Rig } from './helpers.js';

warnIfNoChromium('the task view browser test');

const SESSION = 'session:3f2a91c0-5b7e-4c1d-9a2f-6e8d4b1c7a90';
const drawer = '#drawer';

/** Real CPU work, so the resource samples have something to show. */
function burn(ms: number): string {
  const end = performance.now() + ms;
  let digest = 'seed';
  while (performance.now() < end) digest = createHash('sha256').update(digest).digest('hex');
  return digest;
}

async function openFromRow(page: Page, id: string): Promise<void> {
  await page.click(`${row(id)} .kind`);
  await page.waitForSelector(`${drawer}:not([hidden])`);
  await poll(() => page.textContent('#tv-sub code')).toBe(id);
}

describe.skipIf(!hasChromium)('the task view and the activity charts in Chromium', () => {
  let browser: Browser;
  let rig: Rig;

  beforeAll(async () => {
    browser = await launchChromium();
    rig = await startRig(
      { allowCancel: true, title: 'Headway tasks — schema registry' },
      { resources: { enabled: true, intervalMs: 40 }, retry: { initialDelayMs: 30, jitter: 'none' } },
    );
  });

  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  it('shows a task’s phases on a timeline, its progress, resources, log and dependencies, live, then finished', async () => {
    const { manager } = rig;
    const { page, errors } = await watchedPage(browser);
    await page.goto(rig.url);
    await page.waitForSelector('#conn[data-state=live]');

    const held = gate();
    const clear = await manager.create({
      kind: 'clear_context',
      owner: SESSION,
      fn: async (_input: unknown, ctx: TaskContext) => {
        await ctx.progress.phase('Fetching subjects', { to: 10 }, async () => {
          await delay(60);
          ctx.log.info('found 12 subjects in context dev');
        });
        await ctx.progress.phase('Deleting subjects', { to: 85 }, async (outer) => {
          for (const [n, batch] of ['Batch 1', 'Batch 2'].entries()) {
            await outer.phase(batch, { total: 6, weight: 50 }, async (phase) => {
              for (let i = 0; i < 6; i++) {
                burn(15);
                await delay(15);
                phase.updateItem(i, `deleted subject ${n * 6 + i + 1} of 12`);
              }
            });
          }
          ctx.log.notice('12 subjects deleted');
        });
        await ctx.progress.phase('Deleting context', { to: 100 }, async (phase) => {
          phase.update(40, 'removing context metadata');
          await held.promise;
        });
        return { deleted: 12 };
      },
    });
    const publish = await manager.create({ kind: 'publish_catalog', owner: SESSION, dependsOn: [clear.id], fn: () => 'published' });

    // The row names the owner by a readable label; the full owner is in the tooltip.
    await page.waitForSelector(row(clear.id));
    expect(await page.textContent(`${row(clear.id)} .owner`)).toBe('session 3f2a91c0');
    expect(await page.getAttribute(`${row(clear.id)} .sub`, 'title')).toContain(SESSION);
    await poll(() => page.textContent(`${row(publish.id)} .msg`)).toBe('waiting for 1 task');

    // Its own view, while it runs.
    await poll(() => page.textContent(`${row(clear.id)} .phase`)).toBe('Deleting context');
    await openFromRow(page, clear.id);
    expect(await page.textContent('#tv-kind')).toBe('clear_context');
    const phaseNames = () => page.$$eval(`${drawer} g.phase`, (gs) => gs.map((g) => `${g.getAttribute('data-name')}:${g.getAttribute('class')}`));
    await poll(phaseNames).toEqual([
      'Fetching subjects:phase done',
      'Deleting subjects:phase done',
      'Batch 1:phase done',
      'Batch 2:phase done',
      'Deleting context:phase open',
    ]);
    const points = async () => Number(await page.getAttribute(`${drawer} path.progress-line`, 'data-points'));
    await poll(points).toBeGreaterThan(10);
    await poll(() => page.locator(`${drawer} .cpu-line`).count()).toBe(1);
    expect(await page.locator(`${drawer} .rss-line`).count()).toBe(1);
    await poll(() => page.textContent(`${drawer} [data-part=log]`)).toContain('12 subjects deleted');
    expect(await page.textContent(`${drawer} [data-part=log]`)).toContain('found 12 subjects in context dev');
    await poll(() => page.textContent(`${drawer} .needed-by`)).toContain('publish_catalog');
    await poll(() => page.textContent(`${drawer} .facts`)).toContain('91.0%'); // 85 + 40% of 15, in 'Deleting context'
    await screenshotDrawer(page, 'task-view-running');

    // It finishes: the open phase ends, the dependent runs, the view follows without a reload.
    held.open();
    await clear.result();
    await publish.result();
    await poll(() => page.textContent('#tv-badge')).toBe('completed');
    await poll(phaseNames).toEqual([
      'Fetching subjects:phase done',
      'Deleting subjects:phase done',
      'Batch 1:phase done',
      'Batch 2:phase done',
      'Deleting context:phase done',
    ]);
    await poll(() => page.textContent(`${drawer} .needed-by li`)).toContain('completed');
    await screenshotDrawer(page, 'task-view');

    // A dependency is a link to its own view; Escape closes the view.
    await page.goto(`${rig.url}#task=${encodeURIComponent(publish.id)}`);
    await page.waitForSelector(`${drawer}:not([hidden])`);
    await poll(() => page.textContent(`${drawer} .waits-for`)).toContain('clear_context');
    await page.click(`${drawer} .waits-for a`);
    await poll(() => page.textContent('#tv-sub code')).toBe(clear.id);
    await page.keyboard.press('Escape');
    await page.waitForSelector(`${drawer}[hidden]`, { state: 'attached' });
    expect(errors).toEqual([]);
  });

  it('shows the question of a task that waits for input, and its attempts with an abandoned phase', async () => {
    const { manager } = rig;
    const { page, errors } = await watchedPage(browser);
    await page.goto(rig.url);
    await page.waitForSelector('#conn[data-state=live]');

    const approval = await manager.create({
      kind: 'approve_deletion',
      owner: 'principal:alice@example.com',
      fn: async (_input: unknown, ctx: TaskContext) => {
        ctx.progress.update(20, 'listed 42 subjects');
        const answer = await ctx.elicit({
          message: 'Delete 42 subjects from context "dev"?',
          schema: {
            type: 'object',
            properties: {
              approve: { type: 'boolean', description: 'Yes to delete them' },
              keep: { type: 'string', title: 'Subjects to keep', enum: ['none', 'orders-value', 'users-key'] },
            },
            required: ['approve'],
          },
        });
        return answer.action;
      },
    });
    await poll(() => page.textContent(`${row(approval.id)} .msg`)).toBe('Asks: Delete 42 subjects from context "dev"?');
    expect(await page.getAttribute(`${row(approval.id)} .msg`, 'class')).toBe('msg ask');
    expect(await page.textContent(`${row(approval.id)} .owner`)).toBe('alice@example.com');
    await openFromRow(page, approval.id);
    await poll(() => page.textContent(`${drawer} .question`)).toContain('Delete 42 subjects from context "dev"?');
    const question = await page.textContent(`${drawer} .question`);
    expect(question).toContain('approve *');
    expect(question).toContain('Yes to delete them');
    expect(question).toContain('one of: none, orders-value, users-key');
    expect(await page.textContent('#tv-badge')).toBe('input required');
    await screenshotDrawer(page, 'task-view-input');

    const waiting = (await manager.get(approval.id, { owner: 'principal:alice@example.com' }))!;
    await manager.respond(approval.id, { requestId: waiting.inputRequest!.id, action: 'accept', content: { approve: true, keep: 'none' } }, { owner: 'principal:alice@example.com' });
    expect(await approval.result()).toBe('accept');
    await poll(() => page.locator(`${drawer} .question`).count()).toBe(0);
    await poll(() => page.textContent('#tv-badge')).toBe('completed');
    await poll(() => page.textContent(`${drawer} [data-part=log]`)).toContain('got its answer (accept)');

    // Attempt 1 fails inside a phase (left abandoned), attempt 2 succeeds.
    const upload = await manager.create({
      kind: 'upload_schemas',
      owner: 'ops',
      retry: { maxAttempts: 3 },
      fn: async (_input: unknown, ctx: TaskContext) => {
        await ctx.progress.phase('Uploading', { total: 4, to: 80 }, async (phase) => {
          for (let i = 0; i < 4; i++) {
            await delay(20);
            if (ctx.attempt === 1 && i === 2) throw new Error('registry answered 503');
            phase.updateItem(i);
          }
        });
        await ctx.progress.phase('Verifying', { to: 100 }, () => delay(30));
      },
    });
    await upload.result();
    await page.goto(`${rig.url}#task=${encodeURIComponent(upload.id)}`);
    await page.waitForSelector(`${drawer}:not([hidden])`);
    await poll(() => page.locator(`${drawer} .band.attempt`).count()).toBe(2);
    const phases = await page.$$eval(`${drawer} g.phase`, (gs) => gs.map((g) => `${g.getAttribute('data-name')}:${g.getAttribute('class')}`));
    expect(phases).toEqual(['Uploading:phase abandoned', 'Uploading:phase done', 'Verifying:phase done']);
    expect(await page.textContent(`${drawer} [data-part=timeline]`)).toContain('attempt 1 · retrying');
    expect(await page.textContent(`${drawer} .facts`)).toContain('2 / 3');
    expect(errors).toEqual([]);
  });

  it('charts tasks started and finished and durations per kind over the last hour', async () => {
    // A dashboard of its own, so the counts are this test's alone.
    const own = await startRig({ title: 'Headway tasks — schema registry' });
    onTestFinished(() => own.close());
    const { manager } = own;
    const finished: TaskHandle[] = [];
    const run = async (kind: string, ms: number, outcome: 'ok' | 'fail' = 'ok') => {
      const handle = await manager.create({
        kind,
        owner: 'team-data',
        fn: async () => {
          await delay(ms);
          if (outcome === 'fail') throw new Error('subject payments-value is incompatible');
        },
      });
      finished.push(handle);
      return handle;
    };
    await Promise.all([run('register_schema', 15), run('register_schema', 30), run('register_schema', 45), run('register_schema', 60)]);
    await Promise.all([run('count_schemas', 400), run('count_schemas', 600), run('count_schemas', 900)]);
    await run('migrate_compat', 120, 'fail');
    const stuck = await manager.create({ kind: 'export_schemas', owner: 'alice', fn: (_i: unknown, ctx: TaskContext) => new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))) });
    await delay(50);
    await stuck.cancel();
    await Promise.all(finished.map((h) => h.wait()));
    await manager.flush();

    const { page, errors } = await watchedPage(browser);
    await page.goto(own.url);
    await page.waitForSelector('#conn[data-state=live]');
    await poll(() => page.textContent('#tp-legend')).toBe('started 9completed 7failed 1cancelled 1');
    expect(await page.locator('#tp-chart rect.started').count()).toBeGreaterThan(0);
    expect(await page.locator('#dur-chart circle.dot').count()).toBe(9);
    expect(await page.locator('#dur-chart circle.dot.failed').count()).toBe(1);
    expect(await page.locator('#dur-chart circle.dot.cancelled').count()).toBe(1);
    expect(await page.textContent('#dur-legend [data-kind=register_schema]')).toMatch(/^register_schema 4 · mean \d+ ms · max \d+ ms$/);
    expect(await page.textContent('#dur-legend [data-kind=count_schemas]')).toMatch(/^count_schemas 3 · mean \d+ ms · max \d+ ms$/);
    expect(await page.textContent('#dur-legend [data-kind=migrate_compat]')).toContain('1 failed');
    expect(await page.textContent('#tp-span')).toBe('last 5 min · per 10 s');
    // One column per kind, most tasks first, each with its mean.
    const columns = await page.$$eval('#dur-chart text.kind-label title', (ts) => ts.map((t) => t.textContent));
    expect(columns).toEqual(['register_schema', 'count_schemas', 'export_schemas', 'migrate_compat']);
    expect(await page.locator('#dur-chart line.mean').count()).toBe(4);
    // Every count_schemas (400 ms or more) sits above every register_schema (60 ms or less): a log scale of durations.
    const ys = await page.$$eval('#dur-chart circle.dot', (dots) => dots.map((d) => ({ kind: d.getAttribute('data-kind'), y: Number(d.getAttribute('cy')) })));
    const topOf = (kind: string) => Math.min(...ys.filter((d) => d.kind === kind).map((d) => d.y));
    const bottomOf = (kind: string) => Math.max(...ys.filter((d) => d.kind === kind).map((d) => d.y));
    expect(bottomOf('count_schemas')).toBeLessThan(topOf('register_schema'));
    await screenshot(page, 'overview');

    // A dot opens its task.
    const failed = finished.find((h) => h.kind === 'migrate_compat')!;
    await page.click(`#dur-chart circle[data-task-id="${failed.id}"]`);
    await poll(() => page.textContent('#tv-sub code')).toBe(failed.id);
    await poll(() => page.textContent(`${drawer} .failure`)).toContain('subject payments-value is incompatible');
    expect(errors).toEqual([]);
  });
});
