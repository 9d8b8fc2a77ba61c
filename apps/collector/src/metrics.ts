import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * The collector's Prometheus metrics, registered on the registry the caller injects (one per
 * collector: prom-client refuses a second metric of the same name on a registry).
 */
export function createCollectorMetrics(registry: Registry) {
  const registers = [registry];
  return {
    readings: new Counter({
      name: 'zcp_collector_readings_total',
      help: 'Readings received from adapters, by adapter and quality',
      labelNames: ['adapter', 'quality'] as const,
      registers,
    }),
    readingsRejected: new Counter({
      name: 'zcp_collector_readings_rejected_total',
      help: 'Readings not published because they do not fit the park model, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    readingsFlagged: new Counter({
      name: 'zcp_collector_readings_flagged_total',
      help: 'Readings marked uncertain/bad by the per-point sanity checks (kept, not dropped), by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    batchesPublished: new Counter({ name: 'zcp_collector_batches_published_total', help: 'Telemetry batches acknowledged by the bus', registers }),
    publishErrors: new Counter({ name: 'zcp_collector_publish_errors_total', help: 'Failed publish attempts (each is retried)', registers }),
    batchesDropped: new Counter({
      name: 'zcp_collector_batches_dropped_total',
      help: 'Batches given up: retry queue overflow or undelivered at shutdown',
      labelNames: ['reason'] as const,
      registers,
    }),
    publishQueue: new Gauge({ name: 'zcp_collector_publish_queue_batches', help: 'Batches waiting to be published or retried', registers }),
    pollDuration: new Histogram({
      name: 'zcp_collector_poll_duration_seconds',
      help: 'Duration of one acquisition cycle of an adapter',
      labelNames: ['adapter'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    adapterConnected: new Gauge({
      name: 'zcp_collector_adapter_connected',
      help: '1 while an adapter is connected to its devices',
      labelNames: ['adapter'] as const,
      registers,
    }),
  };
}

export type CollectorMetrics = ReturnType<typeof createCollectorMetrics>;
