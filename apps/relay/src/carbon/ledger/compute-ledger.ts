import {
  type ActivityItem,
  type CarbonActivityInputRaw,
  type Certificate,
  computeParkCarbon,
  type ParameterOverride,
  type Park,
  type ParkCarbonResult,
} from '@zcp/model';
import type { SqlClient } from '../../storage/sql-client.js';
import { insertLedgerEntry, type LedgerEntry, type LedgerInput, listManualItems, retiredCertificateIds } from './ledger-store.js';
import { type MeteredActivityOptions, meteredActivity } from './metered-activity.js';
import type { LedgerPeriod } from './periods.js';

export interface LedgerInputOptions extends MeteredActivityOptions {
  /** Compute one enterprise alone (its items and certificates); absent: the whole park. */
  enterpriseId?: string;
  /** Per-run parameter overrides; stored in the input, so the entry reproduces with them. */
  parameterOverrides?: readonly ParameterOverride[];
}

/**
 * The activity document of a period: every enterprise's metered electricity (rollups) plus its
 * stored manual items, the certificates stored for the period's months, the overrides, and the
 * certificates already retired by earlier periods' current entries (CARB-CERT-1).
 */
export async function buildLedgerInput(sql: SqlClient, park: Park, period: LedgerPeriod, options: LedgerInputOptions = {}): Promise<LedgerInput> {
  const metered = await meteredActivity(sql, park, period, options);
  const manual = await listManualItems(sql, park.id, {
    from: period.from,
    to: period.to,
    ...(options.enterpriseId ? { enterpriseId: options.enterpriseId } : {}),
  });
  const manualItems = new Map<string, ActivityItem[]>();
  const certificates: Certificate[] = [];
  for (const row of manual) {
    if (row.record.type === 'certificate') {
      certificates.push(row.record.certificate);
      continue;
    }
    const item: ActivityItem = { ...row.record.item, id: row.record.item.id ?? `manual:${row.id}`, month: row.month };
    const list = manualItems.get(row.enterpriseId);
    if (list) list.push(item);
    else manualItems.set(row.enterpriseId, [item]);
  }
  const enterprises = park.enterprises
    .filter((e) => options.enterpriseId === undefined || e.id === options.enterpriseId)
    .map((e) => ({
      id: e.id,
      activities: [...(metered.find((m) => m.enterpriseId === e.id)?.activities ?? []), ...(manualItems.get(e.id) ?? [])],
    }));
  const activity: CarbonActivityInputRaw = {
    schema: 'zcp.carbon.activity/v1',
    park: { id: park.id },
    period: { from: period.from, to: period.to },
    enterprises,
    certificates,
    parameters: (options.parameterOverrides ?? []).map((o) => ({ ...o, value: String(o.value) })),
  };
  return { activity, previouslyRetiredCertificateIds: await retiredCertificateIds(sql, park.id, period.from) };
}

/** Runs the engine on a stored input: the same input gives the same result, whatever changed since. */
export function reproduceLedgerEntry(entry: Pick<LedgerEntry, 'input'>): ParkCarbonResult {
  return computeParkCarbon(entry.input.activity, { previouslyRetiredCertificateIds: entry.input.previouslyRetiredCertificateIds });
}

/**
 * Computes a period's ledger from its current activity data and appends it as a new entry with
 * its input and the parameter and factor versions used. Earlier entries of the period stay as
 * they were: recomputing after a factor or data change is calling this again.
 *
 * @example
 * const entry = await computeLedger(store.sql, park, parseLedgerPeriod('2025-Q1')!, { nowMs: Date.now() })
 * entry.result.indicators.core.value
 * @throws CarbonInputError when the engine rejects the input (unknown factor, unit mismatch …)
 */
export async function computeLedger(sql: SqlClient, park: Park, period: LedgerPeriod, options: LedgerInputOptions & { nowMs: number }): Promise<LedgerEntry> {
  const input = await buildLedgerInput(sql, park, period, options);
  const result = reproduceLedgerEntry({ input });
  return insertLedgerEntry(sql, {
    parkId: park.id,
    periodKind: period.kind,
    period: period.id,
    periodFrom: period.from,
    periodTo: period.to,
    scope: options.enterpriseId === undefined ? 'park' : 'enterprise',
    enterpriseId: options.enterpriseId ?? null,
    result,
    input,
    parameterVersions: Object.fromEntries(result.parameters.map((p) => [p.id, { version: p.version, value: p.value, overridden: p.overridden }])),
    factorVersions: result.factorDatasets.map((d) => `${d.id}@${d.version}`),
    valid: result.valid,
    computedAtMs: options.nowMs,
  });
}

/** Alias that reads as what it is for: compute the period again (e.g. after a factor version changed). */
export const recomputeLedger = computeLedger;
