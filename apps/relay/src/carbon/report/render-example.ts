/**
 * Renders the example declaration to /tmp/zcp-report.{html,pdf,xlsx} so a person can look.
 * Run from the repo root:
 *   node_modules/.bin/tsx --conditions=source apps/relay/src/carbon/report/render-example.ts [zh|en]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { computeParkCarbon } from '@zcp/model';
import { buildDeclarationReport } from './build-report.js';
import { exampleYearInputs } from './example-year.js';
import type { ReportLang } from './labels.js';
import { renderReportHtml } from './render-html.js';
import { renderReportPdf } from './render-pdf.js';
import { renderReportXlsx } from './render-xlsx.js';

const examplePath = fileURLToPath(new URL('../../../../cli/examples/activity.example.json', import.meta.url));
const lang: ReportLang = process.argv[2] === 'en' ? 'en' : 'zh';
const inputs = exampleYearInputs(JSON.parse(readFileSync(examplePath, 'utf8')), 2025);
const report = buildDeclarationReport({
  year: computeParkCarbon(inputs.year),
  months: inputs.months.map((m) => computeParkCarbon(m)),
  lang,
  generatedAt: new Date(),
});
const html = renderReportHtml(report);
writeFileSync('/tmp/zcp-report.html', html);
writeFileSync('/tmp/zcp-report.pdf', await renderReportPdf(html));
writeFileSync('/tmp/zcp-report.xlsx', await renderReportXlsx(report));
process.stdout.write('wrote /tmp/zcp-report.html, /tmp/zcp-report.pdf, /tmp/zcp-report.xlsx\n');
