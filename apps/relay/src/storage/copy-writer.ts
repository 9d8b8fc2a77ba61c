import type { Reading } from '@zcp/model';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COPY_READINGS, encodeReadingsCopy } from './copy-binary.js';
import { createDayPartitionCache, MARK_PENDING_MINUTES, minutesOf, NO_PARTITION } from './partitions.js';
import type { StorageLogger } from './storage-logger.js';

/*
 * Why `pg` + `pg-copy-streams` here when the rest of the store uses `postgres`: with
 * `postgres` 3.4.9 a COPY FROM STDIN that the server rejects never settles its writable and
 * leaves the connection idle in an aborted transaction (porsager/postgres#1173, open). The
 * writer relies on a rejected COPY — a unique violation is how it learns of a redelivery —
 * so it needs a driver whose COPY reports errors.
 */

const UNIQUE_VIOLATION = '23505';

const CREATE_STAGING = `create temp table if not exists staging_readings (
  point_id int4, ts timestamptz, value float8, quality int2
) on commit delete rows`;
const COPY_STAGING = 'copy staging_readings (point_id, ts, value, quality) from stdin (format binary)';
const MERGE_STAGING = `insert into readings (point_id, ts, value, quality)
select distinct on (point_id, ts) point_id, ts, value, quality from staging_readings
order by point_id, ts
on conflict (point_id, ts) do nothing`;

export interface CopyWriterOptions {
  url: string;
  /** Connections for concurrent writes (one per storage worker). Default 2. */
  connections?: number;
  logger: StorageLogger;
}

export interface CopyWriter {
  /** Stores the readings in one transaction; idempotent on (point_id, ts). */
  write(readings: readonly Reading[]): Promise<{ inserted: number; merged: boolean }>;
  close(): Promise<void>;
}

function codeOf(e: unknown): string | undefined {
  return (e as { code?: string } | undefined)?.code;
}

async function copyIn(client: pg.PoolClient, statement: string, data: Uint8Array): Promise<void> {
  const stream = client.query(copyFrom(statement));
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.once('finish', resolve);
    stream.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
}

/**
 * Writes readings with binary COPY, exactly once in effect. The fast path COPYs straight into
 * `readings` inside a savepoint; the primary key (point_id, ts) rejects a flush that repeats a
 * stored reading (a redelivery after a crash, a device re-sending), and only then the flush
 * is merged through a temp staging table with `on conflict do nothing`. Measured (BENCHMARKS,
 * bench-dedup.ts): the fast path runs at plain-COPY speed, about twice a merge of every flush.
 * The same transaction marks the minutes it touched for the rollup job.
 *
 * @example
 * const writer = createCopyWriter({ url, logger })
 * await writer.write([{ pointId: 1, ts: Date.now(), value: 21.5, quality: 'good' }])
 */
export function createCopyWriter(options: CopyWriterOptions): CopyWriter {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.connections ?? 2,
    application_name: 'zcp-relay-writer',
    connectionTimeoutMillis: 10_000,
  });
  // An idle client whose server went away emits here; without a listener it would crash the process.
  pool.on('error', (err) => options.logger.warn({ err: err.message }, 'postgres writer: idle connection lost'));
  // A checked-out client has no pool listener: a server shutdown mid-write would be an
  // unhandled 'error' event (a crash). The failing query rejects anyway; this only logs.
  pool.on('connect', (client) => client.on('error', (err) => options.logger.warn({ err: err.message }, 'postgres writer: connection lost')));
  let closing: Promise<void> | undefined;
  const partitions = createDayPartitionCache(async <T>(text: string, params: unknown[]) => (await pool.query(text, params)).rows as T[]);

  return {
    async write(readings) {
      if (readings.length === 0) return { inserted: 0, merged: false };
      const data = encodeReadingsCopy(readings); // validates every reading first
      try {
        return await attempt(readings, data);
      } catch (e) {
        if (codeOf(e) !== NO_PARTITION) throw e;
        // A day this writer knew was dropped by retention (maybe by another relay): re-create, once.
        partitions.forget();
        return attempt(readings, data);
      }
    },

    close() {
      closing ??= pool.end();
      return closing;
    },
  };

  async function attempt(readings: readonly Reading[], data: Uint8Array): Promise<{ inserted: number; merged: boolean }> {
    await partitions.ensureFor(readings);
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin');
      let inserted = readings.length;
      let merged = false;
      await client.query('savepoint copy_readings');
      try {
        await copyIn(client, COPY_READINGS, data);
      } catch (e) {
        if (codeOf(e) !== UNIQUE_VIOLATION) throw e;
        await client.query('rollback to savepoint copy_readings');
        await client.query(CREATE_STAGING);
        await copyIn(client, COPY_STAGING, data);
        inserted = (await client.query(MERGE_STAGING)).rowCount ?? 0;
        merged = true;
      }
      await client.query(MARK_PENDING_MINUTES, [minutesOf(readings)]);
      await client.query('commit');
      return { inserted, merged };
    } catch (e) {
      await client.query('rollback').catch((err: Error) => {
        broken = err; // the connection is gone: don't return it to the pool
      });
      throw e;
    } finally {
      client.release(broken);
    }
  }
}
