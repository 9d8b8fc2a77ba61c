import type { Bus, PublishAck } from '@zcp/bus';
import { type BackoffOptions, backoffDelayMs } from '../adapters/backoff.js';
import { type ErrorInfo, errorInfo } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DiskSpool } from '../spool/disk-spool.js';
import type { Random } from '../system.js';

export const DEFAULT_PUBLISH_CONCURRENCY = 8;
/** Retry queue bound: ~10 minutes of a 1,000-point park polled every second, per asset batch. */
export const DEFAULT_MAX_QUEUED_BATCHES = 200_000;

export interface PublishJob {
  subject: string;
  data: Uint8Array;
  msgId: string;
  assetId: string;
  adapterId: string;
  readings: number;
  /** Failed attempts so far. */
  attempts: number;
}

export interface PublisherHooks {
  published?(job: PublishJob, ack: PublishAck): void;
  failed?(job: PublishJob, error: ErrorInfo): void;
  dropped?(job: PublishJob, reason: 'overflow' | 'shutdown'): void;
  /** The batch went to the on-disk spool (bus down, or older batches still spooled). */
  spooled?(job: PublishJob): void;
}

export interface PublisherOptions {
  bus: Bus;
  logger: Logger;
  random: Random;
  concurrency?: number;
  maxQueuedBatches?: number;
  retry?: BackoffOptions;
  hooks?: PublisherHooks;
  /**
   * On-disk spool (opened by the caller). With it, a batch that cannot be published now —
   * bus disconnected, publish failed, or undelivered at shutdown — is written to disk instead
   * of the in-memory retry queue; a `SpoolReplayer` publishes it later, oldest first. Without
   * it, the in-memory queue below is the only buffer.
   */
  spool?: DiskSpool;
}

export interface Publisher {
  enqueue(job: PublishJob): void;
  /** Batches queued, waiting for a retry, or in flight. */
  depth(): number;
  /**
   * Retries everything now and waits until the queue is empty or `timeoutMs` passes; what
   * is still undelivered then is logged and reported as dropped. Returns that count.
   */
  drain(timeoutMs: number): Promise<number>;
}

/**
 * Publishes telemetry batches with bounded concurrency. A failed publish is logged with its
 * device and asset, then retried with backoff under the same msg id (so the bus can
 * de-duplicate a publish that did land). The in-memory queue is bounded: on overflow the
 * oldest batch is dropped — logged and counted, never silently. With an on-disk `spool`,
 * batches that cannot be published go to disk instead (see src/spool and the README).
 */
export function createPublisher(options: PublisherOptions): Publisher {
  const { bus, logger, random } = options;
  const concurrency = options.concurrency ?? DEFAULT_PUBLISH_CONCURRENCY;
  const maxQueued = options.maxQueuedBatches ?? DEFAULT_MAX_QUEUED_BATCHES;
  const hooks = options.hooks ?? {};
  const ready: PublishJob[] = [];
  const waiting = new Map<PublishJob, ReturnType<typeof setTimeout>>();
  let inFlight = 0;
  /** Set once drain() finished: nothing is retried or accepted any more. */
  let closed = false;
  let idleWaiters: (() => void)[] = [];

  const depth = () => ready.length + waiting.size + inFlight;
  const notifyIfIdle = () => {
    if (depth() > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };
  const context = (job: PublishJob) => ({
    adapter: job.adapterId,
    assetId: job.assetId,
    msgId: job.msgId,
    subject: job.subject,
    readings: job.readings,
    attempts: job.attempts,
  });

  const drop = (job: PublishJob, reason: 'overflow' | 'shutdown') => {
    logger.error({ ...context(job), reason }, 'telemetry batch dropped undelivered');
    hooks.dropped?.(job, reason);
  };

  const spool = options.spool;
  const retryLater = (job: PublishJob) => {
    const timer = setTimeout(
      () => {
        waiting.delete(job);
        ready.push(job);
        pump();
      },
      backoffDelayMs(Math.max(0, job.attempts - 1), random, options.retry),
    );
    waiting.set(job, timer);
  };
  /** To disk; if the disk fails too, back to the in-memory retry queue (never lost silently). */
  const toSpool = (s: DiskSpool, job: PublishJob) => {
    hooks.spooled?.(job);
    s.append(job).catch((e) => {
      logger.error({ ...context(job), err: errorInfo(e).message }, 'spool write failed; keeping the batch in memory');
      if (closed) drop(job, 'shutdown');
      else {
        retryLater(job);
        notifyIfIdle();
      }
    });
  };

  const pump = (): void => {
    while (inFlight < concurrency && ready.length > 0) {
      const job = ready.shift() as PublishJob;
      inFlight++;
      void attempt(job);
    }
  };

  const attempt = async (job: PublishJob): Promise<void> => {
    try {
      const ack = await bus.publish(job.subject, job.data, { msgId: job.msgId });
      if (job.attempts > 0) logger.info(context(job), 'telemetry batch published after retry');
      hooks.published?.(job, ack);
    } catch (e) {
      job.attempts++;
      const err = errorInfo(e);
      const code = (e as { code?: unknown }).code;
      logger.warn({ ...context(job), err: err.message, busCode: typeof code === 'string' ? code : undefined }, 'telemetry publish failed; will retry');
      hooks.failed?.(job, err);
      if (spool) {
        toSpool(spool, job);
        return;
      }
      if (closed) {
        drop(job, 'shutdown');
        return;
      }
      retryLater(job);
    } finally {
      inFlight--;
      pump();
      notifyIfIdle();
    }
  };

  return {
    enqueue(job) {
      // With the bus down: straight to disk. With it up, fresh batches go out live even while
      // the replayer back-fills older ones (storage is keyed by (point, ts) and the live view
      // ignores older timestamps, so order across the two does not matter; within the spool
      // replay keeps it). Routing every batch through disk until the spool drains would cap
      // throughput at the disk's fsync rate and could keep the spool from ever emptying.
      if (spool && (closed || !bus.isConnected())) {
        toSpool(spool, job);
        return;
      }
      if (closed) {
        drop(job, 'shutdown');
        return;
      }
      while (depth() - inFlight >= maxQueued) {
        // Oldest first: retries waiting are older than anything in the ready queue.
        const oldest = waiting.keys().next();
        if (!oldest.done) {
          clearTimeout(waiting.get(oldest.value));
          waiting.delete(oldest.value);
          drop(oldest.value, 'overflow');
        } else if (ready.length > 0) drop(ready.shift() as PublishJob, 'overflow');
        else break;
      }
      ready.push(job);
      pump();
    },
    depth,
    async drain(timeoutMs) {
      for (const [job, timer] of waiting) {
        clearTimeout(timer);
        ready.push(job);
      }
      waiting.clear();
      pump();
      let deadline: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          idleWaiters.push(resolve);
          notifyIfIdle();
        }),
        new Promise<void>((resolve) => {
          deadline = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(deadline);
      closed = true;
      const left = [...ready, ...waiting.keys()];
      for (const timer of waiting.values()) clearTimeout(timer);
      waiting.clear();
      ready.length = 0;
      if (spool) {
        // Kept on disk for the next run; publishes still in flight spool themselves on failure.
        for (const job of left) toSpool(spool, job);
        await spool.flush();
        notifyIfIdle();
        return inFlight;
      }
      for (const job of left) drop(job, 'shutdown');
      notifyIfIdle();
      return left.length + inFlight;
    },
  };
}
