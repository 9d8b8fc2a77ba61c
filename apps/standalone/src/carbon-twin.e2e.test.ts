import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH, CHROMIUM_SWIFTSHADER_ARGS, describeWithBrowser } from '@zcp/testkit';
import { pino } from 'pino';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadStackConfig } from './config.js';
import { signIn } from './e2e-sign-in.js';
import { createStack, type Stack } from './stack.js';

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
/** The first window closes at the next UTC minute plus the 10 s grace: up to ~75 s after start. */
const FIRST_WINDOW_TIMEOUT_MS = 100_000;

describeWithBrowser('live carbon in the twin (end to end)', () => {
  let stack: Stack;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const env: Record<string, string> = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory', POLL_INTERVAL_MS: '500', LOG_LEVEL: 'warn' };
    stack = createStack(loadStackConfig(env), { logger: pino({ level: 'warn' }), parkId: `carbon${process.pid}` });
    await stack.start();
    url = `http://127.0.0.1:${stack.port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...CHROMIUM_SWIFTSHADER_ARGS] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it(
    'colours buildings by the intensity of the relay’s 1-minute windows when carbon mode is on',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
      await signIn(context, url, 'operator');
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      await expect.poll(() => page.evaluate(() => (window as { __twin?: { ready: boolean } }).__twin?.ready === true), { timeout: 30_000 }).toBe(true);
      await page.getByTestId('colour-carbon').click();
      await expect.poll(() => page.getByTestId('legend-carbon').isVisible(), { timeout: 5_000 }).toBe(true);
      // The legend names the window and the park intensity once the relay has closed one.
      await expect
        .poll(() => page.getByTestId('carbon-window').textContent(), { timeout: FIRST_WINDOW_TIMEOUT_MS, interval: 1_000 })
        .toMatch(/窗口 · 园区 \d+\.\d\d tCO₂\/tce/);
      await page.waitForTimeout(1_000);
      await page.screenshot({ path: `${ARTIFACTS}twin-carbon.png` });
      expect(await page.getByTestId('colour-carbon').getAttribute('aria-pressed')).toBe('true');
      expect(errors).toEqual([]);
      await context.close();
    },
    FIRST_WINDOW_TIMEOUT_MS + 40_000,
  );
});
