/**
 * Dev-only visual check: drives Debian's chromium (playwright-core, no bundled browser)
 * against a running relay or the mock relay, saves screenshots to test-artifacts/ and prints
 * a JSON summary (console errors, off-origin requests, KPIs, WebGL renderer).
 * Usage: npx tsx scripts/screenshots.ts http://127.0.0.1:PORT [--swiftshader]
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH, CHROMIUM_SWIFTSHADER_ARGS } from '@zcp/testkit';
import { type Browser, chromium, type Page } from 'playwright-core';
import type {} from '../src/twin-hook.js';

const url = process.argv[2] ?? 'http://127.0.0.1:8080';
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-artifacts');
mkdirSync(out, { recursive: true });
const origin = new URL(url).origin;
const problems: string[] = [];
const offOrigin: string[] = [];

function watch(page: Page, tag: string) {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${tag} console.${m.type()}: ${m.text().slice(0, 300)}`);
  });
  page.on('pageerror', (e) => problems.push(`${tag} pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) offOrigin.push(r.url());
  });
}

async function ready(page: Page) {
  await page.waitForSelector('[data-testid="conn-status"][data-state="connected"]', { timeout: 30_000 });
  await page.waitForFunction(() => window.__twin?.ready === true, undefined, { timeout: 60_000 });
  await page.waitForTimeout(1500);
}

async function kpis(page: Page) {
  return page.$$eval('[data-testid^="kpi-"]', (els) =>
    els.map((e) => `${e.getAttribute('data-testid')}=${e.getAttribute('data-value')} "${(e.textContent ?? '').replace(/\s+/g, ' ').trim()}"`),
  );
}

async function run(browser: Browser) {
  const summary: Record<string, unknown> = {};
  // Desktop
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  const page = await desk.newPage();
  watch(page, 'desktop');
  await page.goto(url);
  await ready(page);
  summary.renderer = await page.evaluate(() => {
    const gl = window.__twin?.engine?._gl as WebGLRenderingContext | undefined;
    return gl ? `${gl.getParameter(gl.VERSION)} | ${gl.getParameter(gl.RENDERER)}` : null;
  });
  summary.kpis = await kpis(page);
  await page.screenshot({ path: join(out, 'desktop.png') });
  // A real click on a chiller picks a thin instance.
  const at = await page.evaluate(() => window.__twin?.projectAsset('jinggong-b1-ch1') ?? null);
  if (at) {
    await page.mouse.click(at.x, at.y);
    await page.waitForTimeout(400);
  }
  summary.clickPicked = await page.evaluate(() => window.__twin?.selectedAssetId());
  await page.evaluate(() => window.__twin?.pickAsset('bess1'));
  await page.waitForSelector('[data-testid="asset-panel"][data-asset-id="bess1"]');
  await page.waitForSelector('[data-testid="history-chart"][data-state="ready"]', { timeout: 15_000 });
  await page.waitForTimeout(1200);
  summary.pointValues = await page.$$eval('[data-testid="point-value"]', (els) => els.map((e) => `${e.getAttribute('data-point-id')}:${e.textContent}`));
  await page.screenshot({ path: join(out, 'desktop-selected.png') });
  // Live recolouring: the canvas changes between two moments at a fixed camera.
  const shot = () => page.evaluate(() => (document.querySelector('[data-testid="twin-canvas"]') as HTMLCanvasElement).toDataURL());
  const before = await shot();
  await page.waitForTimeout(2000);
  summary.canvasChangedWithLiveValues = before !== (await shot());
  // A tap on a building selects its meter: focus its rooftop unit, then pick just below it.
  await page.evaluate(() => window.__twin?.pickAsset('huaxin-b1-load'));
  await page.waitForTimeout(1200);
  summary.buildingPick = await page.evaluate(async () => {
    // The middle of the building's south wall, projected by hand (x east, y up, z north).
    const park = (await (await fetch('/api/parks/demo')).json()) as { buildings: { id: string; footprint: [number, number][]; heightM: number }[] };
    const b = park.buildings.find((x) => x.id === 'huaxin-b1');
    const scene = window.__twin?.scene;
    const canvas = document.querySelector('[data-testid="twin-canvas"]') as HTMLCanvasElement;
    if (!b || !scene) return 'no building';
    const xs = b.footprint.map((p) => p[0]);
    const ys = b.footprint.map((p) => p[1]);
    const [x, y, z] = [(Math.min(...xs) + Math.max(...xs)) / 2, b.heightM / 3, Math.min(...ys)];
    const m = scene.getTransformMatrix().m;
    const w = x * (m[3] ?? 0) + y * (m[7] ?? 0) + z * (m[11] ?? 0) + (m[15] ?? 1);
    const nx = (x * (m[0] ?? 0) + y * (m[4] ?? 0) + z * (m[8] ?? 0) + (m[12] ?? 0)) / w;
    const ny = (x * (m[1] ?? 0) + y * (m[5] ?? 0) + z * (m[9] ?? 0) + (m[13] ?? 0)) / w;
    const r = canvas.getBoundingClientRect();
    return window.__twin?.pickAt(r.left + ((nx + 1) / 2) * r.width, r.top + ((1 - ny) / 2) * r.height);
  });
  // Reconnect: the mock drops every socket; the client must re-join and take a fresh snapshot.
  const joins = async () => (await (await fetch(`${origin}/mock/stats`)).json()) as { joins: number };
  const joinsBefore = (await joins()).joins;
  await page.evaluate(() => fetch('/mock/kick', { method: 'POST' }).catch(() => undefined));
  await page.waitForSelector('[data-testid="conn-status"]:not([data-state="connected"])', { timeout: 5_000 }).catch(() => undefined);
  summary.afterKick = await page.getAttribute('[data-testid="conn-status"]', 'data-state');
  await page.waitForSelector('[data-testid="conn-status"][data-state="connected"]', { timeout: 15_000 });
  await page.waitForTimeout(500);
  summary.rejoined = (await joins()).joins > joinsBefore;
  // English
  await page.click('[data-testid="lang-switch"]');
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, 'desktop-en.png') });
  // Camera input: rotate (left drag), zoom (wheel), pan (right drag) each move the view.
  await page.click('[data-testid="view-reset"]');
  await page.waitForTimeout(1200);
  const cam = () =>
    page.evaluate(() => {
      const c = window.__twin?.scene?.activeCamera as unknown as { alpha: number; beta: number; radius: number; target: { x: number; z: number } };
      return { alpha: +c.alpha.toFixed(3), beta: +c.beta.toFixed(3), radius: +c.radius.toFixed(1), x: +c.target.x.toFixed(1), z: +c.target.z.toFixed(1) };
    });
  const camera: unknown[] = [['start', await cam()]];
  await page.mouse.move(400, 450);
  await page.mouse.down();
  await page.mouse.move(500, 450, { steps: 10 });
  await page.mouse.up();
  await page.waitForTimeout(1500);
  camera.push(['drag 100 px', await cam()]);
  await page.mouse.wheel(0, -400);
  await page.waitForTimeout(1500);
  camera.push(['wheel -400', await cam()]);
  await page.mouse.down({ button: 'right' });
  await page.mouse.move(580, 450, { steps: 8 });
  await page.mouse.up({ button: 'right' });
  await page.waitForTimeout(1500);
  camera.push(['right-drag 80 px', await cam()]);
  summary.camera = camera;
  await desk.close();

  // Phone
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const pp = await phone.newPage();
  watch(pp, 'phone');
  await pp.goto(url);
  await ready(pp);
  await pp.screenshot({ path: join(out, 'phone.png') });
  const tapAt = await pp.evaluate(() => window.__twin?.projectAsset('bess1') ?? null);
  summary.tapAt = tapAt;
  summary.pickAtTap = tapAt ? await pp.evaluate(([x, y]) => window.__twin?.pickAt(x, y), [tapAt.x, tapAt.y] as const) : null;
  if (tapAt) await pp.touchscreen.tap(tapAt.x, tapAt.y);
  await pp.waitForTimeout(800);
  summary.tapPicked = await pp.evaluate(() => window.__twin?.selectedAssetId());
  if (!summary.tapPicked) await pp.evaluate(() => window.__twin?.pickAsset('huaxin-b1-pv1'));
  await pp.waitForSelector('[data-testid="asset-panel"]');
  await pp.waitForTimeout(1500);
  await pp.screenshot({ path: join(out, 'phone-selected.png') });
  await pp.click('[data-testid="tab-list"]');
  await pp.click('[data-testid="sheet-handle"]');
  await pp.waitForTimeout(600);
  await pp.screenshot({ path: join(out, 'phone-list.png') });
  await phone.close();
  return summary;
}

const args = process.argv.includes('--swiftshader') ? [...CHROMIUM_ARGS, ...CHROMIUM_SWIFTSHADER_ARGS] : [...CHROMIUM_ARGS];
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args });
try {
  const summary = await run(browser);
  process.stdout.write(`${JSON.stringify({ args, ...summary, problems, offOrigin }, null, 2)}\n`);
} catch (err) {
  process.stdout.write(`${JSON.stringify({ args, error: String(err), problems, offOrigin }, null, 2)}\n`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
