import type { SqlClient } from '../../storage/sql-client.js';
import type { CollabMetrics } from '../collab-metrics.js';
import { appendUpdates, COMPACT_CHUNK_ROWS, type CompactionResult, compactLog, logLength, readLogTail } from '../doc-log-sql.js';
import type { CollabExtension, CollabServerApi } from '../types.js';

export interface PersistenceOptions {
  sql: SqlClient;
  metrics: CollabMetrics;
  /** How often loaded documents are checked for compaction; 0 turns background compaction off. */
  compactIntervalMs: number;
  /** A log shorter than this is left alone. */
  compactMinUpdates: number;
  onError(what: string, key: string, err: unknown): void;
}

export interface PersistenceExtension extends CollabExtension {
  /** Compacts one document's log now (tests, and the background round). */
  compact(key: string): Promise<CompactionResult>;
}

/**
 * PostgreSQL (or PGlite) persistence: an append-only update log written before every ack, a
 * snapshot that background compaction merges the log into, and lazy reads of snapshot + log.
 */
export function persistenceExtension(o: PersistenceOptions): PersistenceExtension {
  let server: CollabServerApi | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let round: Promise<void> | undefined;

  /** Folds the whole log into the snapshot in chunks, yielding to other work between them. */
  async function compact(key: string): Promise<CompactionResult> {
    let total: CompactionResult = { merged: 0, throughSeq: 0, snapshotBytes: 0 };
    for (;;) {
      const r = await compactLog(o.sql, key, COMPACT_CHUNK_ROWS);
      total = { merged: total.merged + r.merged, throughSeq: r.throughSeq, snapshotBytes: r.snapshotBytes };
      if (r.merged < COMPACT_CHUNK_ROWS) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (total.merged > 0) {
      o.metrics.compactions.inc();
      o.metrics.docStateBytes.observe(total.snapshotBytes);
    }
    return total;
  }

  async function compactRound(): Promise<void> {
    for (const d of server?.loadedDocs() ?? []) {
      try {
        if ((await logLength(o.sql, d.key)) >= o.compactMinUpdates) await compact(d.key);
      } catch (err) {
        o.onError('compaction', d.key, err);
      }
    }
  }

  return {
    name: 'persistence',
    compact,
    onConfigure(s) {
      server = s;
      if (o.compactIntervalMs > 0) {
        timer = setInterval(() => {
          round ??= compactRound().finally(() => {
            round = undefined;
          });
        }, o.compactIntervalMs);
        timer.unref();
      }
    },
    onFetchUpdates: ({ doc, sinceSeq }) => readLogTail(o.sql, doc.key, sinceSeq),
    async onStoreUpdates({ doc, updates }) {
      const end = o.metrics.storeSeconds.startTimer();
      const seqs = await appendUpdates(o.sql, doc.key, updates);
      end();
      o.metrics.updatesStored.inc(updates.length);
      return seqs;
    },
    async onStop() {
      clearInterval(timer);
      await round;
    },
  };
}
