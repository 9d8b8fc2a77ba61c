export {
  createDiskSpool,
  DEFAULT_SPOOL_MAX_BYTES,
  type DiskSpool,
  type DiskSpoolOptions,
  type SpoolEntry,
  type SpoolFsyncPolicy,
  type SpoolRecord,
} from './disk-spool.js';
export { createSpoolMetrics, type SpoolMetrics } from './spool-metrics.js';
export { DEFAULT_REPLAY_WINDOW, type SpoolReplayer, type SpoolReplayerOptions, startSpoolReplayer } from './spool-replayer.js';
