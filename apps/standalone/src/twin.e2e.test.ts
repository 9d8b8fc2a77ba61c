import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connectNatsBus } from '@zcp/bus';
import type { Park } from '@zcp/model';
import { parkStreams } from '@zcp/model';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  CHROMIUM_SWIFTSHADER_ARGS,
  createTestDatabase,
  describeWithBrowser,
  serverAvailable,
  serverUrls,
  type TestDatabase,
} from '@zcp/testkit';
import { pino } from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadStackConfig } from './config.js';
import { signIn } from './e2e-sign-in.js';
import { createStack, type Stack } from './stack.js';

/** The web app's test handle (apps/web/src/twin-hook.ts), as far as this test uses it. */
declare global {
  interface Window {
    __twin?: {
      ready: boolean;
      pickAsset(assetId: string): boolean;
      projectAsset(assetId: string): { x: number; y: number } | null;
      pickAt(x: number, y: number): string | null;
    };
  }
}

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

/** Reads the text of a test id, trimmed. */
const textOf = (page: Page, id: string) =>
  page
    .getByTestId(id)
    .first()
    .textContent()
    .then((t) => (t ?? '').trim());

/** Distinct colours and non-background share of a PNG, sampled on a grid. */
function canvasStats(png: Buffer): { distinctColours: number; nonBackgroundShare: number } {
  const img = PNG.sync.read(png);
  const colours = new Map<number, number>();
  const STEP = 8;
  for (let y = 0; y < img.height; y += STEP) {
    for (let x = 0; x < img.width; x += STEP) {
      const i = (y * img.width + x) * 4;
      // Quantise to 5 bits a channel so anti-aliasing noise doesn't count as colours.
      const key = ((img.data[i] as number) >> 3) * 1024 + ((img.data[i + 1] as number) >> 3) * 32 + ((img.data[i + 2] as number) >> 3);
      colours.set(key, (colours.get(key) ?? 0) + 1);
    }
  }
  const total = [...colours.values()].reduce((a, b) => a + b, 0);
  const background = Math.max(...colours.values());
  return { distinctColours: colours.size, nonBackgroundShare: 1 - background / total };
}

describeWithBrowser('the twin in a browser (end to end)', () => {
  let stack: Stack;
  let browser: Browser;
  let db: TestDatabase | undefined;
  let url: string;
  let park: Park;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // Real servers when they are here (CI requires them); else the embedded defaults.
    const real = (await serverAvailable('nats')) && (await serverAvailable('postgres'));
    db = real ? await createTestDatabase('zcp_e2e') : undefined;
    const env: Record<string, string> = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory', POLL_INTERVAL_MS: '500', LOG_LEVEL: 'warn' };
    if (db) Object.assign(env, { DATABASE_URL: db.url, NATS_URL: serverUrls.nats });
    stack = createStack(loadStackConfig(env), { logger: pino({ level: 'warn' }), parkId: `e2e${process.pid}` });
    await stack.start();
    url = `http://127.0.0.1:${stack.port}/`;
    park = stack.park;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...CHROMIUM_SWIFTSHADER_ARGS] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    // On real NATS the park's streams outlive the stack: remove them (each run cleans up after itself).
    if (db && park) {
      const bus = await connectNatsBus({ url: serverUrls.nats });
      for (const s of parkStreams(park.id)) await bus.deleteStream(s.name).catch(() => undefined);
      await bus.close();
    }
    await db?.drop();
  });

  it('shows a live, moving park; an asset clicked opens its panel', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Signed out, the twin sends the browser to sign in (issue 7: the development IdP's page).
    await page.goto(url);
    await page.waitForURL(/\/api\/auth\/dev\/login/, { timeout: 20_000 });
    await page.screenshot({ path: `${ARTIFACTS}login.png` });
    await page.locator('button[data-user="operator"]').click();
    await page.waitForURL((u) => u.pathname === '/', { timeout: 20_000 });
    await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state'), { timeout: 20_000 }).toBe('connected');
    await expect.poll(() => page.evaluate(() => window.__twin?.ready === true), { timeout: 30_000 }).toBe(true);

    // A displayed value changes over time: the park's load KPI follows live deltas.
    const first = await textOf(page, 'kpi-load');
    expect(first).toMatch(/\d/);
    await expect.poll(() => textOf(page, 'kpi-load'), { timeout: 15_000, interval: 250 }).not.toBe(first);

    // The 3D canvas is not blank: many colours, most pixels not the clear colour.
    const stats = canvasStats(await page.getByTestId('twin-canvas').screenshot());
    expect(stats.distinctColours).toBeGreaterThan(12);
    expect(stats.nonBackgroundShare).toBeGreaterThan(0.2);
    await page.screenshot({ path: `${ARTIFACTS}twin-desktop.png` });

    // Click an asset where it is drawn (the first rooftop PV, charger or chiller not hidden
    // behind something else from this view); its panel opens with live values.
    const candidates = park.assets.filter((a) => ['pv_inverter', 'ev_charger', 'chiller', 'battery'].includes(a.kind));
    let target: (typeof candidates)[number] | undefined;
    let at: { x: number; y: number } | null = null;
    for (const a of candidates) {
      const p = await page.evaluate((id) => window.__twin?.projectAsset(id) ?? null, a.id);
      if (p && (await page.evaluate(({ x, y }) => window.__twin?.pickAt(x, y) ?? null, p)) === a.id) {
        target = a;
        at = p;
        break;
      }
    }
    if (!target || !at) throw new Error('no asset is clickable where it is drawn');
    await page.mouse.click(at.x, at.y);
    await expect.poll(() => page.getByTestId('asset-panel').isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await textOf(page, 'asset-name')).toContain(target.name.zh);
    await expect.poll(() => page.getByTestId('point-value').count(), { timeout: 5_000 }).toBeGreaterThanOrEqual(4);
    await expect.poll(() => page.getByTestId('history-chart').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${ARTIFACTS}twin-desktop-selected.png` });
    // Who am I: the signed-in principal, and signing out goes back to the login page.
    await page.getByTestId('presence-me').click();
    await expect.poll(() => page.getByTestId('signed-in-as').textContent(), { timeout: 5_000 }).toContain('dev:operator');
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/api\/auth\/dev\/login/, { timeout: 20_000 });
    expect(await page.evaluate(() => sessionStorage.getItem('zcp.token'))).toBeNull();
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);

  it('opens last year’s declaration report (申报) from the top bar, rendered in Chinese', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    await signIn(context, url, 'operator');
    const page = await context.newPage();
    await page.goto(url);
    const link = page.getByTestId('report-link');
    await expect.poll(() => link.isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await link.textContent()).toContain('申报报告');
    const [report] = await Promise.all([context.waitForEvent('page', { timeout: 60_000 }), link.click()]);
    await report.waitForLoadState('load', { timeout: 60_000 });
    expect(await report.title()).toContain('零碳园区建设指标申报报告');
    await report.screenshot({ path: `${ARTIFACTS}report-zh.png`, fullPage: false });
    // Manual activity data: the import panel hands the template back, checked row by row.
    await page.getByTestId('import-toggle').click();
    await expect.poll(() => page.getByTestId('import-panel').isVisible()).toBe(true);
    const href = await page.getByTestId('import-template').getAttribute('href');
    const template = await page.request.get(new URL(href ?? '', url).toString());
    expect(template.status()).toBe(200);
    await page.getByTestId('import-file').setInputFiles({
      name: 'template.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await template.body(),
    });
    await expect.poll(() => page.getByTestId('import-result').textContent(), { timeout: 20_000 }).toContain('已保存 0 行，拒绝 0 行');
    await page.screenshot({ path: `${ARTIFACTS}import-panel.png` });
    // …or one row at a time: a bad quantity comes back beside its field; a good row is stored and listed.
    await page.getByTestId('import-tab-entry').click();
    await page.getByTestId('entry-month').fill('2025-03');
    await page.getByTestId('entry-fuel').selectOption('diesel');
    await page.getByTestId('entry-quantity').fill('-3');
    await page.getByTestId('entry-save').click();
    await expect.poll(() => page.getByTestId('entry-error-quantity').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('entry-quantity').fill('12.5');
    await page.getByTestId('entry-note').fill('柴油发票 2025-03');
    await page.getByTestId('entry-save').click();
    await expect.poll(() => page.getByTestId('entry-saved').textContent(), { timeout: 10_000 }).toMatch(/已保存/);
    await expect.poll(() => page.getByTestId('entry-rows').textContent(), { timeout: 10_000 }).toContain('柴油 · 12.5 t');
    await page.screenshot({ path: `${ARTIFACTS}entry-form.png` });
    await context.close();
  }, 120_000);

  it('works on a phone: tap an asset, the bottom sheet shows it (English)', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'en-US' });
    await signIn(context, url, 'inspector');
    const page = await context.newPage();
    await page.goto(url);
    await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state'), { timeout: 20_000 }).toBe('connected');
    await expect.poll(() => page.evaluate(() => window.__twin?.ready === true), { timeout: 30_000 }).toBe(true);
    const pv = park.assets.find((a) => a.kind === 'pv_inverter');
    if (!pv) throw new Error('demo park has no PV');
    await page.evaluate((id) => window.__twin?.pickAsset(id), pv.id);
    await expect.poll(() => page.getByTestId('asset-panel').isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await textOf(page, 'asset-name')).toContain(pv.name.en);
    await page.waitForTimeout(1000);
    await page.screenshot({ path: `${ARTIFACTS}twin-phone.png` });
    await context.close();
  }, 90_000);
});
