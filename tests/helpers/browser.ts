// A real headless Chromium for the page tests: Debian's chromium (scripts/ensure-chromium.sh
// installs it), driven by playwright-core, which downloads no browser of its own. Without the
// binary the browser tests skip with a loud message on a developer's machine and fail in CI.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const browserMissing = !fs.existsSync(CHROMIUM);
export const MISSING_MESSAGE =
  `\n\n*** Browser tests need Chromium at ${CHROMIUM} (CHROMIUM_PATH to change it).\n` +
  '*** Install it with: sudo bash scripts/ensure-chromium.sh   (Debian/Ubuntu: apt-get install chromium)\n' +
  `*** ${process.env.CI ? 'CI is set: failing.' : 'Skipping the browser tests.'}\n`;

/** Requests a page tried to send anywhere but the gateway (must stay empty). */
export const externalRequests: string[] = [];

/** Office PCs in the county: 1366×768 screens. */
export const VIEWPORT = { width: 1366, height: 768 };

export async function launchBrowser(): Promise<Browser> {
  // playwright gives each launch a fresh, empty profile folder of its own (and removes it after).
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export async function newContext(browser: Browser, baseURL: string, locale = 'zh-CN'): Promise<BrowserContext> {
  const ctx = await browser.newContext({ baseURL, viewport: VIEWPORT, locale, timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  // Nothing may come from outside the gateway: any other host is refused and recorded.
  await ctx.route(/^(?!https?:\/\/127\.0\.0\.1[:/])/, (route) => {
    if (!route.request().url().startsWith('data:')) externalRequests.push(route.request().url());
    return route.abort();
  });
  return ctx;
}

/** Screenshots go to docs/screenshots when YIPANQI_SCREENSHOTS is set (npm run screenshots). */
export const SCREENSHOT_DIR = process.env.YIPANQI_SCREENSHOTS ? path.resolve(process.env.YIPANQI_SCREENSHOTS) : null;
