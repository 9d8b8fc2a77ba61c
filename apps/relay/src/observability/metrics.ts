import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The relay's Prometheus metrics, on a registry of its own (tests run several relays). */
export function createRelayMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'zcp_relay_' });
  return {
    registry,
    messagesConsumed: new Counter({
      name: 'zcp_relay_messages_consumed_total',
      help: 'Telemetry messages taken from the durable consumer',
      registers: [registry],
    }),
    messagesRejected: new Counter({
      name: 'zcp_relay_messages_rejected_total',
      help: 'Telemetry messages that failed to decode or validate',
      labelNames: ['reason'],
      registers: [registry],
    }),
    readingsStored: new Counter({
      name: 'zcp_relay_readings_stored_total',
      help: 'Readings committed to the database (duplicates excluded)',
      registers: [registry],
    }),
    readingsDuplicate: new Counter({
      name: 'zcp_relay_readings_duplicate_total',
      help: 'Readings skipped as already stored (redelivery)',
      registers: [registry],
    }),
    readingsRejected: new Counter({
      name: 'zcp_relay_readings_rejected_total',
      help: 'Readings not stored, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    storeErrors: new Counter({ name: 'zcp_relay_store_errors_total', help: 'Failed storage transactions (batch redelivered)', registers: [registry] }),
    commitSeconds: new Histogram({
      name: 'zcp_relay_commit_seconds',
      help: 'Storage transaction duration',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    ingestLatencySeconds: new Histogram({
      name: 'zcp_relay_ingest_latency_seconds',
      help: 'Publish → commit: from when JetStream stored a telemetry message to the commit of its readings',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60],
      registers: [registry],
    }),
    storagePaused: new Gauge({
      name: 'zcp_relay_storage_paused',
      help: '1 while the storage workers have stopped pulling because the database is failing (backpressure)',
      registers: [registry],
    }),
    partitionsDropped: new Counter({ name: 'zcp_relay_partitions_dropped_total', help: 'Partitions dropped by retention', registers: [registry] }),
    socketClients: new Gauge({ name: 'zcp_relay_socket_clients', help: 'Connected socket.io clients', registers: [registry] }),
    deltasSent: new Counter({ name: 'zcp_relay_deltas_sent_total', help: 'Coalesced state deltas emitted to park rooms', registers: [registry] }),
    httpRequests: new Counter({
      name: 'zcp_relay_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
  };
}

export type RelayMetrics = ReturnType<typeof createRelayMetrics>;
