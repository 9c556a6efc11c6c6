import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskContext } from '@headway/core';
import { hasChromium, launchChromium, poll, row, screenshot, warnIfNoChromium, watchedPage } from './chromium.js';
import { gate, startRig } from './helpers.js';
import type { Rig } from './helpers.js';

warnIfNoChromium('the dashboard browser test');

async function progressOf(page: Page, id: string): Promise<number> {
  return Number(await page.getAttribute(`${row(id)} [role=progressbar]`, 'aria-valuenow'));
}

describe.skipIf(!hasChromium)('the dashboard page in Chromium', () => {
  let browser: Browser;
  let rig: Rig;

  beforeAll(async () => {
    browser = await launchChromium();
    rig = await startRig({ allowCancel: true, title: 'Headway tasks — schema registry' }, { retry: { initialDelayMs: 10, jitter: 'none' } });
  });

  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  it('shows tasks appear, progress advance and end completed, failed or cancelled without reload', async () => {
    const { page, errors: pageErrors } = await watchedPage(browser);
    await page.goto(rig.url);
    await page.waitForSelector('#conn[data-state=live]');
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const { manager } = rig;

    // A few finished tasks for context.
    for (const [i, subject] of ['orders-value', 'users-key', 'payments-value'].entries()) {
      await (
        await manager.create({
          kind: 'register_schema',
          owner: i === 1 ? 'team-billing' : 'team-data',
          fn: async (_input: unknown, ctx: TaskContext) => {
            ctx.progress.update(100, `registered ${subject}`);
          },
        })
      ).result();
    }
    const flaky = await manager.create({
      kind: 'sync_registry',
      owner: 'ops',
      retry: { maxAttempts: 3 },
      fn: async (_input: unknown, ctx: TaskContext) => {
        if (ctx.attempt === 1) throw new Error('registry timed out');
        ctx.progress.update(100, 'synced 212 subjects');
      },
    });
    await flaky.result();

    const fetched = gate();
    const indexed = gate();
    const ingest = await manager.create({
      kind: 'clear_context',
      owner: 'team-data',
      fn: async (_input: unknown, ctx: TaskContext) => {
        await ctx.progress.phase('Deleting subjects', { total: 5, to: 40 }, async (phase) => {
          phase.updateItem(0, 'deleted orders-value');
          phase.updateItem(1, 'deleted orders-key');
          await fetched.promise;
          for (let i = 2; i < 5; i++) phase.updateItem(i, `deleted subject ${i + 1} of 5`);
        });
        await ctx.progress.phase('Deleting context', { to: 100 }, async (phase) => {
          phase.update(50, 'removing context metadata');
          ctx.log.info('subjects gone, removing the context');
          await indexed.promise;
        });
        return { deleted: 5 };
      },
    });
    const publish = await manager.create({ kind: 'publish_catalog', owner: 'team-data', dependsOn: [ingest.id], fn: () => 'published' });
    const failLater = gate();
    const failing = await manager.create({
      kind: 'migrate_compat',
      owner: 'team-billing',
      fn: async (_input: unknown, ctx: TaskContext) => {
        ctx.progress.update(30, 'checking 40 subjects');
        await failLater.promise;
        throw new Error('subject payments-value is incompatible (BACKWARD)');
      },
    });
    const cancellable = await manager.create({
      kind: 'export_schemas',
      owner: 'alice',
      fn: (_input: unknown, ctx: TaskContext) =>
        ctx.progress.phase('Rendering', { to: 90 }, (phase) => {
          phase.update(60, 'rendered 60 of 100');
          return new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
        }),
    });

    // They appear, live.
    for (const handle of [ingest, publish, failing, cancellable, flaky]) await page.waitForSelector(row(handle.id));
    await poll(() => page.textContent(`${row(flaky.id)} td:nth-child(5)`)).toBe('2 / 3');
    await poll(() => page.getAttribute(row(flaky.id), 'data-status')).toBe('completed');
    await poll(() => page.getAttribute(row(publish.id), 'data-status')).toBe('queued');

    // The progress bar advances: 16% within the first phase, then 70% in the second.
    await poll(() => progressOf(page, ingest.id)).toBe(16);
    expect(await page.textContent(`${row(ingest.id)} .phase`)).toBe('Deleting subjects');
    expect(await page.textContent(`${row(ingest.id)} .msg`)).toBe('deleted orders-key');
    expect(await page.textContent(`${row(ingest.id)} .pct`)).toBe('16.0%');
    fetched.open();
    await poll(() => progressOf(page, ingest.id)).toBe(70);
    expect(await page.textContent(`${row(ingest.id)} .phase`)).toBe('Deleting context');
    expect(await page.textContent(`${row(ingest.id)} .sub`)).toContain('team-data');
    await poll(() => page.textContent('#log')).toContain('subjects gone, removing the context');

    // Failure shows with its error.
    await poll(() => progressOf(page, failing.id)).toBe(30);
    failLater.open();
    await poll(() => page.getAttribute(row(failing.id), 'data-status')).toBe('failed');
    expect(await page.textContent(`${row(failing.id)} .err`)).toContain('incompatible (BACKWARD)');

    // Cancel from the page.
    await poll(() => progressOf(page, cancellable.id)).toBe(54);
    await page.click(`${row(cancellable.id)} button.cancel`);
    await poll(() => page.getAttribute(row(cancellable.id), 'data-status')).toBe('cancelled');
    expect((await manager.get(cancellable.id, { owner: 'alice' }))?.status).toBe('cancelled');
    await poll(() => page.textContent('#log')).toContain(`Cancelled export_schemas task ${cancellable.id}`);

    // A representative moment: running, queued, finished in all three ways.
    await screenshot(page, 'dashboard');

    indexed.open();
    await ingest.result();
    await publish.result();
    await poll(() => page.getAttribute(row(ingest.id), 'data-status')).toBe('completed');
    expect(await progressOf(page, ingest.id)).toBe(100);
    await poll(() => page.getAttribute(row(publish.id), 'data-status')).toBe('completed');
    expect(await page.textContent(`${row(ingest.id)} .badge`)).toBe('completed');
    await poll(() => page.textContent('#counts')).toMatch(/completed\s*6\s*failed\s*1\s*cancelled\s*1/);

    // Filtering hides rows client-side.
    await page.fill('#filter', 'export_schemas');
    await poll(() => page.isVisible(row(ingest.id))).toBe(false);
    expect(await page.isVisible(row(cancellable.id))).toBe(true);
    await page.fill('#filter', '');

    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('reconnects after the event stream drops and shows a fresh snapshot', async () => {
    const page = await browser.newPage();
    await page.goto(rig.url);
    await page.waitForSelector('#conn[data-state=live]');
    const before = await page.locator('#rows tr').count();
    expect(before).toBeGreaterThan(0);
    // Cut every stream: the page must come back by itself and pick up a task created meanwhile.
    await rig.server.server.closeAllConnections();
    const handle = await rig.manager.create({ kind: 'after_reconnect', fn: () => 1 });
    await handle.result();
    await page.waitForSelector(`${row(handle.id)}[data-status=completed]`, { timeout: 15_000 });
    await page.waitForSelector('#conn[data-state=live]');
  });
});
