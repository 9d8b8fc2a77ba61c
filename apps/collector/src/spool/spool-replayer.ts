import type { Bus } from '@zcp/bus';
import { type BackoffOptions, backoffDelayMs } from '../adapters/backoff.js';
import { toCollectorError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Random } from '../system.js';
import type { DiskSpool, SpoolEntry, SpoolRecord } from './disk-spool.js';

/** Batches replayed at once (whole segments: at least one, however large). */
export const DEFAULT_REPLAY_WINDOW = 512;
const MAX_SEGMENTS_PER_WINDOW = 64;
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

  /** msg ids of segments published partly before a failure: not re-counted on retry. */
  const acked = new Map<number, Set<string>>();

  /** Reads a window of segments; unreadable files are removed (they would block the queue). */
  const readAll = async (entries: SpoolEntry[]): Promise<{ entry: SpoolEntry; records: SpoolRecord[] }[]> => {
    const out: { entry: SpoolEntry; records: SpoolRecord[] }[] = [];
    const read = await Promise.allSettled(entries.map((e) => o.spool.read(e)));
    for (const [i, r] of read.entries()) {
      const entry = entries[i] as SpoolEntry;
      if (r.status === 'fulfilled') out.push({ entry, records: r.value });
      else if ((r.reason as NodeJS.ErrnoException).code !== 'ENOENT') {
        // ENOENT: dropped while we looked (spool full). Anything else: corrupt, log loudly.
        o.logger.error({ file: entry.file, batches: entry.batches, err: toCollectorError(r.reason).message }, 'spool: unreadable segment removed');
        await o.spool.remove(entry);
      }
    }
    return out;
  };

  /**
   * Publishes are issued in spool order (the bus keeps send order); acks may come back in
   * any. A segment is deleted once every batch in it is acknowledged.
   */
  const publishWindow = async (entries: SpoolEntry[]): Promise<{ ok: number; failed: unknown[] }> => {
    let ok = 0;
    const failed: unknown[] = [];
    const segments = await readAll(entries);
    const pending = segments.map(({ entry, records }) => {
      const done = acked.get(entry.seq) ?? new Set<string>();
      acked.set(entry.seq, done);
      const acks = records
        .filter((r) => !done.has(r.msgId))
        .map((record) =>
          o.bus.publish(record.subject, record.data, { msgId: record.msgId }).then(
            () => {
              done.add(record.msgId);
              ok++;
              o.replayed?.(record);
            },
            (e) => {
              failed.push(e);
            },
          ),
        );
      return Promise.all(acks).then(async () => {
        if (done.size >= records.length) {
          acked.delete(entry.seq);
          await o.spool.remove(entry);
        }
      });
    });
    await Promise.all(pending);
    return { ok, failed };
  };

  const loop = async () => {
    while (running) {
      const batch: SpoolEntry[] = [];
      let batches = 0;
      for (const e of o.spool.oldest(MAX_SEGMENTS_PER_WINDOW)) {
        if (batch.length > 0 && batches + e.batches > window) break;
        batch.push(e);
        batches += e.batches;
      }
      if (batch.length === 0 || !o.bus.isConnected()) {
        if (replayedSinceLog > 0 && batch.length === 0) {
          o.logger.info({ replayed: replayedSinceLog }, 'spool: replay finished, spool empty');
          replayedSinceLog = 0;
        }
        await sleep(REPLAY_IDLE_CHECK_MS);
        continue;
      }
      const { ok, failed } = await publishWindow(batch);
      replayedSinceLog += ok;
      if (failed.length === 0) {
        failures = 0;
        continue;
      }
      o.failed?.(failed[0]);
      o.logger.warn({ failed: failed.length, left: o.spool.pending(), err: toCollectorError(failed[0]).message }, 'spool: replay publish failed; will retry');
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
