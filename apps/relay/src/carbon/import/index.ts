// Manual carbon activity data: XLSX/CSV templates and their row-by-row import (issue 5).

export {
  type ActivityImportResult,
  type ImportError,
  type ImportedRow,
  MAX_ROWS_PER_SHEET,
  MAX_WORKBOOK_BYTES,
  mergeImportedRows,
  type ParseActivityOptions,
  parseActivityCsv,
  parseActivityWorkbook,
} from './parse.js';
export { type ColumnSpec, ENUMS, EXAMPLE_NOTE, SHEET_KINDS, SHEETS, type SheetKind, type SheetSpec } from './sheets.js';
export { type ActivityTemplateOptions, buildActivityCsvTemplate, buildActivityTemplate, README_SHEET, TEMPLATE_VALIDATED_ROWS } from './template.js';
