import type { Bus } from '@zcp/bus';
import {
  createSanityChecker,
  defaultPointLimits,
  encodeTelemetryBatch,
  type Park,
  type PointLimits,
  type Reading,
  subjects,
  telemetryBatch,
  telemetryStream,
} from '@zcp/model';
import { Registry } from 'prom-client';
import type { AdapterStatus, ProtocolAdapter, ReadingMeta, WriteResult } from './adapters/adapter.js';
import type { BackoffOptions } from './adapters/backoff.js';
import { CollectorError, errorInfo, toCollectorError } from './errors.js';
import type { Logger } from './logger.js';
import { type CollectorMetrics, createCollectorMetrics } from './metrics.js';
import { createPublisher } from './publish/publisher.js';
import { createDiskSpool, createSpoolMetrics, DEFAULT_SPOOL_MAX_BYTES, type SpoolFsyncPolicy, type SpoolReplayer, startSpoolReplayer } from './spool/index.js';
import { type Clock, type Random, systemClock, systemRandom } from './system.js';

export const DEFAULT_COLLECTOR_SOURCE = 'collector';
export const DEFAULT_DRAIN_TIMEOUT_MS = 5000;

export interface CollectorOptions {
  park: Park;
  bus: Bus;
  logger: Logger;
  adapters: readonly ProtocolAdapter[];
  /** Collector instance name, in every batch's `source` and id. Default 'collector'. */
  source?: string;
  /** Registry to register the metrics on. Default: a private one (see `metrics`). */
  metrics?: Registry;
  clock?: Clock;
  random?: Random;
  /** Publishes in flight at once. Default 8. */
  publishConcurrency?: number;
  /** Bound of the in-memory retry queue, in batches. */
  maxQueuedBatches?: number;
  publishRetry?: BackoffOptions;
  /** On stop, how long to keep trying to deliver queued batches. Default 5 s. */
  drainTimeoutMs?: number;
  /** Create the park's telemetry stream at start (idempotent, same spec as the relay). Default true. */
  ensureStream?: boolean;
  /**
   * Spool batches to disk while the bus is unreachable and replay them in order when it is
   * back (see README "Spool"). Without it, the bounded in-memory retry queue is all there is.
   */
  spool?: { dir: string; maxBytes?: number; fsync?: SpoolFsyncPolicy };
  /**
   * Per-point plausibility limits (range, rate of change, monotonic counters). Implausible
   * readings are marked uncertain/bad and counted, never dropped. Default: derived from the
   * park's asset ratings (`defaultPointLimits`); `false` switches the checks off.
   */
  pointLimits?: ReadonlyMap<number, PointLimits> | false;
}

export interface CollectorStats {
  /** Unique per start of this collector: part of every batch id. */
  runId: string;
  readingsReceived: number;
  readingsRejected: number;
  batchesEnqueued: number;
  batchesPublished: number;
  publishErrors: number;
  batchesDropped: number;
  /** Batches queued, awaiting retry, or in flight. */
  queueDepth: number;
  /** On-disk spool: batches waiting (incl. writes in progress), written, replayed, dropped when full. */
  spool?: { pending: number; bytes: number; spooled: number; replayed: number; dropped: number; droppedReadings: number };
  adapters: AdapterStatus[];
}

export interface Collector {
  readonly registry: Registry;
  readonly metrics: CollectorMetrics;
  start(): Promise<void>;
  /** Stops the adapters, then drains the publish queue (bounded by drainTimeoutMs). */
  stop(): Promise<void>;
  stats(): CollectorStats;
  /** Routes a setpoint to the adapter that serves the point. */
  write(pointId: number, value: number): Promise<WriteResult>;
}

/** Batch ids need a run id unique across restarts: start time plus a random suffix. */
function makeRunId(clock: Clock, random: Random): string {
  const suffix = Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${Math.round(clock()).toString(36)}${suffix}`;
}

/**
 * The collector: starts its protocol adapters and publishes what they read, one
 * TelemetryBatch per asset delivery, to `park.{parkId}.telemetry.{assetId}` with
 * msgId = batchId = `${source}:${runId}:${assetId}:${seq}` (unique across restarts, so the
 * bus de-duplicates only true re-sends). Publishing runs with bounded concurrency; failures
 * are logged with adapter and asset and retried from an in-memory queue.
 *
 * @example
 * const collector = createCollector({ park, bus, logger, adapters: [createModbusTcpAdapter({ host, port, registerMap })] })
 * await collector.start()
 * // …
 * await collector.stop()
 */
export function createCollector(options: CollectorOptions): Collector {
  const { park, bus, adapters } = options;
  const source = options.source ?? DEFAULT_COLLECTOR_SOURCE;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const logger = options.logger.child({ component: 'collector', source });
  const registry = options.metrics ?? new Registry();
  const metrics = createCollectorMetrics(registry);
  const ids = new Set<string>();
  for (const a of adapters) {
    if (ids.has(a.id)) throw new CollectorError('config_invalid', `two adapters share the id '${a.id}'`);
    ids.add(a.id);
  }
  const assetOfPoint = new Map(park.points.map((p) => [p.id, p.assetId]));
  const assetIds = new Set(park.assets.map((a) => a.id));
  const seqByAsset = new Map<string, number>();
  const sanity = options.pointLimits === false ? undefined : createSanityChecker(options.pointLimits ?? defaultPointLimits(park));
  const counts = { readingsReceived: 0, readingsRejected: 0, batchesEnqueued: 0, batchesPublished: 0, publishErrors: 0, batchesDropped: 0 };
  let runId = '';
  let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let stopping: Promise<void> | undefined;
  const spoolCounts = { spooled: 0, replayed: 0, dropped: 0, droppedReadings: 0 };
  const spoolMetrics = options.spool ? createSpoolMetrics(registry) : undefined;
  const spool = options.spool
    ? createDiskSpool({
        dir: options.spool.dir,
        maxBytes: options.spool.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES,
        fsync: options.spool.fsync,
        logger: logger.child({ component: 'spool' }),
        onDrop: (e) => {
          spoolCounts.dropped += e.batches;
          spoolCounts.droppedReadings += e.readings;
          spoolMetrics?.droppedBatches.inc(e.batches);
          spoolMetrics?.droppedReadings.inc(e.readings);
        },
      })
    : undefined;
  let replayer: SpoolReplayer | undefined;
  const updateSpoolGauges = () => {
    if (!spool || !spoolMetrics) return;
    spoolMetrics.batches.set(spool.pending());
    spoolMetrics.bytes.set(spool.bytes());
  };

  const publisher = createPublisher({
    bus,
    logger,
    random,
    concurrency: options.publishConcurrency,
    maxQueuedBatches: options.maxQueuedBatches,
    retry: options.publishRetry,
    spool,
    hooks: {
      spooled: () => {
        spoolCounts.spooled++;
        spoolMetrics?.spooled.inc();
        updateSpoolGauges();
        replayer?.kick();
      },
      published: () => {
        counts.batchesPublished++;
        metrics.batchesPublished.inc();
        // The hook runs while the job still counts as in flight.
        metrics.publishQueue.set(publisher.depth() - 1);
      },
      failed: () => {
        counts.publishErrors++;
        metrics.publishErrors.inc();
      },
      dropped: (_job, reason) => {
        counts.batchesDropped++;
        metrics.batchesDropped.inc({ reason });
      },
    },
  });

  const reject = (adapterId: string, assetId: string, n: number, reason: string) => {
    counts.readingsRejected += n;
    metrics.readingsRejected.inc({ reason }, n);
    logger.warn({ adapter: adapterId, assetId, readings: n, reason }, 'readings rejected');
  };

  const accept = (adapterId: string, readings: Reading[], meta: ReadingMeta): void => {
    if (state !== 'running' && state !== 'stopping') return;
    const { assetId } = meta;
    if (!assetIds.has(assetId)) {
      reject(adapterId, assetId, readings.length, 'unknown_asset');
      return;
    }
    const clean: Reading[] = [];
    let foreign = 0;
    let bad = 0;
    for (const r of readings) {
      if (assetOfPoint.get(r.pointId) !== assetId) {
        foreign++;
        continue;
      }
      // A NaN would become null in JSON and fail the whole batch downstream: keep the point, flag it.
      const ok = Number.isFinite(r.value) && Number.isInteger(r.ts) && r.ts >= 0;
      if (!ok || r.quality !== 'good') bad++;
      clean.push(ok ? r : { pointId: r.pointId, ts: Number.isInteger(r.ts) && r.ts >= 0 ? r.ts : Math.round(clock()), value: 0, quality: 'bad' });
    }
    if (foreign > 0) reject(adapterId, assetId, foreign, 'point_not_of_asset');
    if (clean.length === 0) return;
    if (sanity) {
      const checked = sanity.check(clean);
      for (const f of checked.flags) {
        metrics.readingsFlagged.inc({ reason: f.reason });
        if (clean[f.index]?.quality === 'good') bad++;
      }
      if (checked.flags.length > 0) {
        logger.debug({ adapter: adapterId, assetId, flags: checked.flags.slice(0, 10) }, 'readings marked by sanity checks');
      }
      clean.splice(0, clean.length, ...checked.readings);
    }
    counts.readingsReceived += clean.length;
    metrics.readings.inc({ adapter: adapterId, quality: 'good' }, clean.length - bad);
    if (bad > 0) metrics.readings.inc({ adapter: adapterId, quality: 'not_good' }, bad);

    const seq = (seqByAsset.get(assetId) ?? 0) + 1;
    seqByAsset.set(assetId, seq);
    const batchId = `${source}:${runId}:${assetId}:${seq}`;
    const batch = telemetryBatch({ batchId, parkId: park.id, assetId, source }, clean);
    publisher.enqueue({
      subject: subjects.telemetry(park.id, assetId),
      data: encodeTelemetryBatch(batch),
      msgId: batchId,
      assetId,
      adapterId,
      readings: clean.length,
      attempts: 0,
    });
    counts.batchesEnqueued++;
    metrics.publishQueue.set(publisher.depth());
  };

  const stopAdapters = async (list: readonly ProtocolAdapter[]) => {
    const results = await Promise.allSettled(list.map((a) => a.stop()));
    results.forEach((r, i) => {
      if (r.status === 'rejected') logger.error({ adapter: list[i]?.id, err: toCollectorError(r.reason).message }, 'adapter failed to stop');
    });
  };

  return {
    registry,
    metrics,
    async start() {
      if (state !== 'idle') throw new CollectorError('already_started', 'collector was already started');
      state = 'running';
      runId = makeRunId(clock, random);
      if (spool) {
        await spool.open();
        replayer = startSpoolReplayer({
          spool,
          bus,
          logger: logger.child({ component: 'spool' }),
          random,
          retry: options.publishRetry,
          replayed: () => {
            spoolCounts.replayed++;
            counts.batchesPublished++;
            metrics.batchesPublished.inc();
            spoolMetrics?.replayed.inc();
            updateSpoolGauges();
          },
          failed: () => {
            counts.publishErrors++;
            metrics.publishErrors.inc();
          },
        });
      }
      logger.info({ runId, park: park.id, adapters: adapters.map((a) => a.id), bus: bus.kind }, 'collector starting');
      if (options.ensureStream ?? true) {
        try {
          await bus.ensureStream(telemetryStream(park.id));
        } catch (e) {
          // Not fatal: publishes are retried until the stream (or the bus) is there.
          logger.warn({ err: toCollectorError(e).message }, 'could not ensure the telemetry stream; publishes will retry');
        }
      }
      const started: ProtocolAdapter[] = [];
      try {
        for (const adapter of adapters) {
          await adapter.start((readings, meta) => accept(adapter.id, readings, meta), {
            pollCompleted: (r) => metrics.pollDuration.observe({ adapter: r.adapterId }, r.durationMs / 1000),
            connectionChanged: (e) => {
              metrics.adapterConnected.set({ adapter: e.adapterId }, e.connected ? 1 : 0);
              if (e.connected) logger.info({ adapter: e.adapterId }, 'adapter connected');
              else logger.warn({ adapter: e.adapterId, err: e.error?.message, code: e.error?.code }, 'adapter disconnected');
            },
          });
          started.push(adapter);
        }
      } catch (e) {
        logger.error({ err: toCollectorError(e).message }, 'an adapter failed to start; stopping the others');
        state = 'stopped';
        await stopAdapters(started);
        throw toCollectorError(e);
      }
      logger.info({ runId }, 'collector started');
    },

    stop() {
      stopping ??= (async () => {
        if (state === 'idle') {
          state = 'stopped';
          return;
        }
        state = 'stopping';
        await stopAdapters(adapters);
        const left = await publisher.drain(options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS);
        await replayer?.stop();
        await spool?.flush(); // batches handed to the spool during drain are on disk before stop resolves
        if (spool && spool.pending() > 0)
          logger.warn({ batches: spool.pending(), bytes: spool.bytes() }, 'collector stopped with batches spooled; the next run replays them');
        metrics.publishQueue.set(0);
        state = 'stopped';
        if (left > 0) logger.error({ undelivered: left }, 'collector stopped with undelivered batches');
        else logger.info({ published: counts.batchesPublished }, 'collector stopped');
      })();
      return stopping;
    },

    stats: () => ({
      runId,
      ...counts,
      queueDepth: publisher.depth(),
      ...(spool ? { spool: { pending: spool.pending(), bytes: spool.bytes(), ...spoolCounts } } : {}),
      adapters: adapters.map((a) => a.status()),
    }),

    async write(pointId, value) {
      const adapter = adapters.find((a) => a.handles(pointId));
      if (!adapter) return { ok: false, error: { code: 'unknown_point', message: `no adapter serves point ${pointId}` } };
      if (!adapter.write) return { ok: false, error: { code: 'not_writable', message: `adapter ${adapter.id} (${adapter.protocol}) cannot write` } };
      try {
        return await adapter.write(pointId, value);
      } catch (e) {
        return { ok: false, error: errorInfo(e) }; // rule 6 says adapters never reject; be safe anyway
      }
    },
  };
}
