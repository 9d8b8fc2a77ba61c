import ExcelJS from 'exceljs';
import { writeCsv } from './csv.js';
import { type ColumnSpec, headerOf, SHEETS, type SheetKind, type SheetSpec, sheetOf } from './sheets.js';

/** Rows of each data sheet that carry the data-validation drop-downs. */
export const TEMPLATE_VALIDATED_ROWS = 2000;
export const README_SHEET = '说明 README';
const LISTS_SHEET = 'lists';

export interface ActivityTemplateOptions {
  /** Enterprises of the park: written to the README and offered as a drop-down in the enterprise column. */
  enterprises?: readonly { id: string; name?: string }[];
  /** The month the example rows carry (default 2025-01). */
  exampleMonth?: string;
  /** Only these sheets (default: all). */
  kinds?: readonly SheetKind[];
}

// exceljs 4.4 supports range validations at runtime, but its typings lack `dataValidations`.
interface RangeValidations {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

const columnLetter = (n: number): string => {
  let s = '';
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
};

const exampleValue = (c: ColumnSpec, month: string): string | number | boolean => (c.key === 'month' ? month : c.example);

/**
 * The manual activity template (issue 5, "Activity data → Manual"): a README sheet explaining
 * units and allowed values, then one sheet per kind operators fill monthly, with headers in
 * Chinese and English ("月份 month"), drop-downs for the enum columns and an example row (its
 * note marks it, so the parser skips it even when left in place).
 *
 * @example
 * const xlsx = await buildActivityTemplate({ enterprises: [{ id: 'cement', name: '水泥厂' }] });
 * // res.body = xlsx, content-type application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
 */
export async function buildActivityTemplate(options: ActivityTemplateOptions = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'zcp';
  const sheets = SHEETS.filter((s) => !options.kinds || options.kinds.includes(s.kind));
  const enterprises = options.enterprises ?? [];
  writeReadme(wb.addWorksheet(README_SHEET), sheets, enterprises);
  let enterpriseList: string | undefined;
  if (enterprises.length > 0) {
    const lists = wb.addWorksheet(LISTS_SHEET, { state: 'hidden' });
    enterprises.forEach((e, i) => {
      lists.getCell(i + 1, 1).value = e.id;
    });
    enterpriseList = `${LISTS_SHEET}!$A$1:$A$${enterprises.length}`;
  }
  for (const spec of sheets) writeDataSheet(wb.addWorksheet(spec.name), spec, options.exampleMonth ?? '2025-01', enterpriseList);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function writeReadme(ws: ExcelJS.Worksheet, sheets: readonly SheetSpec[], enterprises: readonly { id: string; name?: string }[]): void {
  ws.columns = [{ width: 22 }, { width: 26 }, { width: 12 }, { width: 80 }];
  ws.addRow(['碳核算手工活动数据模板 Manual carbon activity data template']).font = { bold: true, size: 14 };
  ws.addRow(['每个工作表一类数据，按企业、按月填写；第 1 行为表头，第 2 行为示例（备注列标记，导入时忽略）。']);
  ws.addRow(['One sheet per kind, one row per enterprise and month; row 1 holds the headers, row 2 an example (marked in its note, skipped on import).']);
  ws.addRow(['数值为非负小数，不写千位分隔符；月份格式 YYYY-MM。 Numbers are non-negative decimals; months are YYYY-MM.']);
  ws.addRow(['CSV：每类一个文件，表头与对应工作表相同（UTF-8，可带 BOM）。 CSV: one file per kind with the same headers as its sheet (UTF-8, BOM optional).']);
  ws.addRow([]);
  ws.addRow(['工作表 sheet', '列 column', '必填 required', '说明 meaning / allowed values']).font = { bold: true };
  for (const s of sheets) {
    ws.addRow([s.name, `${s.zh} — ${s.en}`]).font = { bold: true };
    for (const c of s.columns) ws.addRow(['', headerOf(c), c.required ? '是 yes' : '否 no', c.help]);
  }
  if (enterprises.length > 0) {
    ws.addRow([]);
    ws.addRow(['企业 enterprises']).font = { bold: true };
    for (const e of enterprises) ws.addRow(['', e.id, '', e.name ?? '']);
  }
}

function writeDataSheet(ws: ExcelJS.Worksheet, spec: SheetSpec, month: string, enterpriseList: string | undefined): void {
  ws.columns = spec.columns.map((c) => ({ header: headerOf(c), key: c.key, width: Math.max(14, headerOf(c).length + 4) }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  spec.columns.forEach((c, i) => {
    header.getCell(i + 1).note = `${c.required ? '必填 required' : '选填 optional'} — ${c.help}`;
    // Text format keeps Excel from turning 2025-01 into a date or ids into numbers.
    if (c.type === 'month' || c.type === 'id' || c.type === 'enum') ws.getColumn(i + 1).numFmt = '@';
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  const example = ws.addRow(spec.columns.map((c) => exampleValue(c, month)));
  example.font = { italic: true, color: { argb: 'FF808080' } };
  const dv = (ws as unknown as RangeValidations).dataValidations;
  spec.columns.forEach((c, i) => {
    const range = `${columnLetter(i + 1)}2:${columnLetter(i + 1)}${TEMPLATE_VALIDATED_ROWS + 1}`;
    if (c.values) {
      dv.add(range, {
        type: 'list',
        allowBlank: !c.required,
        formulae: [`"${c.values.join(',')}"`],
        showErrorMessage: true,
        errorStyle: c.open ? 'warning' : 'stop',
        errorTitle: '取值无效 invalid value',
        error: `${headerOf(c)}: ${c.help}`,
      });
    } else if (c.key === 'enterprise' && enterpriseList) {
      dv.add(range, {
        type: 'list',
        allowBlank: false,
        formulae: [enterpriseList],
        showErrorMessage: true,
        errorStyle: 'stop',
        error: '未知企业 unknown enterprise',
      });
    } else if (c.type === 'decimal') {
      dv.add(range, {
        type: 'decimal',
        operator: 'greaterThanOrEqual',
        allowBlank: !c.required,
        formulae: [0],
        showErrorMessage: true,
        errorStyle: 'stop',
        error: '须为非负数 must be a non-negative number',
      });
    }
  });
}

/**
 * The CSV equivalent of one template sheet: one CSV per kind (the kind is not a column; the
 * caller names it, as the file name or upload field does), same headers, the example row, UTF-8
 * with a BOM. Read back with `parseActivityCsv(text, kind)`.
 *
 * @example
 * buildActivityCsvTemplate('fuel') // "\uFEFF月份 month,企业 enterprise,燃料 fuel,…\r\n2025-01,cement,diesel,…"
 */
export function buildActivityCsvTemplate(kind: SheetKind, options: { exampleMonth?: string } = {}): string {
  const spec = sheetOf(kind);
  return writeCsv([spec.columns.map(headerOf), spec.columns.map((c) => String(exampleValue(c, options.exampleMonth ?? '2025-01')))]);
}
