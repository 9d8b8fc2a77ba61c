/*
 * Rollups at 1 minute, 1 hour and 1 day, kept up to date from the pending minutes the
 * storage writer marks, and the reads over them (history by resolution, energy windows).
 * The contract suite (rollup-contract.ts) imports vitest and is not exported here.
 */
export { planSources, type SourceSpan } from './resolution.js';
export { type EnergyQuery, type EnergyRow, energyIncreases, type HistoryQuery, historyFromRollups, readHorizonMs } from './rollup-queries.js';
export { type RollupRound, type RollupRoundOptions, type RollupWorker, type RollupWorkerOptions, rollupOnce, startRollupWorker } from './rollup-worker.js';
export { ROLLUP_TABLES, type RollupTable } from './tables.js';
