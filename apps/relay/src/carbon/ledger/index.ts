/*
 * Periodic carbon ledgers (issue 5): month/quarter/year accounting of a park or an enterprise from
 * metered electricity (rollups) and stored manual items, appended with their inputs so every
 * result stays reproducible. The contract suite (ledger-contract.ts) imports vitest and is not
 * exported here.
 */
export { buildLedgerInput, computeLedger, type LedgerInputOptions, recomputeLedger, reproduceLedgerEntry } from './compute-ledger.js';
export {
  insertManualItems,
  type LedgerEntry,
  type LedgerEntryQuery,
  type LedgerEntrySummary,
  type LedgerInput,
  latestLedgerEntry,
  ledgerEntryById,
  listLedgerEntries,
  listManualItems,
  type ManualItemRow,
  type ManualRecord,
  type NewManualItem,
  retiredCertificateIds,
} from './ledger-store.js';
export { type RowError, validateManualRows } from './manual-items.js';
export { type MeteredActivityOptions, type MeteredEnterpriseActivity, meteredActivity, whToKwhText } from './metered-activity.js';
export { type LedgerPeriod, monthRangeMs, parseLedgerPeriod } from './periods.js';
