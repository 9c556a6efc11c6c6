import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium (package `chromium`); browser tests skip, with a message, without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Screenshots are kept as test artifacts here (git-ignored). */
export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results', 'screenshots');

export function warnIfNoChromium(what: string): void {
  if (!hasChromium) console.warn(`Skipping ${what}: ${CHROMIUM} is missing (apt-get install -y chromium).`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that records its script errors and console errors, to assert there were none. */
export async function watchedPage(browser: Browser, viewport = { width: 1440, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { page, errors };
}

/** A full-page screenshot in `SCREENSHOTS`, once CSS transitions have settled. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.waitForTimeout(400);
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * A screenshot of the open task view (a fixed drawer that scrolls): the viewport is made as tall as
 * its content for the picture, then put back.
 */
export async function screenshotDrawer(page: Page, name: string): Promise<string> {
  const viewport = page.viewportSize() ?? { width: 1440, height: 900 };
  const tall = await page.$eval('#drawer', (d) => d.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.min(4000, tall)) });
  try {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.waitForTimeout(400); // the charts redraw on resize
    const path = join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path });
    return path;
  } finally {
    await page.setViewportSize(viewport);
  }
}

// expect.poll's default 1 s is too short for a busy 2-core machine.
export function poll<T>(fn: () => Promise<T> | T): ReturnType<typeof expect.poll<T>> {
  return expect.poll(fn, { timeout: 15_000, interval: 50 });
}
export const row = (id: string) => `tr[data-task-id="${id}"]`;
