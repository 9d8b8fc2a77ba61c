/**
 * Measures the ways to make a redelivered batch a no-op while writing readings with COPY,
 * on a partitioned `readings` table like the real one. A dev tool, not a test:
 *
 *   node --conditions=source --import tsx apps/relay/src/storage/bench-dedup.ts [rows=3000000] [flushRows=50000]
 *
 * VARIANTS=a,b picks some. Variants (each in its own throwaway database on 127.0.0.1:5432):
 *  - unnest-upsert:   insert … select from unnest($arrays) on conflict (point_id, ts) do nothing (the old path)
 *  - staging-merge:   unique (point_id, ts); COPY binary into a temp staging table, then
 *                     insert … select from staging on conflict do nothing
 *  - batch-ids:       non-unique btree (point_id, ts); the flush's batch ids inserted into
 *                     `ingested_batches` (primary key) first, on conflict do nothing returning;
 *                     only new batches' rows are COPYed straight into readings
 *  - batch-ids + brin(ts), batch-ids with brin(ts) only: the index choices for the raw table
 *  - copy-then-merge: unique (point_id, ts); COPY straight in inside a savepoint; only when that
 *                     hits a unique violation (a redelivery) roll back to the savepoint and merge
 *                     through staging — the fast path costs what copy-unique costs
 *  - copy-unique:     unique (point_id, ts), COPY straight in — NOT idempotent (a redelivery
 *                     fails the flush); the ceiling for reference
 * Every variant also re-sends one flush at the end and checks that no row was duplicated.
 */
import { QUALITY_CODE, type Reading } from '@zcp/model';
import postgres from 'postgres';
import { COPY_READINGS, encodeReadingsCopy } from './copy-binary.js';

const ROWS = Number(process.argv[2] ?? 3_000_000);
const FLUSH_ROWS = Number(process.argv[3] ?? 50_000);
const POINTS = 20_000;
const PER_BATCH = 200;
const ADMIN = process.env.ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const T0 = Date.UTC(2026, 10, 25, 8);

interface Flush {
  batchIds: string[];
  batches: Reading[][];
}

function makeFlush(f: number): Flush {
  const batches: Reading[][] = [];
  const batchIds: string[] = [];
  for (let b = 0; b < FLUSH_ROWS / PER_BATCH; b++) {
    const rows: Reading[] = [];
    for (let i = 0; i < PER_BATCH; i++) {
      const seq = f * FLUSH_ROWS + b * PER_BATCH + i;
      rows.push({ pointId: 1 + (seq % POINTS), ts: T0 + Math.floor(seq / POINTS) * 1000, value: seq % 1000, quality: 'good' });
    }
    batches.push(rows);
    batchIds.push(`bench:${f}:${b}`);
  }
  return { batches, batchIds };
}

type Indexes = 'unique' | 'unique+brin' | 'btree' | 'btree+brin' | 'brin-only';
const INDEX_SQL: Record<Indexes, string> = {
  unique: 'alter table readings add primary key (point_id, ts);',
  'unique+brin': 'alter table readings add primary key (point_id, ts); create index readings_ts_brin on readings using brin (ts);',
  btree: 'create index readings_point_ts on readings (point_id, ts);',
  'btree+brin': 'create index readings_point_ts on readings (point_id, ts); create index readings_ts_brin on readings using brin (ts);',
  'brin-only': 'create index readings_ts_brin on readings using brin (ts);',
};
const SCHEMA = (indexes: Indexes) => `
create table readings (point_id int4 not null, ts timestamptz not null, value float8 not null, quality int2 not null default 0) partition by range (ts);
create table readings_p1 partition of readings for values from ('2026-11-25') to ('2026-11-26');
${INDEX_SQL[indexes]}
create table ingested_batches (batch_id text primary key, stored_at timestamptz not null default now());`;

type Tx = postgres.TransactionSql;
async function copyIn(tx: Tx, statement: string, data: Uint8Array): Promise<void> {
  const w = await tx.unsafe(statement).writable();
  await new Promise<void>((resolve, reject) => {
    w.on('error', reject);
    w.on('finish', resolve);
    w.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
}

const variants: Record<string, { indexes: Indexes; write(sql: postgres.Sql, f: Flush): Promise<number> }> = {
  'unnest-upsert': {
    indexes: 'unique',
    async write(sql, f) {
      const rows = f.batches.flat();
      const r = await sql.unsafe(`insert into readings select * from unnest($1::int4[], $2::timestamptz[], $3::float8[], $4::int2[]) on conflict do nothing`, [
        rows.map((x) => x.pointId),
        rows.map((x) => new Date(x.ts).toISOString()),
        rows.map((x) => x.value),
        rows.map((x) => QUALITY_CODE[x.quality]),
      ]);
      return r.count;
    },
  },
  'staging-merge': {
    indexes: 'unique',
    async write(sql, f) {
      return sql.begin(async (tx) => {
        await tx.unsafe('create temp table if not exists staging (point_id int4, ts timestamptz, value float8, quality int2) on commit delete rows');
        await copyIn(tx, 'copy staging from stdin (format binary)', encodeReadingsCopy(f.batches.flat()));
        const r = await tx.unsafe('insert into readings select * from staging on conflict do nothing');
        return r.count;
      });
    },
  },
  'batch-ids': {
    indexes: 'btree',
    write: writeByBatchIds,
  },
  'batch-ids + brin(ts)': { indexes: 'btree+brin', write: writeByBatchIds },
  'batch-ids, brin(ts) only': { indexes: 'brin-only', write: writeByBatchIds },
  'staging-insert': { indexes: 'unique', write: writeStagingInsert },
  'staging-insert + brin(ts)': { indexes: 'unique+brin', write: writeStagingInsert },
  'copy-then-merge': { indexes: 'unique', write: writeCopyThenMerge },
  'copy-then-merge + brin(ts)': { indexes: 'unique+brin', write: writeCopyThenMerge },
  'copy-unique': {
    indexes: 'unique',
    async write(sql, f) {
      const rows = f.batches.flat();
      await sql.begin((tx) => copyIn(tx, COPY_READINGS, encodeReadingsCopy(rows)));
      return rows.length;
    },
  },
};

/** COPY into a temp staging table (cannot fail), then a plain insert … select inside a savepoint; on a unique violation, the merge. */
async function writeStagingInsert(sql: postgres.Sql, f: Flush): Promise<number> {
  const data = encodeReadingsCopy(f.batches.flat());
  return sql.begin(async (tx) => {
    await tx.unsafe('create temp table if not exists staging (point_id int4, ts timestamptz, value float8, quality int2) on commit delete rows');
    await copyIn(tx, 'copy staging from stdin (format binary)', data);
    try {
      return (await tx.savepoint((sp) => sp.unsafe('insert into readings select * from staging'))).count;
    } catch (e) {
      if ((e as { code?: string }).code !== '23505') throw e;
      return (await tx.unsafe('insert into readings select distinct on (point_id, ts) * from staging order by point_id, ts on conflict do nothing')).count;
    }
  });
}

/** COPY straight into the unique table inside a savepoint; on a unique violation (a redelivery) merge through staging instead. */
async function writeCopyThenMerge(sql: postgres.Sql, f: Flush): Promise<number> {
  const rows = f.batches.flat();
  // SORT=1: rows in index order, to see whether B-tree locality pays for the sort.
  if (process.env.SORT === '1') rows.sort((a, b) => a.pointId - b.pointId || a.ts - b.ts);
  const data = encodeReadingsCopy(rows);
  return sql.begin(async (tx) => {
    try {
      await tx.savepoint((sp) => copyIn(sp, COPY_READINGS, data));
      return f.batches.length * PER_BATCH;
    } catch (e) {
      if ((e as { code?: string }).code !== '23505') throw e;
      await tx.unsafe('create temp table if not exists staging (point_id int4, ts timestamptz, value float8, quality int2) on commit delete rows');
      await copyIn(tx, 'copy staging from stdin (format binary)', data);
      const r = await tx.unsafe('insert into readings select distinct on (point_id, ts) * from staging order by point_id, ts on conflict do nothing');
      return r.count;
    }
  });
}

async function writeByBatchIds(sql: postgres.Sql, f: Flush): Promise<number> {
  return sql.begin(async (tx) => {
    const fresh = await tx.unsafe<{ batch_id: string }[]>(
      'insert into ingested_batches (batch_id) select unnest($1::text[]) on conflict do nothing returning batch_id',
      [f.batchIds],
    );
    const keep = new Set(fresh.map((r) => r.batch_id));
    const rows = f.batches.filter((_, i) => keep.has(f.batchIds[i] as string)).flat();
    if (rows.length > 0) await copyIn(tx, COPY_READINGS, encodeReadingsCopy(rows));
    return rows.length;
  });
}

const admin = postgres(ADMIN, { max: 1, onnotice: () => {} });
const flushes = Array.from({ length: Math.ceil(ROWS / FLUSH_ROWS) }, (_, i) => makeFlush(i));
const results: Record<string, unknown> = {};
const only = process.env.VARIANTS?.split(',');
for (const [name, v] of Object.entries(variants).filter(([n]) => !only || only.includes(n))) {
  const db = `zcp_bench_dedup_${process.pid}_${name.replace(/[^a-z]+/g, '_')}`;
  await admin.unsafe(`create database ${db}`);
  const sql = postgres(ADMIN.replace(/\/[^/]*$/, `/${db}`), { max: 2, onnotice: () => {} });
  try {
    await sql.unsafe(SCHEMA(v.indexes));
    let inserted = 0;
    const t = performance.now();
    for (const f of flushes) inserted += await v.write(sql, f);
    const s = (performance.now() - t) / 1000;
    let redelivery = 'skipped';
    if (name !== 'copy-unique') {
      const again = await v.write(sql, flushes[0] as Flush);
      redelivery = again === 0 ? 'no-op' : `inserted ${again}`;
    }
    const [c] = await sql.unsafe<{ n: number; d: number }[]>('select count(*)::float8 n, count(distinct (point_id, ts))::float8 d from readings');
    const [size] = await sql.unsafe<{ heap: number; idx: number }[]>(
      `select sum(pg_table_size(c.oid))::float8 heap, sum(pg_indexes_size(c.oid))::float8 idx from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'readings'::regclass`,
    );
    const r = {
      rows_per_s: Math.round(inserted / s),
      seconds: Number(s.toFixed(2)),
      inserted,
      stored: c?.n,
      duplicates: (c?.n ?? 0) - (c?.d ?? 0),
      redelivery,
      heap_mb: Math.round((size?.heap ?? 0) / 2 ** 20),
      index_mb: Math.round((size?.idx ?? 0) / 2 ** 20),
    };
    results[name] = r;
    process.stdout.write(`${name}: ${JSON.stringify(r)}\n`);
  } finally {
    await sql.end();
    await admin.unsafe(`drop database ${db}`);
  }
}
await admin.end();
process.stdout.write(`${JSON.stringify({ bench: 'dedup', rows: ROWS, flush_rows: FLUSH_ROWS, points: POINTS, results })}\n`);
