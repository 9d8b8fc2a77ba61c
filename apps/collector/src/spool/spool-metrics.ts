import { Counter, Gauge, type Registry } from 'prom-client';

/** Spool metrics, on the collector's registry. */
export function createSpoolMetrics(registry: Registry) {
  const registers = [registry];
  return {
    batches: new Gauge({ name: 'zcp_collector_spool_batches', help: 'Telemetry batches waiting in the on-disk spool', registers }),
    bytes: new Gauge({ name: 'zcp_collector_spool_bytes', help: 'Bytes of the on-disk spool', registers }),
    spooled: new Counter({
      name: 'zcp_collector_spool_batches_written_total',
      help: 'Batches written to the spool (bus down or behind spooled ones)',
      registers,
    }),
    replayed: new Counter({ name: 'zcp_collector_spool_batches_replayed_total', help: 'Spooled batches published and removed from disk', registers }),
    droppedBatches: new Counter({
      name: 'zcp_collector_spool_dropped_batches_total',
      help: 'Batches dropped because the spool was full (oldest first)',
      registers,
    }),
    droppedReadings: new Counter({ name: 'zcp_collector_spool_dropped_readings_total', help: 'Readings in batches dropped from a full spool', registers }),
  };
}
export type SpoolMetrics = ReturnType<typeof createSpoolMetrics>;
