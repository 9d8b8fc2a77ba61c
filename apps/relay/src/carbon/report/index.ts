export {
  type BuildDeclarationReportInput,
  buildDeclarationReport,
  type DeclarationReport,
  type ReportLineageRow,
  withholdEnterprises,
} from './build-report.js';
export { type ReportLang, reportLabels } from './labels.js';
export { escapeHtml, REPORT_FONT_FAMILY, renderReportHtml } from './render-html.js';
export {
  createPdfPrinter,
  type PdfPrinter,
  type PdfPrinterOptions,
  PdfRenderError,
  REPORT_CHROMIUM_ARGS,
  REPORT_CHROMIUM_PATH,
  type RenderReportPdfOptions,
  renderReportPdf,
} from './render-pdf.js';
export { renderReportXlsx } from './render-xlsx.js';
