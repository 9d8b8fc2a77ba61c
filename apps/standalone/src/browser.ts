import { existsSync } from 'node:fs';
import { describe } from 'vitest';

/** Debian's Chromium (installed by .ci/run); never a downloaded browser build. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  // WebGL through SwiftShader (software), since there is no GPU.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

/**
 * `describe` for browser tests: skipped loudly when Chromium is missing, failed instead under
 * ZCP_REQUIRE_SERVERS=1 (CI installs it).
 */
export function describeWithBrowser(title: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(title, body);
    return;
  }
  if (process.env.ZCP_REQUIRE_SERVERS === '1') {
    describe(title, () => {
      throw new Error(`ZCP_REQUIRE_SERVERS=1 but Chromium is missing at ${CHROMIUM_PATH} (apt-get install chromium)`);
    });
    return;
  }
  process.stderr.write(`\n[e2e] SKIPPING "${title}": no Chromium at ${CHROMIUM_PATH} (apt-get install chromium).\n`);
  // biome-ignore lint/suspicious/noSkippedTests: a loud, reasoned skip outside CI; CI fails instead
  describe.skip(title, body);
}
