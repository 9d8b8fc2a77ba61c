import type { Bus } from '@zcp/bus';
import { type BackoffOptions, backoffDelayMs } from '../adapters/backoff.js';
import { toCollectorError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Random } from '../system.js';
import type { DiskSpool, SpoolEntry, SpoolRecord } from './disk-spool.js';

/** Spooled batches published at once during replay (in order of the spool, acked out of order). */
export const DEFAULT_REPLAY_WINDOW = 32;
/** How often to look at the bus while it is down or the spool is empty, ms. */
export const REPLAY_IDLE_CHECK_MS = 250;

export interface SpoolReplayerOptions {
  spool: DiskSpool;
  bus: Bus;
  logger: Logger;
  random: Random;
  retry?: BackoffOptions;
  window?: number;
  replayed?(record: SpoolRecord): void;
  failed?(error: unknown): void;
}

export interface SpoolReplayer {
  /** Something was spooled: look now rather than at the next idle check. */
  kick(): void;
  /** Stops after the publishes in flight settle; what is left stays on disk for the next run. */
  stop(): Promise<void>;
}

/**
 * Empties the spool into the bus, oldest first, whenever the bus is connected. Each batch is
 * republished under its original msg id (JetStream drops it if the first attempt did land
 * within the 2-minute duplicate window; beyond it the store's (point_id, ts) idempotence
 * does) and deleted from disk only after the bus acknowledged it — so a crash during replay
 * re-sends, never loses.
 */
export function startSpoolReplayer(o: SpoolReplayerOptions): SpoolReplayer {
  const window = o.window ?? DEFAULT_REPLAY_WINDOW;
  let running = true;
  let wake: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let replayedSinceLog = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    }).finally(() => {
      clearTimeout(timer);
      wake = undefined;
    });

  /** Reads a window of batches; unreadable files are removed (they would block the queue). */
  const readAll = async (entries: SpoolEntry[]): Promise<{ entry: SpoolEntry; record: SpoolRecord }[]> => {
    const out: { entry: SpoolEntry; record: SpoolRecord }[] = [];
    const read = await Promise.allSettled(entries.map((e) => o.spool.read(e)));
    for (const [i, r] of read.entries()) {
      const entry = entries[i] as SpoolEntry;
      if (r.status === 'fulfilled') out.push({ entry, record: r.value });
      else if ((r.reason as NodeJS.ErrnoException).code !== 'ENOENT') {
        // ENOENT: dropped while we looked (spool full). Anything else: corrupt, log loudly.
        o.logger.error({ file: entry.file, err: toCollectorError(r.reason).message }, 'spool: unreadable batch file removed');
        await o.spool.remove(entry);
      }
    }
    return out;
  };

  /** Publishes are issued in spool order (the bus keeps send order); acks may come back in any. */
  const publishWindow = async (entries: SpoolEntry[]) => {
    const items = await readAll(entries);
    const acks = items.map(({ record }) => o.bus.publish(record.subject, record.data, { msgId: record.msgId }));
    return Promise.allSettled(
      acks.map(async (ack, i) => {
        await ack;
        const { entry, record } = items[i] as { entry: SpoolEntry; record: SpoolRecord };
        await o.spool.remove(entry);
        o.replayed?.(record);
      }),
    );
  };

  const loop = async () => {
    while (running) {
      const batch = o.spool.oldest(window);
      if (batch.length === 0 || !o.bus.isConnected()) {
        if (replayedSinceLog > 0 && batch.length === 0) {
          o.logger.info({ replayed: replayedSinceLog }, 'spool: replay finished, spool empty');
          replayedSinceLog = 0;
        }
        await sleep(REPLAY_IDLE_CHECK_MS);
        continue;
      }
      const results = await publishWindow(batch);
      const failed = results.filter((r) => r.status === 'rejected');
      replayedSinceLog += results.length - failed.length;
      if (failed.length === 0) {
        failures = 0;
        continue;
      }
      const err = (failed[0] as PromiseRejectedResult).reason;
      o.failed?.(err);
      o.logger.warn({ failed: failed.length, left: o.spool.pending(), err: toCollectorError(err).message }, 'spool: replay publish failed; will retry');
      await sleep(backoffDelayMs(failures++, o.random, o.retry));
    }
  };
  const done = loop();

  return {
    kick: () => wake?.(),
    async stop() {
      running = false;
      wake?.();
      await done;
    },
  };
}
