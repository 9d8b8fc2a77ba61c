import type { ActivityItem, CarbonActivityInputRaw, Certificate, ParkCarbonResult } from '@zcp/model';
import type { SqlClient } from '../../storage/sql-client.js';
import type { LedgerPeriod } from './periods.js';

/** A stored manual figure or certificate (carbon_manual_items). */
export type ManualRecord = { type: 'activity'; item: ActivityItem } | { type: 'certificate'; certificate: Certificate };

export interface ManualItemRow {
  id: number;
  parkId: string;
  enterpriseId: string;
  month: string;
  record: ManualRecord;
  source: string;
  createdAt: string;
}

export interface NewManualItem {
  enterpriseId: string;
  month: string;
  record: ManualRecord;
}

/** What a computation ran on: the activity document (parameter overrides included) and the engine options. */
export interface LedgerInput {
  activity: CarbonActivityInputRaw;
  previouslyRetiredCertificateIds: string[];
}

/** One computation of a period, as stored (carbon_ledger_entries). */
export interface LedgerEntry {
  id: number;
  parkId: string;
  periodKind: LedgerPeriod['kind'];
  period: string;
  periodFrom: string;
  periodTo: string;
  scope: 'park' | 'enterprise';
  enterpriseId: string | null;
  result: ParkCarbonResult;
  /** The exact engine input: `reproduceLedgerEntry` reruns it. */
  input: LedgerInput;
  /** Parameter id → version and value used. */
  parameterVersions: Record<string, { version: string; value: string; overridden: boolean }>;
  /** Factor datasets `id@version`. */
  factorVersions: string[];
  valid: boolean;
  /** ISO 8601. */
  computedAt: string;
}

/** An entry without its result and input, for listings. */
export type LedgerEntrySummary = Omit<LedgerEntry, 'result' | 'input'>;

// JSON comes back parsed from both drivers; text is tolerated in case a driver leaves it as is.
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const iso = (ms: number): string => new Date(ms).toISOString();

interface ManualSqlRow {
  id: number;
  park_id: string;
  enterprise_id: string;
  month: string;
  record_type: 'activity' | 'certificate';
  record: unknown;
  source: string;
  created_ms: number;
}
const MANUAL_COLUMNS = `id::float8 as id, park_id, enterprise_id, month, record_type, record, source, date_part('epoch', created_at) * 1000 as created_ms`;
const toManual = (r: ManualSqlRow): ManualItemRow => ({
  id: r.id,
  parkId: r.park_id,
  enterpriseId: r.enterprise_id,
  month: r.month,
  record: r.record_type === 'activity' ? { type: 'activity', item: json(r.record) } : { type: 'certificate', certificate: json(r.record) },
  source: r.source,
  createdAt: iso(r.created_ms),
});

/** Stores validated manual items in one transaction; returns them with their ids, in order. */
export async function insertManualItems(sql: SqlClient, parkId: string, items: readonly NewManualItem[], nowMs: number): Promise<ManualItemRow[]> {
  if (items.length === 0) return [];
  return sql.transaction(async (tx) => {
    const out: ManualItemRow[] = [];
    for (const it of items) {
      const body = it.record.type === 'activity' ? it.record.item : it.record.certificate;
      const [row] = await tx.query<ManualSqlRow>(
        `insert into carbon_manual_items (park_id, enterprise_id, month, record_type, record, source, created_at)
         values ($1, $2, $3, $4, $5::jsonb, $6, $7::timestamptz) returning ${MANUAL_COLUMNS}`,
        [parkId, it.enterpriseId, it.month, it.record.type, JSON.stringify(body), body.source.note, iso(nowMs)],
      );
      out.push(toManual(row as ManualSqlRow));
    }
    return out;
  });
}

/** Manual items of a park whose month lies in `from..to` (inclusive), optionally of one enterprise, oldest first. */
export async function listManualItems(sql: SqlClient, parkId: string, q: { from: string; to: string; enterpriseId?: string }): Promise<ManualItemRow[]> {
  const rows = await sql.query<ManualSqlRow>(
    `select ${MANUAL_COLUMNS} from carbon_manual_items
     where park_id = $1 and month >= $2 and month <= $3 and ($4::text is null or enterprise_id = $4::text)
     order by month, id`,
    [parkId, q.from, q.to, q.enterpriseId ?? null],
  );
  return rows.map(toManual);
}

interface EntrySqlRow {
  id: number;
  park_id: string;
  period_kind: LedgerEntry['periodKind'];
  period: string;
  period_from: string;
  period_to: string;
  scope: LedgerEntry['scope'];
  enterprise_id: string | null;
  result?: unknown;
  input?: unknown;
  parameter_versions: unknown;
  factor_versions: unknown;
  valid: boolean;
  computed_ms: number;
}
const SUMMARY_COLUMNS = `id::float8 as id, park_id, period_kind, period, period_from, period_to, scope, enterprise_id, parameter_versions, factor_versions, valid, date_part('epoch', computed_at) * 1000 as computed_ms`;
const toSummary = (r: EntrySqlRow): LedgerEntrySummary => ({
  id: r.id,
  parkId: r.park_id,
  periodKind: r.period_kind,
  period: r.period,
  periodFrom: r.period_from,
  periodTo: r.period_to,
  scope: r.scope,
  enterpriseId: r.enterprise_id,
  parameterVersions: json(r.parameter_versions),
  factorVersions: json(r.factor_versions),
  valid: r.valid,
  computedAt: iso(r.computed_ms),
});
const toEntry = (r: EntrySqlRow): LedgerEntry => ({ ...toSummary(r), result: json(r.result), input: json(r.input) });

export type NewLedgerEntry = Omit<LedgerEntry, 'id' | 'computedAt'> & { computedAtMs: number };

/** Appends an entry (entries are never updated or deleted). */
export async function insertLedgerEntry(sql: SqlClient, e: NewLedgerEntry): Promise<LedgerEntry> {
  const [row] = await sql.query<EntrySqlRow>(
    `insert into carbon_ledger_entries (park_id, period_kind, period, period_from, period_to, scope, enterprise_id, result, input, parameter_versions, factor_versions, valid, computed_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11::jsonb, $12, $13::timestamptz)
     returning ${SUMMARY_COLUMNS}, result, input`,
    [
      e.parkId,
      e.periodKind,
      e.period,
      e.periodFrom,
      e.periodTo,
      e.scope,
      e.enterpriseId,
      JSON.stringify(e.result),
      JSON.stringify(e.input),
      JSON.stringify(e.parameterVersions),
      JSON.stringify(e.factorVersions),
      e.valid,
      iso(e.computedAtMs),
    ],
  );
  return toEntry(row as EntrySqlRow);
}

export interface LedgerEntryQuery {
  period: string;
  /** Absent: the park-scope entries. */
  enterpriseId?: string;
  /** Only entries computed at or before this time (epoch ms): the ledger as it stood then. */
  atMs?: number;
}

const scopeFilter = `period = $2 and ($3::text is null and scope = 'park' or scope = 'enterprise' and enterprise_id = $3::text)
  and ($4::timestamptz is null or computed_at <= $4::timestamptz)`;
const scopeParams = (parkId: string, q: LedgerEntryQuery): unknown[] => [parkId, q.period, q.enterpriseId ?? null, q.atMs === undefined ? null : iso(q.atMs)];

/** The current entry of a period: the latest by computed_at (then id), optionally as of `atMs`. */
export async function latestLedgerEntry(sql: SqlClient, parkId: string, q: LedgerEntryQuery): Promise<LedgerEntry | undefined> {
  const [row] = await sql.query<EntrySqlRow>(
    `select ${SUMMARY_COLUMNS}, result, input from carbon_ledger_entries where park_id = $1 and ${scopeFilter} order by computed_at desc, id desc limit 1`,
    scopeParams(parkId, q),
  );
  return row ? toEntry(row) : undefined;
}

/** Every entry of a period, newest first, without results and inputs. */
export async function listLedgerEntries(sql: SqlClient, parkId: string, q: LedgerEntryQuery): Promise<LedgerEntrySummary[]> {
  const rows = await sql.query<EntrySqlRow>(
    `select ${SUMMARY_COLUMNS} from carbon_ledger_entries where park_id = $1 and ${scopeFilter} order by computed_at desc, id desc`,
    scopeParams(parkId, q),
  );
  return rows.map(toSummary);
}

/** One entry by id, of the given park. */
export async function ledgerEntryById(sql: SqlClient, parkId: string, id: number): Promise<LedgerEntry | undefined> {
  const [row] = await sql.query<EntrySqlRow>(`select ${SUMMARY_COLUMNS}, result, input from carbon_ledger_entries where park_id = $1 and id = $2`, [
    parkId,
    id,
  ]);
  return row ? toEntry(row) : undefined;
}

/**
 * Certificate ids applied by the park's current park-scope entries of periods that end before
 * `beforeMonth` (CARB-CERT-1: a certificate retires once).
 */
export async function retiredCertificateIds(sql: SqlClient, parkId: string, beforeMonth: string): Promise<string[]> {
  const rows = await sql.query<{ result: unknown }>(
    `select distinct on (period) result from carbon_ledger_entries
     where park_id = $1 and scope = 'park' and period_to < $2
     order by period, computed_at desc, id desc`,
    [parkId, beforeMonth],
  );
  const ids = new Set<string>();
  for (const r of rows) for (const a of json<ParkCarbonResult>(r.result).certificates.applied) for (const id of a.certificateIds) ids.add(id);
  return [...ids].sort();
}
