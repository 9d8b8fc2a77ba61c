import { CHROMIUM_ARGS, CHROMIUM_PATH, describeWithBrowser } from '@zcp/testkit';
import { expect, it } from 'vitest';
import { exampleReport } from './fixtures.test-helper.js';
import { renderReportHtml } from './render-html.js';
import { renderReportPdf } from './render-pdf.js';

describeWithBrowser('renderReportPdf (headless Chromium)', () => {
  it('prints an A4 PDF with the Noto CJK font embedded for the Chinese text', async () => {
    const pdf = await renderReportPdf(renderReportHtml(exampleReport('zh')), { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const bytes = pdf.toString('latin1');
    expect(bytes).toContain('NotoSansCJK');
    // A4 is 595 × 842 pt.
    expect(bytes).toMatch(/\/MediaBox \[0 0 59[45]\.\d* 84[12]\.\d*\]/);
  }, 60_000);
});
