import {
  CarbonActivityInputSchema,
  CarbonInputError,
  createFactorLibrary,
  DEFAULT_PARAMETERS,
  decide,
  PARAMETER_IDS,
  type Park,
  visibleEnterprise,
} from '@zcp/model';
import type { Context } from 'hono';
import { z } from 'zod';
import type { AuditLog } from '../auth/audit-log.js';
import type { LedgerEntry, ManualItemRow } from '../carbon/ledger/index.js';
import {
  computeLedger,
  insertManualItems,
  type LedgerPeriod,
  latestLedgerEntry,
  ledgerEntryById,
  listLedgerEntries,
  listManualItems,
  meteredActivity,
  parseLedgerPeriod,
  reproduceLedgerEntry,
  validateManualRows,
} from '../carbon/ledger/index.js';
import type { SqlClient } from '../storage/sql-client.js';
import { ApiError } from './api-error.js';
import type { ApiContext, SecuredApp } from './secured-app.js';

/** May the request's principal write carbon data for this enterprise? (Always, without authentication.) */
export function mayWriteFor(c: ApiContext, parkId: string): (enterpriseId: string) => boolean {
  const p = c.get('principal');
  return (enterpriseId) => !p || decide(p, 'carbon.write', { parkId, enterpriseId }).allow;
}

/** May it see this enterprise's figures in detail? */
export function maySee(c: ApiContext): (enterpriseId: string) => boolean {
  return (enterpriseId) => visibleEnterprise(c.get('principal'), c.get('mask'), enterpriseId);
}

export interface CarbonRouteDeps {
  /** Certificate operations are audited (issue 7). */
  audit?: AuditLog;
  /** The park model of an id (throws the 400/404 ApiError itself). */
  park(parkId: string): Park;
  sql(): SqlClient;
  now(): number;
}

/** Most manual rows one request may carry. */
export const MAX_ACTIVITY_ROWS = 10_000;

const ParameterOverrideSchema = CarbonActivityInputSchema.shape.parameters.unwrap().element;
const PeriodText = z.string().refine((p) => parseLedgerPeriod(p) !== undefined, 'period must be YYYY-MM, YYYY-Qn or YYYY');
const EnterpriseId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a valid enterprise id');
const PeriodQuery = z.object({ period: PeriodText, enterpriseId: EnterpriseId.optional() });
const LedgerQuery = PeriodQuery.extend({
  entryId: z.coerce.number().int().positive().optional(),
  at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' }).optional(),
});
const ComputeBody = z.object({
  period: PeriodText,
  enterpriseId: EnterpriseId.optional(),
  /** The enterprise that accounts for park-level gas boilers; absent: their gas is left out. */
  parkAssetsEnterpriseId: EnterpriseId.optional(),
  parameterOverrides: z
    .array(ParameterOverrideSchema)
    .max(PARAMETER_IDS.length * 4)
    .default([]),
});
const ActivityBody = z.object({ rows: z.array(z.unknown()).min(1).max(MAX_ACTIVITY_ROWS) });
const EntryIdParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

function parseQuery<S extends z.ZodType>(schema: S, c: Context): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw ApiError.fromZod('invalid_query', parsed.error, 'query');
  return parsed.data;
}

async function parseBody<S extends z.ZodType>(schema: S, c: Context): Promise<z.output<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch (e) {
    throw new ApiError(400, 'invalid_json', `body is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw ApiError.fromZod('invalid_body', parsed.error, 'body');
  return parsed.data;
}

const periodOf = (id: string): LedgerPeriod => parseLedgerPeriod(id) as LedgerPeriod;

function requireEnterprise(park: Park, enterpriseId: string | undefined): void {
  if (enterpriseId !== undefined && !park.enterprises.some((e) => e.id === enterpriseId))
    throw new ApiError(404, 'enterprise_not_found', `no enterprise '${enterpriseId}' in park '${park.id}'`);
}

/** JSON with object keys sorted: jsonb does not keep key order, so results compare by this. */
const canonicalJson = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );

/** The engine's rejection of an input (unknown factor, unit mismatch …) as a 400 with its path. */
export function engineError(err: unknown): never {
  if (err instanceof CarbonInputError)
    throw new ApiError(400, `carbon_${err.code}`, err.message, [{ path: ['activity', ...err.path].join('.'), message: err.message }]);
  throw err;
}

/**
 * The carbon API under `/api/carbon/…`: the engine's parameter defaults and factor library;
 * per park, manual activity items (validated row by row), the metered activity, and the
 * month/quarter/year ledgers (compute appends an entry; reads give the latest, or an older one by
 * id or as of a time; reproduce reruns an entry's stored input).
 *
 * @example
 * registerCarbonRoutes(app, { park: (id) => requirePark(id).index.park, sql: () => store.sql, now: Date.now })
 * @see ../carbon/ledger/index.ts
 */
export function registerCarbonRoutes(app: SecuredApp, deps: CarbonRouteDeps): void {
  app.get('/api/carbon/parameters', (c) => c.json({ parameters: Object.values(DEFAULT_PARAMETERS) }));

  app.get('/api/carbon/factors', (c) => c.json({ datasets: createFactorLibrary().datasets }));

  app.get('/api/carbon/parks/:parkId/activity', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    const q = parseQuery(PeriodQuery, c);
    requireEnterprise(park, q.enterpriseId);
    const period = periodOf(q.period);
    const items = await listManualItems(deps.sql(), park.id, { from: period.from, to: period.to, ...(q.enterpriseId ? { enterpriseId: q.enterpriseId } : {}) });
    const see = maySee(c);
    return c.json({ parkId: park.id, period: period.id, items: items.filter((i) => see(i.enterpriseId)) });
  });

  app.post('/api/carbon/parks/:parkId/activity', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    const body = await parseBody(ActivityBody, c);
    const { items, errors } = validateManualRows(park, body.rows, mayWriteFor(c, park.id));
    const stored = await insertManualItems(
      deps.sql(),
      park.id,
      items.map((i) => i.item),
      deps.now(),
    );
    auditCertificates(deps, c, park.id, stored);
    if (errors.length > 0) {
      const rejected = new Set(errors.map((e) => Number(e.path.split('.')[1]))).size;
      throw new ApiError(
        400,
        'invalid_rows',
        `${rejected} of ${body.rows.length} rows rejected; the other ${stored.length} were stored${stored.length ? ` (ids ${stored.map((s) => s.id).join(', ')})` : ''}`,
        errors,
      );
    }
    return c.json({ parkId: park.id, stored }, 201);
  });

  app.get('/api/carbon/parks/:parkId/activity/metered', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    const q = parseQuery(PeriodQuery, c);
    requireEnterprise(park, q.enterpriseId);
    const period = periodOf(q.period);
    const all = await meteredActivity(deps.sql(), park, period);
    const see = maySee(c);
    return c.json({
      parkId: park.id,
      period: period.id,
      enterprises: all.filter((e) => (q.enterpriseId === undefined || e.enterpriseId === q.enterpriseId) && see(e.enterpriseId)),
    });
  });

  app.get('/api/carbon/parks/:parkId/ledger', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    const q = parseQuery(LedgerQuery, c);
    requireEnterprise(park, q.enterpriseId);
    const entry =
      q.entryId !== undefined
        ? await ledgerEntryById(deps.sql(), park.id, q.entryId)
        : await latestLedgerEntry(deps.sql(), park.id, {
            period: q.period,
            ...(q.enterpriseId ? { enterpriseId: q.enterpriseId } : {}),
            ...(q.at ? { atMs: Date.parse(q.at) } : {}),
          });
    if (!entry || entry.period !== q.period || (entry.enterpriseId ?? undefined) !== q.enterpriseId) {
      const what = q.entryId !== undefined ? `entry ${q.entryId} of ` : '';
      throw new ApiError(
        404,
        'ledger_entry_not_found',
        `no ledger ${what}period ${q.period}${q.enterpriseId ? ` of enterprise ${q.enterpriseId}` : ''}${q.at ? ` as of ${q.at}` : ''}`,
      );
    }
    return c.json(c.get('mask') === 'none' || entry.enterpriseId !== null ? entry : aggregateView(entry));
  });

  app.get('/api/carbon/parks/:parkId/ledger/entries', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    const q = parseQuery(PeriodQuery, c);
    requireEnterprise(park, q.enterpriseId);
    const entries = await listLedgerEntries(deps.sql(), park.id, { period: q.period, ...(q.enterpriseId ? { enterpriseId: q.enterpriseId } : {}) });
    return c.json({
      parkId: park.id,
      period: q.period,
      entries: c.get('mask') === 'none' ? entries : entries.filter((e) => e.enterpriseId === null || maySee(c)(e.enterpriseId)),
    });
  });

  app.post('/api/carbon/parks/:parkId/ledger/compute', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    const body = await parseBody(ComputeBody, c);
    requireEnterprise(park, body.enterpriseId);
    requireEnterprise(park, body.parkAssetsEnterpriseId);
    const entry = await computeLedger(deps.sql(), park, periodOf(body.period), {
      nowMs: deps.now(),
      parameterOverrides: body.parameterOverrides,
      ...(body.enterpriseId ? { enterpriseId: body.enterpriseId } : {}),
      ...(body.parkAssetsEnterpriseId ? { parkAssetsEnterpriseId: body.parkAssetsEnterpriseId } : {}),
    }).catch(engineError);
    return c.json(entry, 201);
  });

  app.post('/api/carbon/parks/:parkId/ledger/entries/:entryId/reproduce', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    const id = EntryIdParam.safeParse(c.req.param('entryId'));
    if (!id.success) throw ApiError.fromZod('invalid_entry_id', id.error, 'path');
    const entry = await ledgerEntryById(deps.sql(), park.id, id.data);
    if (!entry) throw new ApiError(404, 'ledger_entry_not_found', `no ledger entry ${id.data} in park '${park.id}'`);
    let result: ReturnType<typeof reproduceLedgerEntry>;
    try {
      result = reproduceLedgerEntry(entry);
    } catch (err) {
      engineError(err);
    }
    return c.json({ entryId: entry.id, identical: canonicalJson(result) === canonicalJson(entry.result), result });
  });
}

/** Certificate rows stored: certificate operations go to the audit trail (issue 7). */
export function auditCertificates(deps: CarbonRouteDeps, c: ApiContext, parkId: string, stored: readonly ManualItemRow[]): void {
  for (const s of stored) {
    if (s.record.type !== 'certificate') continue;
    void deps.audit
      ?.append({
        event: 'certificate',
        outcome: 'succeeded',
        principal: c.get('principal'),
        parkId,
        enterpriseId: s.enterpriseId,
        resource: `${c.req.method} ${c.req.path}`,
        detail: { certificateId: s.record.certificate.id, manualItemId: s.id },
      })
      .catch(() => {});
  }
}

/**
 * A park ledger entry as an enterprise-scoped principal or an executive may see it: the park's
 * totals and indicators, no enterprise breakdown, no inputs, no lineage (SECURITY.md "Masking").
 */
export function aggregateView(entry: LedgerEntry) {
  const r = entry.result;
  return {
    id: entry.id,
    parkId: entry.parkId,
    period: entry.period,
    enterpriseId: null,
    computedAt: entry.computedAt,
    masked: true,
    result: {
      period: r.period,
      emissionsT: r.parkMethod.E_park.value,
      energyTce: r.energy.total.value,
      indicators: { core: { ...r.indicators.core, intensity: r.indicators.core.intensity?.value } },
    },
  };
}
