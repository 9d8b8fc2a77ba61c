import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CameraView, Park } from '@zcp/model';
import { CHROMIUM_ARGS, CHROMIUM_PATH, CHROMIUM_SWIFTSHADER_ARGS, describeWithBrowser } from '@zcp/testkit';
import { pino } from 'pino';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadStackConfig } from './config.js';
import { signIn } from './e2e-sign-in.js';
import { createStack, type Stack } from './stack.js';

/** The web app's test handle (apps/web/src/twin-hook.ts), as far as this test uses it. */
interface CollabHook {
  ready: boolean;
  pickAsset(assetId: string): boolean;
  cameraView(): CameraView | null;
  flyTo(view: CameraView): void;
  pinAt(annotationId: string): { x: number; y: number } | null;
  scene: { meshes: { name: string; isEnabled(): boolean }[] } | null;
}
const hook = (page: Page) => page.evaluate(() => (window as unknown as { __twin?: CollabHook }).__twin?.ready === true);

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));

/** The stack under test (set in beforeAll). */
let relayUrl = '';

/**
 * A browser context signed in as a demo user (issue 7), with the display name and team it shows
 * in presence (the "who am I" choice, kept in localStorage for that principal).
 */
async function person(
  browser: Browser,
  who: { user: string; name: string; team: string },
  opts: Parameters<Browser['newContext']>[0],
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext(opts);
  const { sub } = await signIn(context, relayUrl, who.user);
  await context.addInitScript(
    (id) => {
      if (!localStorage.getItem('zcp.identity')) localStorage.setItem('zcp.identity', JSON.stringify(id));
    },
    { sub, name: who.name, team: who.team },
  );
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state'), { timeout: 20_000 }).toBe('connected');
  await expect.poll(() => hook(page), { timeout: 30_000 }).toBe(true);
  await expect.poll(() => page.getByTestId('sync-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('synced');
}

const view = (page: Page) => page.evaluate(() => (window as unknown as { __twin: CollabHook }).__twin.cameraView());
const gap = (a: CameraView | null, b: CameraView | null) =>
  a && b
    ? Math.hypot(a.position.x - b.position.x, a.position.y - b.position.y, a.position.z - b.position.z) +
      Math.hypot(a.target.x - b.target.x, a.target.y - b.target.y, a.target.z - b.target.z)
    : Number.POSITIVE_INFINITY;

/** A small valid PNG (a red square), as a phone camera would hand over a JPEG. */
function photoPng(): Buffer {
  const png = new PNG({ width: 64, height: 48 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([200, 40, 40, 255], i);
  return PNG.sync.write(png);
}

describeWithBrowser('shared annotations, presence and follow mode (end to end)', () => {
  let stack: Stack;
  let browser: Browser;
  let url: string;
  let park: Park;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const env: Record<string, string> = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory', POLL_INTERVAL_MS: '500', LOG_LEVEL: 'warn', MODBUS_PORT: '0' };
    stack = createStack(loadStackConfig(env), { logger: pino({ level: 'warn' }), parkId: `collab${process.pid}` });
    await stack.start();
    url = `http://127.0.0.1:${stack.port}/`;
    relayUrl = url;
    park = stack.park;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...CHROMIUM_SWIFTSHADER_ARGS] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('one adds an annotation on an asset, the other sees the pin; follow mode moves the follower’s camera', async () => {
    const a = await person(browser, { user: 'operator', name: '王工', team: '运维' }, { viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const b = await person(browser, { user: 'inspector', name: 'Li Na', team: '安全' }, { viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await open(a.page, url);
    await open(b.page, url);

    // Presence: each sees the other's avatar in the top bar, and the other's camera as a frustum with a name tag.
    await expect.poll(() => b.page.locator('[data-testid="presence-avatar"][data-name="王工"]').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => a.page.locator('[data-testid="presence-avatar"][data-name="Li Na"]').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => b.page.locator('[data-testid="peer-camera"]').filter({ hasText: '王工' }).count(), { timeout: 10_000 }).toBe(1);

    // A annotates a PV inverter: select it, "annotate this asset", fill the form.
    const pv = park.assets.find((x) => x.kind === 'pv_inverter');
    if (!pv) throw new Error('demo park has no PV');
    await a.page.evaluate((id) => (window as unknown as { __twin: CollabHook }).__twin.pickAsset(id), pv.id);
    await a.page.getByTestId('asset-annotate').click();
    await a.page.getByTestId('annotation-title-input').fill('逆变器外壳渗水');
    await a.page.getByTestId('annotation-text-input').fill('雨后柜门下沿有水迹，请检查密封条。');
    await a.page.getByTestId('category-defect').click();
    await a.page.getByTestId('annotation-assignee-input').fill('张师傅');
    await a.page.getByTestId('annotation-save').click();
    await expect.poll(() => a.page.getByTestId('annotation-detail-title').textContent()).toBe('逆变器外壳渗水');
    const id = await a.page.getByTestId('annotation-detail').getAttribute('data-annotation-id');
    expect(id).toBeTruthy();
    await expect.poll(() => a.page.getByTestId('sync-status').getAttribute('data-pending'), { timeout: 10_000 }).toBe('0');

    // B sees the pin appear in the scene (drawn on screen) and the annotation in the list.
    const pin = b.page.locator(`[data-testid="annotation-pin"][data-annotation-id="${id}"]`);
    await expect.poll(() => pin.count(), { timeout: 10_000 }).toBe(1);
    expect(await pin.getAttribute('data-category')).toBe('defect');
    expect(await pin.getAttribute('data-status')).toBe('open');
    await b.page.getByTestId('tab-notes').click();
    await expect.poll(() => b.page.getByTestId('annotation-item').filter({ hasText: '逆变器外壳渗水' }).count()).toBe(1);
    await b.page.waitForTimeout(500);
    await a.page.screenshot({ path: `${ARTIFACTS}collab-a-created.png` });
    await b.page.screenshot({ path: `${ARTIFACTS}collab-b-sees-pin.png` });

    // B clicks the pin: the camera flies to the annotation's saved view; B moves it on and comments.
    const aView = await view(a.page);
    const before = await view(b.page);
    await pin.click({ force: true });
    await expect.poll(() => b.page.getByTestId('annotation-detail-title').textContent()).toBe('逆变器外壳渗水');
    await expect.poll(async () => gap(await view(b.page), aView), { timeout: 5_000 }).toBeLessThan(gap(before, aView));
    await b.page.getByTestId('status-move-in_progress').click();
    await b.page.getByTestId('comment-input').fill('On my way with a new gasket.');
    await b.page.getByTestId('comment-send').click();
    await expect.poll(() => a.page.getByTestId('annotation-status').textContent(), { timeout: 10_000 }).toBe('处理中');
    await expect.poll(() => a.page.getByTestId('comment').filter({ hasText: 'new gasket' }).count(), { timeout: 10_000 }).toBe(1);

    // Filters: B's list by status.
    await b.page.getByTestId('annotation-back').click();
    await b.page.getByTestId('filter-status-resolved').click();
    await expect.poll(() => b.page.getByTestId('annotation-item').count()).toBe(0);
    await b.page.getByTestId('filter-status-resolved').click();
    await b.page.getByTestId('filter-status-in_progress').click();
    await expect.poll(() => b.page.getByTestId('annotation-item').count()).toBe(1);

    // Follow: A asks everyone to follow; B follows, and B's camera goes where A's goes.
    await a.page.getByTestId('present-toggle').click();
    await expect.poll(() => b.page.getByTestId('follow-banner').isVisible(), { timeout: 10_000 }).toBe(true);
    const battery = park.assets.find((x) => x.kind === 'battery');
    if (!battery) throw new Error('demo park has no battery');
    await a.page.evaluate((assetId) => (window as unknown as { __twin: CollabHook }).__twin.pickAsset(assetId), battery.id);
    await a.page.waitForTimeout(800);
    const leader = await view(a.page);
    await expect.poll(async () => gap(await view(b.page), leader), { timeout: 10_000, interval: 200 }).toBeLessThan(2);
    // The presenter's selection is highlighted for the follower.
    await expect.poll(() => b.page.getByTestId('follow-banner').textContent()).toContain('orange');
    await b.page.waitForTimeout(400);
    await b.page.screenshot({ path: `${ARTIFACTS}collab-b-following.png` });

    // Laser pointer: A presses and holds on the view; B's scene shows A's laser dot.
    const canvasA = await a.page.getByTestId('twin-canvas').boundingBox();
    if (!canvasA) throw new Error('no canvas');
    await a.page.mouse.move(canvasA.x + canvasA.width / 2, canvasA.y + canvasA.height / 2);
    await a.page.mouse.down();
    const laserOn = () =>
      b.page.evaluate(
        () => (window as unknown as { __twin: CollabHook }).__twin.scene?.meshes.some((m) => m.name.startsWith('laser-') && m.isEnabled()) ?? false,
      );
    await expect.poll(laserOn, { timeout: 5_000 }).toBe(true);
    await b.page.screenshot({ path: `${ARTIFACTS}collab-b-laser.png` });
    await a.page.mouse.up();
    await expect.poll(laserOn, { timeout: 5_000 }).toBe(false);
    // A's press ends nothing for A (the presenter is not following anyone).

    // B leaves follow with one gesture (a wheel on the view); A moves on, B's camera stays.
    const canvasB = await b.page.getByTestId('twin-canvas').boundingBox();
    if (!canvasB) throw new Error('no canvas');
    await b.page.mouse.move(canvasB.x + canvasB.width / 2, canvasB.y + canvasB.height / 2);
    await b.page.mouse.wheel(0, 200);
    await expect.poll(() => b.page.getByTestId('follow-banner').count(), { timeout: 5_000 }).toBe(0);
    await b.page.waitForTimeout(600);
    const parked = await view(b.page);
    await a.page.getByTestId('view-reset').click();
    await a.page.waitForTimeout(1200);
    expect(gap(await view(b.page), parked)).toBeLessThan(1);
    expect(gap(await view(a.page), parked)).toBeGreaterThan(5);

    // Clicking an avatar follows that person by hand; the "leave follow" button ends it.
    await b.page.locator('[data-testid="presence-avatar"][data-name="王工"]').click();
    await expect.poll(async () => gap(await view(b.page), await view(a.page)), { timeout: 10_000, interval: 200 }).toBeLessThan(2);
    await b.page.getByTestId('leave-follow').click();
    await expect.poll(() => b.page.getByTestId('follow-banner').count()).toBe(0);

    // "Who am I": B renames; the socket reconnects with the new identity and A sees it.
    await b.page.getByTestId('presence-me').click();
    await b.page.getByTestId('identity-name').fill('Li Na (QA)');
    await b.page.getByTestId('identity-save').click();
    await expect.poll(() => a.page.locator('[data-testid="presence-avatar"][data-name="Li Na (QA)"]').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => b.page.getByTestId('sync-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('synced');
    expect(await b.page.evaluate(() => JSON.parse(localStorage.getItem('zcp.identity') ?? '{}').name)).toBe('Li Na (QA)');

    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  }, 180_000);

  it('offline: an annotation and its photo made without a connection are kept, shown as pending, and reach the other on reconnect', async () => {
    const a = await person(browser, { user: 'inspector', name: '赵工', team: '设备' }, { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const b = await person(browser, { user: 'operator', name: '钱工', team: '运维' }, { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    await open(a.page, url);
    await open(b.page, url);
    await b.page.getByTestId('tab-notes').click();

    await a.context.setOffline(true);
    await expect.poll(() => a.page.getByTestId('sync-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('offline');
    // A point on the ground, not an asset: "new annotation", then a tap on empty ground.
    await a.page.getByTestId('tab-notes').click();
    await a.page.getByTestId('notes-new').click();
    await expect.poll(() => a.page.getByTestId('pick-banner').isVisible()).toBe(true);
    const canvas = await a.page.getByTestId('twin-canvas').boundingBox();
    if (!canvas) throw new Error('no canvas');
    await a.page.mouse.click(canvas.x + 40, canvas.y + canvas.height - 40);
    await expect.poll(() => a.page.getByTestId('annotation-form').textContent()).toContain('场景中的点');
    await a.page.getByTestId('annotation-title-input').fill('地下室冷机异响（离线记录）');
    await a.page.getByTestId('category-observation').click();
    await a.page.getByTestId('annotation-save').click();
    await expect.poll(() => a.page.getByTestId('sync-status').textContent()).toMatch(/离线 — \d+ 项更改待同步/);
    expect(Number(await a.page.getByTestId('sync-status').getAttribute('data-pending'))).toBeGreaterThan(0);
    await a.page.screenshot({ path: `${ARTIFACTS}collab-offline-pending.png` });
    // Kept in the browser (y-indexeddb), so a closed tab would not lose it either.
    const storedUpdates = await a.page.evaluate(
      (name) =>
        new Promise<number>((resolve, reject) => {
          const req = indexedDB.open(name);
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const count = req.result.transaction('updates', 'readonly').objectStore('updates').count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => reject(count.error);
          };
        }),
      `zcp:${park.id}:park`,
    );
    expect(storedUpdates).toBeGreaterThan(0);
    // A photo taken offline waits in the browser's photo queue.
    await a.page.getByTestId('photo-input').setInputFiles({ name: 'chiller.png', mimeType: 'image/png', buffer: photoPng() });
    await expect.poll(() => a.page.getByTestId('photo-queued').count(), { timeout: 10_000 }).toBe(1);
    expect(await a.page.getByTestId('photo-thumb').count()).toBe(0);
    await b.page.waitForTimeout(1000);
    expect(await b.page.getByTestId('annotation-item').filter({ hasText: '地下室冷机异响' }).count()).toBe(0);

    await a.context.setOffline(false);
    await expect.poll(() => a.page.getByTestId('sync-status').getAttribute('data-pending'), { timeout: 20_000 }).toBe('0');
    await expect.poll(() => a.page.getByTestId('sync-status').getAttribute('data-status')).toBe('synced');
    // …and is back among the people here at once (not after the 15 s awareness renewal).
    await expect.poll(() => b.page.locator('[data-testid="presence-avatar"][data-name="赵工"]').count(), { timeout: 5_000 }).toBe(1);
    const item = b.page.getByTestId('annotation-item').filter({ hasText: '地下室冷机异响' });
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    // Back online, the queued photo uploads by itself and reaches the other side too.
    await expect.poll(() => a.page.getByTestId('photo-thumb').count(), { timeout: 20_000 }).toBe(1);
    expect(await a.page.getByTestId('photo-queued').count()).toBe(0);
    await item.click();
    await expect
      .poll(
        () =>
          b.page
            .getByTestId('photo-thumb')
            .locator('img')
            .evaluate((el) => (el as HTMLImageElement).naturalWidth),
        { timeout: 10_000 },
      )
      .toBe(64);
    await b.page.screenshot({ path: `${ARTIFACTS}collab-offline-merged.png` });
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  }, 120_000);

  it('on a phone: one thumb — the big photo button annotates the selected asset with a photo; the desk sees the thumbnail', async () => {
    const phone = await person(
      browser,
      { user: 'inspector', name: '孙工', team: '安全' },
      { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' },
    );
    const desk = await person(browser, { user: 'operator', name: 'Desk', team: '运维' }, { viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await open(phone.page, url);
    await open(desk.page, url);
    const boiler = park.assets.find((x) => x.kind === 'gas_boiler') ?? park.assets[0];
    if (!boiler) throw new Error('empty park');
    await phone.page.evaluate((assetId) => (window as unknown as { __twin: CollabHook }).__twin.pickAsset(assetId), boiler.id);
    await expect.poll(() => phone.page.getByTestId('photo-fab').isVisible()).toBe(true);
    await phone.page.screenshot({ path: `${ARTIFACTS}collab-phone-fab.png` });
    expect(await phone.page.getByTestId('photo-fab-input').getAttribute('capture')).toBe('environment');
    await phone.page.getByTestId('photo-fab-input').setInputFiles({ name: 'boiler.png', mimeType: 'image/png', buffer: photoPng() });
    await expect.poll(() => phone.page.getByTestId('photo-thumb').count(), { timeout: 15_000 }).toBe(1);
    const title = await phone.page.getByTestId('annotation-detail-title').textContent();
    expect(title).toContain(boiler.name.zh);
    await phone.page.waitForTimeout(600);
    await phone.page.screenshot({ path: `${ARTIFACTS}collab-phone-photo.png` });

    // The desk opens it from the list and the photo loads from the relay.
    await desk.page.getByTestId('tab-notes').click();
    const item = desk.page.getByTestId('annotation-item').filter({ hasText: boiler.name.zh });
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    await item.click();
    const img = desk.page.getByTestId('photo-thumb').locator('img');
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(64);
    await desk.page.screenshot({ path: `${ARTIFACTS}collab-desk-photo.png` });
    expect(phone.errors).toEqual([]);
    expect(desk.errors).toEqual([]);
    await phone.context.close();
    await desk.context.close();
  }, 120_000);
});
