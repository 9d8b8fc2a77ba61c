import { z } from 'zod';
import {
  buildActivityCsvTemplate,
  buildActivityTemplate,
  type ImportError,
  type ImportedRow,
  parseActivityCsv,
  parseActivityWorkbook,
  SHEET_KINDS,
} from '../carbon/import/index.js';
import { insertManualItems, validateManualRows } from '../carbon/ledger/index.js';
import { ApiError } from './api-error.js';
import { auditCertificates, type CarbonRouteDeps, mayWriteFor } from './carbon-routes.js';
import type { SecuredApp } from './secured-app.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

const TemplateQuery = z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx'), kind: z.enum(SHEET_KINDS).optional() });
const ImportQuery = z.object({ kind: z.enum(SHEET_KINDS).optional(), fileName: z.string().max(200).optional() });

/**
 * Manual activity from spreadsheets (issue 5): `GET …/activity/template` downloads the XLSX
 * (or one CSV per kind) operators fill monthly; `POST …/activity/import` takes the filled file
 * as the request body (XLSX, or CSV with `?kind=`), validates it row by row and stores the good
 * rows — the answer lists every stored row and every rejected one (sheet, row, column, value,
 * reason in English and Chinese). 400 only when nothing in the file could be read.
 *
 * @example
 * registerCarbonImportRoutes(app, { park, sql: () => store.sql, now: Date.now })
 */
export function registerCarbonImportRoutes(app: SecuredApp, deps: CarbonRouteDeps): void {
  app.get('/api/carbon/parks/:parkId/activity/template', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    const q = TemplateQuery.safeParse(c.req.query());
    if (!q.success) throw ApiError.fromZod('invalid_query', q.error, 'query');
    if (q.data.format === 'csv') {
      if (!q.data.kind) throw new ApiError(400, 'invalid_query', `format=csv needs kind (one of ${SHEET_KINDS.join(', ')})`);
      return c.body(buildActivityCsvTemplate(q.data.kind), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="zcp-activity-${park.id}-${q.data.kind}.csv"`,
      });
    }
    const xlsx = await buildActivityTemplate({ enterprises: park.enterprises.map((e) => ({ id: e.id, name: e.name.zh })) });
    return c.body(new Uint8Array(xlsx), 200, { 'content-type': XLSX_TYPE, 'content-disposition': `attachment; filename="zcp-activity-${park.id}.xlsx"` });
  });

  app.post('/api/carbon/parks/:parkId/activity/import', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    const q = ImportQuery.safeParse(c.req.query());
    if (!q.success) throw ApiError.fromZod('invalid_query', q.error, 'query');
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (body.byteLength === 0) throw new ApiError(400, 'empty_body', 'send the filled XLSX (or CSV with ?kind=) as the request body');
    if (body.byteLength > MAX_IMPORT_BYTES) throw new ApiError(413, 'body_too_large', `the file is ${body.byteLength} bytes; at most ${MAX_IMPORT_BYTES}`);
    const options = {
      enterprises: park.enterprises.map((e) => e.id),
      fileName: q.data.fileName ?? (type === 'text/csv' ? `${q.data.kind}.csv` : 'upload.xlsx'),
    };
    let parsed: { items: ImportedRow[]; errors: ImportError[] };
    if (type === 'text/csv') {
      if (!q.data.kind) throw new ApiError(400, 'invalid_query', `a CSV import needs ?kind= (one of ${SHEET_KINDS.join(', ')})`);
      parsed = parseActivityCsv(new TextDecoder().decode(body), q.data.kind, options);
    } else if (type === XLSX_TYPE || type === 'application/octet-stream') {
      parsed = await parseActivityWorkbook(body, options);
    } else {
      throw new ApiError(415, 'unsupported_media_type', `content-type ${type || '(none)'}: send ${XLSX_TYPE} or text/csv`);
    }
    const rows = parsed.items.map((r) => ({
      enterpriseId: r.enterprise,
      month: r.month,
      ...(r.type === 'activity' ? { item: r.item } : { certificate: r.certificate }),
    }));
    const { items, errors } = validateManualRows(park, rows, mayWriteFor(c, park.id));
    const stored = await insertManualItems(
      deps.sql(),
      park.id,
      items.map((i) => i.item),
      deps.now(),
    );
    auditCertificates(deps, c, park.id, stored);
    // A row the parser accepted but the store's validation refused: report it at its sheet row.
    const refused: ImportError[] = errors.map((e) => {
      const src = parsed.items[Number(e.path.split('.')[1])];
      return { sheet: src?.sheet ?? '', row: src?.row ?? 0, column: e.path, value: '', reason: e.message, reasonZh: e.message };
    });
    const allErrors = [...parsed.errors, ...refused];
    if (stored.length === 0 && allErrors.length > 0 && parsed.items.length === 0)
      throw new ApiError(
        400,
        'invalid_file',
        `nothing could be imported: ${allErrors[0]?.reason ?? 'no rows'}`,
        allErrors.map((e) => ({ path: `${e.sheet}!${e.column}${e.row}`, message: `${e.reason} / ${e.reasonZh}` })),
      );
    return c.json({ parkId: park.id, stored: stored.length, rejected: allErrors.length, ids: stored.map((s) => s.id), errors: allErrors }, 200);
  });
}
