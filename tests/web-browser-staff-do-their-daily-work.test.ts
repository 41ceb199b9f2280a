// The staff pages in a real headless Chromium at 1366×768, on the demo county: log in, triage a
// case from open to resolved, upload a file with a bad row and see its reject, run a business
// item through its cycle, open the monthly summary with its chart, switch to English, and check
// that a township cannot reach another township's case. One browser for the whole file.
// With YIPANQI_SCREENSHOTS=<dir> (npm run screenshots) the main pages are saved as PNGs there.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedDemoCounty } from '../src/demo/seed.js';
import { DEMO_PASSWORD } from '../src/demo/seed-activity.js';
import { createLogger } from '../src/logger.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { MISSING_MESSAGE, SCREENSHOT_DIR, VIEWPORT, browserMissing, externalRequests, launchBrowser, newContext } from './helpers/browser.js';

if (browserMissing) process.stderr.write(MISSING_MESSAGE);
const suite = browserMissing && !process.env.CI ? describe.skip : describe;

let t: TestApp;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (browserMissing) return;
  t = await createTestApp([], { PASSWORD_SCRYPT_COST: '1024' });
  await seedDemoCounty(t.db.pool, createLogger('silent'), 600);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  if (SCREENSHOT_DIR) fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await t?.close();
});

async function shot(page: Page, name: string) {
  if (SCREENSHOT_DIR) await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

/** A logged-in page of a demo account, by keyboard alone. */
async function as(username: string): Promise<Page> {
  const ctx = await newContext(browser, base);
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  await page.goto('/ui/');
  await expect.poll(() => page.url()).toContain('/ui/login');
  // The user name field takes the focus by itself; the rest is typing, Tab and Enter.
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('username');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${base}/ui/`);
  return page;
}

async function fitsTheScreen(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${page.url()} is wider than the screen`).toBeLessThanOrEqual(VIEWPORT.width);
}

const unitOf = async (username: string) => (await t.db.pool.query('SELECT unit FROM users WHERE username = $1', [username])).rows[0].unit as string;

suite('staff pages in Chromium', () => {
  if (browserMissing) {
    it('needs Chromium', () => {
      throw new Error(MISSING_MESSAGE);
    });
    return;
  }

  it('shows the login page and the dashboard with the user’s unit', async () => {
    const ctx = await newContext(browser, base);
    contexts.push(ctx);
    const anon = await ctx.newPage();
    await anon.goto('/');
    await expect.poll(() => anon.url()).toContain('/ui/login');
    await expect.poll(() => anon.locator('h1').textContent()).toBe('登录');
    await shot(anon, '01-login');

    const page = await as('demo-town');
    // The first Tab reaches the skip link, which takes the keyboard to the page's content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('跳到正文');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
    expect(await page.getByTestId('unit-name').textContent()).toMatch(/街道$/);
    expect(await page.locator('h1').textContent()).toBe('工作台');
    expect(Number((await page.getByTestId('open-cases').locator('strong').textContent())?.replace('+', ''))).toBeGreaterThan(0);
    await fitsTheScreen(page);
    await shot(page, '02-dashboard');
  });

  it('triages a case from open to resolved', async () => {
    const page = await as('demo-town');
    await page.getByRole('link', { name: '案件办理' }).click();
    await page.getByRole('checkbox', { name: '待签收' }).check();
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/status=open/);
    await fitsTheScreen(page);
    await shot(page, '03-cases');
    await page.getByTestId('case-list').locator('tbody tr a').first().click();
    await page.waitForURL(/\/ui\/cases\/\d+$/);
    expect(await page.getByTestId('case-status').textContent()).toContain('待签收');
    expect(await page.getByTestId('person').count()).toBeGreaterThan(0);
    // ID numbers are masked on the page
    expect(await page.getByTestId('person').first().locator('.masked').first().textContent()).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    await fitsTheScreen(page);
    await shot(page, '04-case');

    await page.locator('form[data-action="accept"] button').click();
    await expect.poll(() => page.getByTestId('notice-ok').textContent()).toBe('已签收。');
    expect(await page.getByTestId('case-status').textContent()).toContain('办理中');
    await page.locator('form[data-action="resolve"] textarea').fill('已上门核实，完成居住登记。');
    await page.locator('form[data-action="resolve"] button').click();
    await expect.poll(() => page.getByTestId('notice-ok').textContent()).toBe('已办结。');
    expect(await page.getByTestId('case-status').textContent()).toContain('已办结');
    const history = await page.getByTestId('history').textContent();
    expect(history).toContain('签收');
    expect(history).toContain('已上门核实，完成居住登记。');
  });

  it('shows the match explanation with per-field weights', async () => {
    const { rows } = await t.db.pool.query("SELECT id FROM cases WHERE rule = 'agency_conflict' LIMIT 1");
    const page = await as('demo-county');
    await page.goto(`/ui/cases/${rows[0].id}`);
    const weights = page.getByTestId('weights').first();
    expect(await weights.textContent()).toContain('身份证号');
    expect(await weights.textContent()).toContain('+26.4');
    await shot(page, '05-case-explanation');
  });

  // The review API belongs to the matching stage; this runs wherever it is served.
  it('decides a review item with one key', async (ctx) => {
    if (!t.app.routeList.some((r) => r.url === '/v1/review/:id/decide')) return ctx.skip();
    const { rows } = await t.db.pool.query("SELECT id FROM link_results WHERE status = 'review' ORDER BY id");
    expect(rows.length, 'the demo has records to review').toBeGreaterThan(0);
    const page = await as('demo-county');
    await page.getByRole('link', { name: '待核对' }).click();
    await page.getByTestId('review-list').locator('tbody tr a').first().click();
    await page.waitForURL(/\/ui\/review\/\d+$/);
    const id = Number(page.url().split('/').pop());
    const compare = page.getByTestId('compare');
    expect(await compare.locator('thead th').count()).toBeGreaterThanOrEqual(3);
    await fitsTheScreen(page);
    await shot(page, '05b-review');
    await page.keyboard.press('l');
    await page.waitForURL(/done=decide/);
    const after = (await t.db.pool.query('SELECT status, decided_by FROM link_results WHERE id = $1', [id])).rows[0];
    expect(after).toEqual({ status: 'linked', decided_by: 'demo-county' });
  });

  it('keeps a township out of another township’s case', async () => {
    const other = await unitOf('demo-town2');
    const { rows } = await t.db.pool.query('SELECT id FROM cases WHERE township = $1 LIMIT 1', [other]);
    const page = await as('demo-town');
    const res = await page.goto(`/ui/cases/${rows[0].id}`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('[role=alert]').textContent()).toContain('不在本单位的查看范围内');
    expect(await page.content()).not.toContain('data-testid="person"');
  });

  it('uploads a file with a bad row and shows its reject', async () => {
    const page = await as('demo-hospital');
    await page.getByRole('link', { name: '数据报送' }).click();
    await page.getByLabel('数据类别').selectOption('prenatal');
    const file =
      'record_id,facility_code,exam_date,name,id_type,id_number,birth_date,gestational_weeks\n' +
      'WEB-1,H01,2024-05-06,测试甲,01,11010519491231002X,1949-12-31,12\n' +
      'WEB-2,H01,2024-05-06,测试乙,01,12345,1990-01-01,14\n';
    await page.getByLabel('文件', { exact: true }).setInputFiles({ name: '产检-网页上传.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await page.getByRole('button', { name: '上传', exact: true }).click();
    await page.waitForURL(/\/ui\/batches\/\d+\?done=upload/);
    expect(await page.getByTestId('rejected-count').textContent()).toBe('1');
    const rejects = page.getByTestId('rejects');
    expect(await rejects.textContent()).toContain('WEB-2');
    expect(await rejects.locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
    await fitsTheScreen(page);
    await shot(page, '06-batch-rejects');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('rejects-csv').click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toBe('position,record_id,field,code,message');
    expect(csv).toContain('WEB-2');
  });

  it('runs a business item through its cycle', async () => {
    const town = await as('demo-town');
    await town.goto('/ui/items/new');
    await town.getByLabel('标题').fill('新生儿落户材料协查');
    await town.getByLabel('事项内容').fill('请人民医院协助核对出生医学证明信息。');
    await town.getByRole('button', { name: '提交' }).click();
    await town.waitForURL(/\/ui\/items\/\d+\?done=submit/);
    const itemUrl = town.url().split('?')[0];
    expect(await town.getByTestId('item-status').textContent()).toContain('待交办');

    const county = await as('demo-county');
    await county.goto(itemUrl);
    await county.locator('form[data-action="assign"] label.check', { hasText: '人民医院' }).locator('input').check();
    await county.locator('form[data-action="assign"] input[type=date]').fill(new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10));
    await county.locator('form[data-action="assign"] button').click();
    await expect.poll(() => county.getByTestId('item-status').textContent()).toContain('办理中');

    const hospital = await as('demo-hospital');
    await hospital.goto('/ui/');
    expect(await hospital.getByTestId('items-due').textContent()).toContain('新生儿落户材料协查');
    await hospital.goto(itemUrl);
    await hospital.locator('form[data-action="handle"] textarea').fill('已核对，出生医学证明信息无误。');
    await hospital.locator('form[data-action="handle"] button').click();
    await expect.poll(() => hospital.getByTestId('item-status').textContent()).toContain('已办理');

    await town.goto(itemUrl);
    await town.locator('form[data-action="feedback"] button').click();
    await expect.poll(() => town.getByTestId('notice-ok').textContent()).toBe('反馈已提交。');

    await county.goto(itemUrl);
    await county.locator('form[data-action="archive"] button').click();
    await expect.poll(() => county.getByTestId('item-status').textContent()).toContain('已归档');
    await shot(county, '07-business-item');

    await county.goto('/ui/archive');
    await county.getByLabel('关键词').fill('落户');
    await county.getByRole('button', { name: '检索' }).click();
    expect(await county.getByTestId('archive-list').textContent()).toContain('新生儿落户材料协查');
  });

  it('opens the monthly summary with its chart and its XLSX', async () => {
    const page = await as('demo-county');
    await page.getByRole('link', { name: '数据共享' }).click();
    await page.waitForSelector('[data-chart="sharing"][data-drawn="true"] canvas');
    expect(await page.getByTestId('sharing-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await fitsTheScreen(page);
    await shot(page, '08-data-sharing');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/^data-sharing-\d{4}-\d{2}\.xlsx$/);
    expect(fs.readFileSync((await download.path())!).subarray(0, 2).toString()).toBe('PK');

    await page.getByRole('link', { name: '监管考核' }).click();
    await page.waitForSelector('[data-chart="supervision"][data-drawn="true"] canvas');
    expect(await page.getByTestId('supervision-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await shot(page, '09-supervision');
  });

  it('switches to English', async () => {
    const page = await as('demo-county');
    await page.getByRole('link', { name: 'English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dashboard');
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).textContent()).toContain('Cases');
    await page.getByRole('link', { name: '中文' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('工作台');
  });

  it('lets an administrator see users and units', async () => {
    const page = await as('demo-admin');
    await page.getByRole('link', { name: '用户管理' }).click();
    expect(await page.getByTestId('user-list').textContent()).toContain('demo-town2');
    await fitsTheScreen(page);
    await shot(page, '10-admin-users');
  });

  it('loaded nothing from outside the gateway', () => {
    expect(externalRequests).toEqual([]);
  });
});
