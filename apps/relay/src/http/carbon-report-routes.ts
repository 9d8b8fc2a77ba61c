import { decide, type Park, visibleEnterprise } from '@zcp/model';
import { z } from 'zod';
import { computeLedger, type LedgerEntry, latestLedgerEntry, parseLedgerPeriod } from '../carbon/ledger/index.js';
import { buildDeclarationReport, type PdfPrinter, PdfRenderError, renderReportHtml, renderReportXlsx, withholdEnterprises } from '../carbon/report/index.js';
import type { SqlClient } from '../storage/sql-client.js';
import { ApiError } from './api-error.js';
import { type CarbonRouteDeps, engineError } from './carbon-routes.js';
import type { SecuredApp } from './secured-app.js';

const ReportQuery = z.object({
  year: z.string().regex(/^\d{4}$/, 'year must be YYYY'),
  lang: z.enum(['zh', 'en']).default('zh'),
  format: z.enum(['html', 'pdf', 'xlsx']).default('html'),
  /** Compute fresh ledger entries (appended) instead of using the latest stored ones. */
  recompute: z.enum(['true', 'false']).default('false'),
});

/** The park ledger of a period: the latest stored entry, or a new one computed (and stored) now. */
async function ledgerOf(sql: SqlClient, park: Park, period: string, nowMs: number, recompute: boolean): Promise<LedgerEntry> {
  if (!recompute) {
    const latest = await latestLedgerEntry(sql, park.id, { period });
    if (latest && latest.period === period && latest.enterpriseId === null) return latest;
  }
  const parsed = parseLedgerPeriod(period);
  if (!parsed) throw new ApiError(400, 'invalid_query', `bad period ${period}`);
  return computeLedger(sql, park, parsed, { nowMs }).catch(engineError);
}

/**
 * `GET /api/carbon/parks/:parkId/report?year=2025&lang=zh|en&format=html|pdf|xlsx`: the park's
 * declaration report (申报) for a year — core and guiding indicators with thresholds and
 * pass/fail, band, monthly trend, enterprise breakdown, coverage, factors and parameters,
 * lineage — from the year's and the months' park ledgers (the latest stored entries; missing
 * ones, or all with `recompute=true`, are computed and stored first).
 *
 * @example
 * registerCarbonReportRoutes(app, { park, sql: () => store.sql, now: Date.now })
 */
export function registerCarbonReportRoutes(app: SecuredApp, deps: CarbonRouteDeps & { pdf: () => PdfPrinter }): void {
  app.get('/api/carbon/parks/:parkId/report', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    const q = ReportQuery.safeParse(c.req.query());
    if (!q.success) throw ApiError.fromZod('invalid_query', q.error, 'query');
    const { year, lang, format } = q.data;
    const recompute = q.data.recompute === 'true';
    const principal = c.get('principal');
    if (recompute && principal && !decide(principal, 'carbon.write', { parkId: park.id }).allow)
      throw new ApiError(403, 'forbidden', 'recompute=true writes new park ledger entries: it needs carbon.write on the park');
    const nowMs = deps.now();
    const sql = deps.sql();
    const yearEntry = await ledgerOf(sql, park, year, nowMs, recompute);
    const months: LedgerEntry[] = [];
    for (let m = 1; m <= 12; m++) months.push(await ledgerOf(sql, park, `${year}-${String(m).padStart(2, '0')}`, nowMs, recompute));
    const full = buildDeclarationReport({
      year: yearEntry.result,
      months: months.map((e) => e.result),
      lang,
      generatedAt: new Date(nowMs),
      names: { park: park.name[lang], enterprises: Object.fromEntries(park.enterprises.map((e) => [e.id, e.name[lang]])) },
    });
    const report = withholdEnterprises(full, (id) => visibleEnterprise(principal, c.get('mask'), id));
    const html = renderReportHtml(report);
    const name = `zcp-declaration-${park.id}-${year}-${lang}`;
    if (format === 'html') {
      // The report is self-contained: inline styles and SVG, nothing loaded.
      c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'");
      return c.html(html);
    }
    if (format === 'xlsx')
      return c.body(new Uint8Array(await renderReportXlsx(report)), 200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-disposition': `attachment; filename="${name}.xlsx"`,
      });
    const pdf = await deps
      .pdf()
      .print(html)
      .catch((err: unknown) => {
        if (err instanceof PdfRenderError)
          throw new ApiError(503, err.code === 'timeout' ? 'report_render_timeout' : 'report_renderer_unavailable', err.message);
        throw err;
      });
    return c.body(new Uint8Array(pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${name}.pdf"`,
    });
  });
}
