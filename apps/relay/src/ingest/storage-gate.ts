import type { Consumer } from '@zcp/bus';
import type { Logger } from 'pino';
import type { RelayMetrics } from '../observability/metrics.js';

/** Probe delays while the database is failing: 250 ms doubling to 5 s, ±20 % jitter. */
const FIRST_PROBE_MS = 250;
const MAX_PROBE_MS = 5_000;

export type StorageGateState = { paused: false } | { paused: true; sinceMs: number; reason: string };

export interface StorageGate {
  /** Consumers to pause and resume together (every storage worker of every park). */
  add(consumer: Consumer): void;
  /**
   * A write failed: stop pulling (JetStream keeps the data), then probe the database with
   * backoff and resume every consumer once it answers. Further failures while paused are
   * folded into the same pause.
   */
  failed(err: unknown): void;
  state(): StorageGateState;
  stop(): void;
}

export interface StorageGateOptions {
  /** True when the database answers (the store's ping, with its own timeout). */
  ping: () => Promise<boolean>;
  logger: Logger;
  metrics: RelayMetrics;
  now?: () => number;
  random?: () => number;
}

/**
 * Backpressure for the storage workers. Pulling is already paced by commits (a worker asks
 * for the next batch only after the last one committed), so a slow database slows pulling by
 * itself; a failing one pauses it here instead of naking batch after batch.
 *
 * @example
 * const gate = createStorageGate({ ping: () => store.ping(), logger, metrics })
 * gate.add(consumer)
 * // in the handler: try { await store.insertReadings(r) } catch (e) { gate.failed(e); throw e }
 */
export function createStorageGate(o: StorageGateOptions): StorageGate {
  const now = o.now ?? Date.now;
  const random = o.random ?? Math.random;
  const consumers = new Set<Consumer>();
  const log = o.logger.child({ component: 'storage-gate' });
  let state: StorageGateState = { paused: false };
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const probe = (delayMs: number) => {
    const jittered = delayMs * (0.8 + 0.4 * random());
    timer = setTimeout(async () => {
      timer = undefined;
      if (stopped || !state.paused) return;
      const ok = await o.ping().catch(() => false);
      if (stopped || !state.paused) return;
      if (!ok) return probe(Math.min(delayMs * 2, MAX_PROBE_MS));
      log.info({ pausedMs: now() - state.sinceMs }, 'database answers again: storage workers resume pulling');
      state = { paused: false };
      o.metrics.storagePaused.set(0);
      for (const c of consumers) c.resume();
    }, jittered);
  };

  return {
    add: (c) => {
      consumers.add(c);
      if (state.paused) c.pause();
    },
    failed(err) {
      if (stopped || state.paused) return;
      const reason = err instanceof Error ? err.message : String(err);
      state = { paused: true, sinceMs: now(), reason };
      o.metrics.storagePaused.set(1);
      log.warn({ reason }, 'database write failed: storage workers stop pulling until it answers (JetStream keeps the data)');
      for (const c of consumers) c.pause();
      probe(FIRST_PROBE_MS);
    },
    state: () => state,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
