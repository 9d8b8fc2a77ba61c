import { existsSync } from 'node:fs';
import { describeWhenAvailable } from './servers.js';

/** Debian's Chromium (installed by .ci/run); never a browser build downloaded by a tool. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for headless Chromium on these machines: no sandbox as root, no GPU, and no
 * background networking (the network is closed; without these it retries for ever).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** WebGL through SwiftShader (software), for machines without a GPU. */
export const CHROMIUM_SWIFTSHADER_ARGS: readonly string[] = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

/** `describe` for browser tests (see describeWhenAvailable). */
export function describeWithBrowser(title: string, body: () => void): void {
  describeWhenAvailable(title, existsSync(CHROMIUM_PATH) ? undefined : `Chromium is missing at ${CHROMIUM_PATH} (apt-get install chromium)`, body);
}
