import { type Browser, chromium } from 'playwright-core';

export interface RenderReportPdfOptions {
  /** Debian's Chromium; never a browser downloaded by a tool. */
  executablePath?: string;
  args?: readonly string[];
}

export interface PdfPrinterOptions extends RenderReportPdfOptions {
  /** Longest one print may take, ms (default 30 s); then it fails with `PdfRenderError('timeout')`. */
  timeoutMs?: number;
  /** Prints run at once; more wait their turn (default 2 — each page holds ~50 MB). */
  concurrency?: number;
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

export class PdfRenderError extends Error {
  constructor(
    readonly code: 'timeout' | 'browser_unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'PdfRenderError';
  }
}

export interface PdfPrinter {
  print(html: string): Promise<Buffer>;
  /** Browser launches so far (one, unless it crashed or was closed). */
  readonly launches: number;
  close(): Promise<void>;
}

/**
 * Prints report HTML to A4 PDFs with one headless Chromium, launched on first use and kept:
 * each print gets its own browser context (closed after), at most `concurrency` at once, each
 * bounded by `timeoutMs`. A browser that died is launched again on the next print. The HTML
 * carries its fonts by family name (Noto CJK, installed system-wide), so Chinese is embedded
 * as glyphs.
 *
 * @example
 * const printer = createPdfPrinter(); const pdf = await printer.print(renderReportHtml(report)); await printer.close();
 */
export function createPdfPrinter(options: PdfPrinterOptions = {}): PdfPrinter {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  let browser: Promise<Browser> | undefined;
  let launches = 0;
  let running = 0;
  const queue: (() => void)[] = [];
  let closed = false;

  const getBrowser = (): Promise<Browser> => {
    if (!browser) {
      launches++;
      const launching = chromium
        .launch({ executablePath: options.executablePath ?? REPORT_CHROMIUM_PATH, args: [...(options.args ?? REPORT_CHROMIUM_ARGS)], timeout: timeoutMs })
        .catch((err: unknown) => {
          browser = undefined;
          throw new PdfRenderError('browser_unavailable', `Chromium for PDF reports did not start: ${(err as Error).message}`);
        });
      launching
        .then((b) =>
          b.on('disconnected', () => {
            if (browser === launching) browser = undefined;
          }),
        )
        .catch(() => {});
      browser = launching;
    }
    return browser;
  };

  const slot = async (): Promise<void> => {
    if (running < concurrency) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => queue.push(resolve));
  };
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else running--;
  };

  const printOnce = async (html: string, deadline: number): Promise<Buffer> => {
    const context = await (await getBrowser()).newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(Math.max(1, deadline - Date.now()));
      // No network: the HTML is self-contained, so 'load' is enough.
      await page.setContent(html, { waitUntil: 'load' });
      // A string so this file needs no DOM typings; waits until the CJK font has loaded.
      await page.evaluate('document.fonts.ready.then(() => undefined)');
      return Buffer.from(await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }));
    } finally {
      await context.close().catch(() => {});
    }
  };

  return {
    get launches() {
      return launches;
    },
    async print(html: string): Promise<Buffer> {
      if (closed) throw new PdfRenderError('browser_unavailable', 'the PDF printer is closed');
      const deadline = Date.now() + timeoutMs;
      await slot();
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new PdfRenderError('timeout', `printing the report took longer than ${timeoutMs} ms`)),
            Math.max(1, deadline - Date.now()),
          );
        });
        return await Promise.race([printOnce(html, deadline), timeout]);
      } finally {
        clearTimeout(timer);
        release();
      }
    },
    async close() {
      closed = true;
      const b = browser;
      browser = undefined;
      if (b) await (await b.catch(() => undefined))?.close();
    },
  };
}

/** One print with a browser of its own (scripts, tests); a service keeps a `createPdfPrinter()`. */
export async function renderReportPdf(html: string, options: RenderReportPdfOptions = {}): Promise<Buffer> {
  const printer = createPdfPrinter(options);
  try {
    return await printer.print(html);
  } finally {
    await printer.close();
  }
}
