import { chromium } from 'playwright-core';

export interface RenderReportPdfOptions {
  /** Debian's Chromium; never a browser downloaded by a tool. */
  executablePath?: string;
  args?: readonly string[];
}

/** Debian Chromium and the flags it needs on machines without a sandbox, GPU or network. */
export const REPORT_CHROMIUM_PATH = '/usr/bin/chromium';
export const REPORT_CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Prints report HTML to an A4 PDF with headless Chromium. The HTML carries its own fonts
 * by family name (Noto CJK, installed system-wide), so Chinese is embedded as glyphs.
 *
 * @example
 * const pdf = await renderReportPdf(renderReportHtml(report));
 * writeFileSync('report.pdf', pdf);
 */
export async function renderReportPdf(html: string, options: RenderReportPdfOptions = {}): Promise<Buffer> {
  const browser = await chromium.launch({ executablePath: options.executablePath ?? REPORT_CHROMIUM_PATH, args: [...(options.args ?? REPORT_CHROMIUM_ARGS)] });
  try {
    const page = await browser.newPage();
    // No network: the HTML is self-contained, so 'load' is enough.
    await page.setContent(html, { waitUntil: 'load' });
    // A string so this file needs no DOM typings; waits until the CJK font has loaded.
    await page.evaluate('document.fonts.ready.then(() => undefined)');
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    return Buffer.from(pdf);
  } finally {
    await browser.close();
  }
}
