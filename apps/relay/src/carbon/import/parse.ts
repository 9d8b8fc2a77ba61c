import { type ActivityItem, type CarbonActivityInputRaw, CarbonActivityInputSchema, type Certificate, FUEL_IDS } from '@zcp/model';
import ExcelJS from 'exceljs';
import { readCsv } from './csv.js';
import type { SheetKind } from './sheets.js';
import { type ColumnSpec, EXAMPLE_NOTE, headerOf, matchColumn, matchSheet, SHEETS, type SheetSpec, sheetOf } from './sheets.js';
import { README_SHEET } from './template.js';

/** One rejected row (or file/sheet/column problem: row 0 / column ''), English and Chinese. */
export interface ImportError {
  sheet: string;
  /** 1-based row number as the spreadsheet shows it; 0 when the whole file or sheet is at fault. */
  row: number;
  column: string;
  value: string;
  reason: string;
  reasonZh: string;
}

interface ImportedBase {
  enterprise: string;
  month: string;
  sheet: string;
  row: number;
}
/** A validated row: an activity item of an enterprise, or a certificate it claims. */
export type ImportedRow = (ImportedBase & { type: 'activity'; item: ActivityItem }) | (ImportedBase & { type: 'certificate'; certificate: Certificate });

export interface ActivityImportResult {
  items: ImportedRow[];
  errors: ImportError[];
}

export interface ParseActivityOptions {
  /** Named in each item's source note ("<file> sheet X row N"). */
  fileName?: string;
  /** Known enterprise ids; when given, rows of other enterprises are rejected. */
  enterprises?: readonly string[];
  /** Fuel ids accepted besides the built-in ones (the park's user fuel factors). */
  extraFuelIds?: readonly string[];
  /** The accounting period; rows of months outside it are rejected. */
  period?: { from: string; to: string };
  /** Largest workbook accepted, bytes (default {@link MAX_WORKBOOK_BYTES}). */
  maxBytes?: number;
  /** Rows read per sheet at most; the rest are reported (default {@link MAX_ROWS_PER_SHEET}). */
  maxRowsPerSheet?: number;
}

export const MAX_ROWS_PER_SHEET = 20_000;
export const MAX_WORKBOOK_BYTES = 20 * 1024 * 1024;
const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
const DECIMAL_RE = /^-?\d+(\.\d+)?$/;
const THOUSANDS_RE = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/;

const err = (sheet: string, row: number, column: string, value: unknown, reason: string, reasonZh: string): ImportError => ({
  sheet,
  row,
  column,
  value: value === undefined || value === null ? '' : String(value).slice(0, 200),
  reason,
  reasonZh,
});

/** exceljs cell values (formula results, rich text, hyperlinks, dates) as plain values. */
function plainCell(v: ExcelJS.CellValue): string | number | boolean | Date | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return plainCell((v.result ?? null) as ExcelJS.CellValue);
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('error' in v) return String(v.error);
  }
  return String(v);
}

type Raw = string | number | boolean | Date | undefined;
type Converted = { ok: true; value: string | number | boolean | undefined } | { ok: false; reason: string; reasonZh: string };

function convert(c: ColumnSpec, raw: Raw): Converted {
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return { ok: true, value: undefined };
  switch (c.type) {
    case 'month': {
      if (raw instanceof Date) return { ok: true, value: raw.toISOString().slice(0, 7) };
      const s = String(raw).trim().replace(/\//g, '-');
      const m = /^(\d{4})-(\d{1,2})$/.exec(s);
      const month = m ? `${m[1]}-${(m[2] ?? '').padStart(2, '0')}` : s;
      if (!MONTH_RE.test(month)) return { ok: false, reason: 'month must be YYYY-MM (e.g. 2025-01)', reasonZh: '月份格式应为 YYYY-MM（如 2025-01）' };
      return { ok: true, value: month };
    }
    case 'decimal': {
      if (typeof raw === 'number') return { ok: true, value: DECIMAL_RE.test(String(raw)) ? String(raw) : raw };
      const s = String(raw).trim().replace(/\s+/g, '');
      if (DECIMAL_RE.test(s)) return { ok: true, value: s };
      if (THOUSANDS_RE.test(s)) return { ok: true, value: s.replace(/,/g, '') };
      return { ok: false, reason: 'not a number (write a decimal like 12.5)', reasonZh: '不是数字（请填写如 12.5 的小数）' };
    }
    case 'boolean': {
      const s = String(raw).trim().toLowerCase();
      if (['true', 'yes', 'y', '1', '是'].includes(s)) return { ok: true, value: true };
      if (['false', 'no', 'n', '0', '否'].includes(s)) return { ok: true, value: false };
      return { ok: false, reason: 'not a yes/no value (true or false)', reasonZh: '不是是/否值（填 true 或 false）' };
    }
    case 'enum': {
      const s = raw instanceof Date ? raw.toISOString() : String(raw).trim();
      if (!c.values || c.open || c.values.includes(s)) return { ok: true, value: s };
      const ci = c.values.find((v) => v.toLowerCase() === s.toLowerCase());
      if (ci) return { ok: true, value: ci };
      return { ok: false, reason: `not one of ${c.values.join(', ')}`, reasonZh: `不在允许值内：${c.values.join('、')}` };
    }
    default:
      return { ok: true, value: raw instanceof Date ? raw.toISOString() : String(raw).trim() };
  }
}

interface SheetRows {
  /** The sheet (or CSV) name as reported in errors. */
  name: string;
  header: Raw[];
  rows: { row: number; cells: Raw[] }[];
}

/** Validates the rows of one sheet against its spec and the model schema (one source of truth). */
function parseSheet(spec: SheetSpec, data: SheetRows, options: ParseActivityOptions, out: ActivityImportResult, certIds = new Set<string>()): void {
  const at = new Map<string, number>();
  data.header.forEach((h, i) => {
    const c = h === undefined ? undefined : matchColumn(spec, String(h));
    if (c && !at.has(c.key)) at.set(c.key, i);
  });
  const missing = spec.columns.filter((c) => c.required && !at.has(c.key));
  if (missing.length > 0) {
    for (const c of missing) {
      out.errors.push(
        err(data.name, 1, headerOf(c), '', `missing column "${headerOf(c)}": use the template's header row`, `缺少列“${headerOf(c)}”：请使用模板的表头行`),
      );
    }
    return;
  }
  const known = options.enterprises ? new Set(options.enterprises) : undefined;
  const fuels = new Set<string>([...FUEL_IDS, ...(options.extraFuelIds ?? [])]);
  const limit = options.maxRowsPerSheet ?? MAX_ROWS_PER_SHEET;
  const file = options.fileName ?? 'import';
  let read = 0;
  for (const { row, cells } of data.rows) {
    const rawOf = (c: ColumnSpec): Raw => {
      const i = at.get(c.key);
      return i === undefined ? undefined : cells[i];
    };
    const blank = spec.columns.every((c) => {
      const r = rawOf(c);
      return r === undefined || (typeof r === 'string' && r.trim() === '');
    });
    if (blank) continue;
    if (String(rawOf(spec.columns.find((c) => c.key === 'note') as ColumnSpec) ?? '').trim() === EXAMPLE_NOTE) continue;
    if (++read > limit) {
      out.errors.push(err(data.name, row, '', '', `more than ${limit} rows: the rest of the sheet was not read`, `超过 ${limit} 行：其余行未读取`));
      return;
    }
    const rowErrors: ImportError[] = [];
    const fields: Record<string, string | number | boolean> = {};
    for (const c of spec.columns) {
      const raw = rawOf(c);
      const v = convert(c, raw);
      if (!v.ok) rowErrors.push(err(data.name, row, headerOf(c), raw, `${c.en}: ${v.reason}`, `${c.zh}：${v.reasonZh}`));
      else if (v.value === undefined) {
        if (c.required) rowErrors.push(err(data.name, row, headerOf(c), '', `${c.en} is required`, `${c.zh}为必填项`));
      } else fields[c.key] = v.value;
    }
    const enterprise = typeof fields.enterprise === 'string' ? fields.enterprise : '';
    if (enterprise && known && !known.has(enterprise)) {
      rowErrors.push(err(data.name, row, '企业 enterprise', enterprise, `unknown enterprise "${enterprise}"`, `未知企业“${enterprise}”`));
    }
    const { period } = options;
    if (period && typeof fields.month === 'string' && (fields.month < period.from || fields.month > period.to)) {
      rowErrors.push(
        err(
          data.name,
          row,
          '月份 month',
          fields.month,
          `month ${fields.month} is outside the period ${period.from}..${period.to}`,
          `月份 ${fields.month} 不在核算期 ${period.from}..${period.to} 内`,
        ),
      );
    }
    if (spec.kind === 'certificate' && typeof fields.id === 'string') {
      // A certificate retires once (CARB-CERT-1): a second row with the same id is an entry mistake, caught here with its row.
      if (certIds.has(fields.id)) {
        rowErrors.push(
          err(
            data.name,
            row,
            '证书编号 certificate id',
            fields.id,
            `certificate ${fields.id} appears twice in this file`,
            `证书 ${fields.id} 在本文件中重复出现`,
          ),
        );
      }
      certIds.add(fields.id);
    }
    if (typeof fields.fuel === 'string' && !fuels.has(fields.fuel)) {
      rowErrors.push(
        err(
          data.name,
          row,
          '燃料 fuel',
          fields.fuel,
          `unknown fuel "${fields.fuel}": one of ${[...fuels].join(', ')}`,
          `未知燃料“${fields.fuel}”：应为 ${[...fuels].join('、')} 之一`,
        ),
      );
    }
    if (rowErrors.length > 0) {
      out.errors.push(...rowErrors);
      continue;
    }
    const { month, enterprise: _e, note, ...rest } = fields as Record<string, string | number | boolean> & { month: string; note?: string };
    const source = { type: 'manual' as const, note: `${file} sheet ${data.name} row ${row}${note ? ` — ${note}` : ''}` };
    const isCert = spec.kind === 'certificate';
    const candidate = isCert ? { ...rest, enterprise, source } : { kind: spec.kind, month, ...rest, source };
    const doc = CarbonActivityInputSchema.safeParse({
      schema: 'zcp.carbon.activity/v1',
      park: { id: 'import' },
      period: { from: month, to: month },
      enterprises: [{ id: enterprise, activities: isCert ? [] : [candidate] }],
      certificates: isCert ? [candidate] : [],
    });
    if (!doc.success) {
      const seen = new Set<string>();
      for (const issue of doc.error.issues) {
        const key = String(isCert ? (issue.path[2] ?? '') : issue.path[0] === 'period' ? 'month' : (issue.path[4] ?? issue.path[2] ?? ''));
        const c = spec.columns.find((x) => x.key === key);
        const column = c ? headerOf(c) : key;
        if (seen.has(`${column}|${issue.message}`)) continue;
        seen.add(`${column}|${issue.message}`);
        out.errors.push(
          err(data.name, row, column, c ? fields[c.key] : '', `${c?.en ?? key}: ${issue.message}`, `${c?.zh ?? key}：取值无效（${issue.message}）`),
        );
      }
      continue;
    }
    const base = { enterprise, month, sheet: data.name, row };
    const cert = doc.data.certificates[0];
    const item = doc.data.enterprises[0]?.activities[0];
    if (isCert && cert) out.items.push({ ...base, type: 'certificate', certificate: cert });
    else if (item) out.items.push({ ...base, type: 'activity', item });
  }
}

const fileError = (reason: string, reasonZh: string): ActivityImportResult => ({ items: [], errors: [err('', 0, '', '', reason, reasonZh)] });

/**
 * Reads a filled-in activity template (XLSX). Sheets are recognised by name ("燃料 fuel", "燃料"
 * or "fuel"), columns by header. Every row is validated on its own with the model's
 * `CarbonActivityInputSchema`; good rows are kept, every bad one is reported. Never throws on
 * bad input: a file that is not a workbook, unknown sheets and missing columns come back as errors.
 *
 * @example
 * const { items, errors } = await parseActivityWorkbook(buffer, { fileName: 'jan.xlsx', enterprises: ['cement'] });
 */
export async function parseActivityWorkbook(buffer: Uint8Array | ArrayBuffer, options: ParseActivityOptions = {}): Promise<ActivityImportResult> {
  const wb = new ExcelJS.Workbook();
  try {
    const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
    if (bytes.length > (options.maxBytes ?? MAX_WORKBOOK_BYTES)) {
      return fileError(`file larger than ${options.maxBytes ?? MAX_WORKBOOK_BYTES} bytes`, '文件过大');
    }
    if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new Error('not a zip container');
    // exceljs' typings want a Node Buffer; it only reads the bytes.
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch {
    return fileError('not an XLSX workbook: download the template and fill it in', '不是 XLSX 工作簿：请下载模板填写后上传');
  }
  const out: ActivityImportResult = { items: [], errors: [] };
  let recognised = 0;
  const certIds = new Set<string>();
  for (const ws of wb.worksheets) {
    if (ws.name === README_SHEET || ws.name === 'lists' || ws.state !== 'visible') continue;
    const spec = matchSheet(ws.name);
    if (!spec) {
      if (ws.actualRowCount > 0) {
        out.errors.push(
          err(
            ws.name,
            0,
            '',
            ws.name,
            `unknown sheet "${ws.name}": expected one of ${SHEETS.map((s) => s.name).join(', ')}`,
            `未知工作表“${ws.name}”：应为 ${SHEETS.map((s) => s.name).join('、')}`,
          ),
        );
      }
      continue;
    }
    recognised++;
    const width = ws.columnCount;
    const cellsOf = (r: ExcelJS.Row): Raw[] => Array.from({ length: width }, (_, i) => plainCell(r.getCell(i + 1).value));
    const rows: SheetRows['rows'] = [];
    ws.eachRow({ includeEmpty: false }, (r, n) => {
      if (n > 1) rows.push({ row: n, cells: cellsOf(r) });
    });
    parseSheet(spec, { name: ws.name, header: cellsOf(ws.getRow(1)), rows }, options, out, certIds);
  }
  if (recognised === 0 && out.errors.length === 0) {
    out.errors.push(err('', 0, '', '', 'no activity sheets in the workbook', '工作簿中没有活动数据工作表'));
  }
  return out;
}

/**
 * Reads one CSV of a kind (the CSV equivalent of one template sheet, see
 * `buildActivityCsvTemplate`). UTF-8 with or without BOM; comma, semicolon or tab separated.
 *
 * @example
 * parseActivityCsv(text, 'fuel', { fileName: 'fuel-2025-01.csv' })
 */
export function parseActivityCsv(text: string, kind: SheetKind, options: ParseActivityOptions = {}): ActivityImportResult {
  const spec = SHEETS.find((s) => s.kind === kind);
  if (!spec) return fileError(`unknown kind "${kind}": one of ${SHEETS.map((s) => s.kind).join(', ')}`, `未知数据类型“${kind}”`);
  if (typeof text !== 'string' || text.includes('\u0000')) return fileError('not a CSV text file', '不是 CSV 文本文件');
  const table = readCsv(text);
  const [header, ...body] = table;
  if (!header || header.every((h) => h.trim() === '')) return fileError('empty CSV: the first line must be the header', 'CSV 为空：第一行应为表头');
  const out: ActivityImportResult = { items: [], errors: [] };
  const fileName = options.fileName ?? `${kind}.csv`;
  parseSheet(sheetOf(spec.kind), { name: kind, header, rows: body.map((cells, i) => ({ row: i + 2, cells })) }, { ...options, fileName }, out);
  return out;
}

/**
 * Merges imported rows into an activity input: items go to their enterprise (added when
 * absent), certificates to `certificates`. The result still needs `CarbonActivityInputSchema`
 * (the period must cover the rows' months).
 *
 * @example
 * mergeImportedRows({ schema: 'zcp.carbon.activity/v1', park: { id: 'p' }, period: { from: '2025-01', to: '2025-12' }, enterprises: [] }, items)
 */
export function mergeImportedRows(input: CarbonActivityInputRaw, rows: readonly ImportedRow[]): CarbonActivityInputRaw {
  const enterprises = input.enterprises.map((e) => ({ ...e, activities: [...e.activities] }));
  const certificates = [...(input.certificates ?? [])];
  for (const r of rows) {
    if (r.type === 'certificate') {
      certificates.push(r.certificate);
      continue;
    }
    let e = enterprises.find((x) => x.id === r.enterprise);
    if (!e) {
      e = { id: r.enterprise, activities: [] };
      enterprises.push(e);
    }
    e.activities.push(r.item);
  }
  return { ...input, enterprises, certificates };
}
