import { execFileSync } from 'node:child_process';
import { CHROMIUM_ARGS, CHROMIUM_PATH, describeWithBrowser, waitFor } from '@zcp/testkit';
import { expect, it } from 'vitest';
import { exampleReport } from './fixtures.test-helper.js';
import { renderReportHtml } from './render-html.js';
import { createPdfPrinter, PdfRenderError, renderReportPdf } from './render-pdf.js';

describeWithBrowser('renderReportPdf (headless Chromium)', () => {
  it('prints an A4 PDF with the Noto CJK font embedded for the Chinese text', async () => {
    const pdf = await renderReportPdf(renderReportHtml(exampleReport('zh')), { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const bytes = pdf.toString('latin1');
    expect(bytes).toContain('NotoSansCJK');
    // A4 is 595 × 842 pt.
    expect(bytes).toMatch(/\/MediaBox \[0 0 59[45]\.\d* 84[12]\.\d*\]/);
  }, 60_000);

  it('keeps one browser for many prints, runs them side by side, and relaunches it when it died', async () => {
    const printer = createPdfPrinter({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, concurrency: 2 });
    try {
      const html = renderReportHtml(exampleReport('en'));
      const pdfs = await Promise.all([1, 2, 3].map(() => printer.print(html)));
      expect(pdfs.every((p) => p.subarray(0, 5).toString('latin1') === '%PDF-')).toBe(true);
      expect(printer.launches).toBe(1);
      // Kill the browser under the printer (SIGKILL, as a crash would): the next print launches a new one.
      const children = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
      const pids = children
        .split('\n')
        .filter((l) => /chrom/i.test(l))
        .map((l) => Number(l.trim().split(/\s+/)[0]));
      expect(pids.length).toBeGreaterThan(0);
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      await waitFor(
        async () => {
          try {
            return (await printer.print(html)).subarray(0, 5).toString('latin1') === '%PDF-';
          } catch {
            return false; // the print that meets the dying browser fails; the next one relaunches
          }
        },
        { timeoutMs: 30_000, what: 'a print after the browser was killed' },
      );
      expect(printer.launches).toBe(2);
    } finally {
      await printer.close();
    }
    await expect(printer.print('<p>x</p>')).rejects.toMatchObject({ code: 'browser_unavailable' });
  }, 90_000);

  it('gives up after its timeout with a PdfRenderError instead of hanging', async () => {
    const printer = createPdfPrinter({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeoutMs: 1500 });
    try {
      // A page whose fonts never finish: an @font-face that points at a URL that never answers is not possible offline,
      // so a script that blocks the page's main thread keeps `document.fonts.ready` from resolving in time.
      const err = await printer.print('<script>const t = Date.now(); while (Date.now() - t < 20000) {}</script>').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PdfRenderError);
      expect((err as PdfRenderError).code).toBe('timeout');
    } finally {
      await printer.close();
    }
  }, 60_000);
});
