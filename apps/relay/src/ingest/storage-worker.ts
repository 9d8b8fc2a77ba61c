import type { Bus, Consumer, DurableMessage } from '@zcp/bus';
import { decodeTelemetryBatch, type Park, type Reading, readingsOf, storageConsumer, telemetryStream } from '@zcp/model';
import type { Logger } from 'pino';
import type { RelayMetrics } from '../observability/metrics.js';
import type { ReadingStore } from '../storage/reading-store.js';
import type { StorageGate } from './storage-gate.js';

export interface StorageWorkerOptions {
  park: Park;
  bus: Bus;
  store: ReadingStore;
  logger: Logger;
  metrics: RelayMetrics;
  /** Flush size: most messages committed in one transaction. */
  batchMessages: number;
  /** Flush time: longest wait for a batch to fill. */
  maxWaitMs: number;
  /** Pullers sharing the durable in this relay (each with its own database connection). */
  workers: number;
  gate: StorageGate;
  /**
   * Raw retention: a reading older than this is not stored (its day would be dropped at the
   * next maintenance, and re-rolling it would rebuild an hour whose minutes are gone); it is
   * counted and logged instead. Undefined: no limit.
   */
  retentionDays?: number;
  now?: () => number;
}

/**
 * Moves one park's telemetry from its durable JetStream consumer into the database: `workers`
 * pullers per relay, all relays sharing the one durable (work queue: adding relays adds
 * throughput). A whole pulled batch is committed in one transaction and acked only after the
 * commit (the bus acks when the handler resolves), so a crash at any point redelivers, and
 * the store's (point_id, ts) idempotence turns the redelivery into a no-op. A failed commit
 * pauses every puller through the gate until the database answers again.
 */
export async function startStorageWorkers(o: StorageWorkerOptions): Promise<Consumer[]> {
  const stream = telemetryStream(o.park.id);
  await o.bus.ensureStream(stream);
  const pointAsset = new Map(o.park.points.map((p) => [p.id, p.assetId]));
  const log = o.logger.child({ component: 'storage-worker', parkId: o.park.id });
  const now = o.now ?? Date.now;
  const consumers: Consumer[] = [];
  for (let i = 0; i < o.workers; i++) {
    const c = await o.bus.consume({ stream: stream.name, durable: storageConsumer(o.park.id), batchSize: o.batchMessages, maxWaitMs: o.maxWaitMs }, handle);
    o.gate.add(c);
    consumers.push(c);
  }
  return consumers;

  async function handle(messages: DurableMessage[]): Promise<void> {
    const readings: Reading[] = [];
    const oldestMs = o.retentionDays === undefined ? Number.NEGATIVE_INFINITY : now() - o.retentionDays * 86_400_000;
    let tooOld = 0;
    for (const msg of messages) {
      o.metrics.messagesConsumed.inc();
      const decoded = decodeTelemetryBatch(msg.data);
      if (!decoded.ok) {
        o.metrics.messagesRejected.inc({ reason: 'invalid' });
        log.error({ subject: msg.subject, seq: msg.seq, reason: decoded.error }, 'telemetry message rejected: not a valid batch');
        continue;
      }
      const batch = decoded.value;
      for (const r of readingsOf(batch)) {
        const owner = pointAsset.get(r.pointId);
        if (owner === undefined) {
          o.metrics.readingsRejected.inc({ reason: 'unknown_point' });
          log.error({ device: batch.assetId, point: r.pointId, batchId: batch.batchId }, 'reading rejected: point not in the park model');
          continue;
        }
        if (!Number.isFinite(r.value)) {
          o.metrics.readingsRejected.inc({ reason: 'not_finite' });
          log.error({ device: batch.assetId, point: r.pointId, batchId: batch.batchId }, 'reading rejected: value is not a finite number');
          continue;
        }
        if (r.ts < oldestMs) {
          if (tooOld++ === 0)
            log.warn(
              { device: batch.assetId, point: r.pointId, batchId: batch.batchId, ts: new Date(r.ts).toISOString(), retentionDays: o.retentionDays },
              'readings rejected: older than the raw retention (first of this batch shown)',
            );
          continue;
        }
        readings.push(r);
      }
    }
    if (tooOld > 0) o.metrics.readingsRejected.inc({ reason: 'beyond_retention' }, tooOld);
    if (readings.length === 0) return;
    const end = o.metrics.commitSeconds.startTimer();
    try {
      const { inserted } = await o.store.insertReadings(readings);
      o.metrics.readingsStored.inc(inserted);
      o.metrics.readingsDuplicate.inc(readings.length - inserted);
    } catch (err) {
      o.metrics.storeErrors.inc();
      log.warn({ err: err instanceof Error ? err.message : String(err), messages: messages.length }, 'storage transaction failed; batch will be redelivered');
      o.gate.failed(err);
      throw err;
    } finally {
      end();
    }
    const committedAt = now();
    for (const msg of messages) o.metrics.ingestLatencySeconds.observe(Math.max(0, committedAt - msg.storedAtMs) / 1000);
  }
}
