import { type HistoryBucket, type PointState, QUALITY_CODE, type Reading } from '@zcp/model';
import { StorageError } from './storage-error.js';

/*
 * The statements both stores run, with positional parameters, so PostgreSQL and PGlite
 * execute the same text. Conventions that keep the two clients' results identical:
 *  - timestamps go in as ISO-8601 strings cast in SQL (exact to the millisecond; a float
 *    of epoch seconds is not) and come out as epoch ms via `extract(epoch …)`, which is
 *    numeric (exact) since PostgreSQL 14, then `::float8` — an integer below 2^53, so exact;
 *  - counts come out as int4/float8: int8 would arrive as a string from `postgres` and as
 *    a number from PGlite.
 */

/** Largest ts accepted: 9999-12-31T23:59:59.999Z, the last instant with a plain ISO-8601 form. */
export const MAX_TS_MS = 253_402_300_799_999;
const MAX_INT4 = 2_147_483_647;

/**
 * One set-based, idempotent statement, atomic on its own. `distinct on … order by ord`
 * keeps the first occurrence of a (point_id, ts) repeated inside the batch, like
 * `on conflict do nothing` keeps the stored row across batches; the sort also feeds the
 * B-tree in key order.
 */
export const INSERT_READINGS = `insert into readings (point_id, ts, value, quality)
select distinct on (point_id, ts) point_id, ts, value, quality
from unnest($1::int4[], $2::timestamptz[], $3::float8[], $4::int2[])
  with ordinality as batch (point_id, ts, value, quality, ord)
order by point_id, ts, ord
on conflict (point_id, ts) do nothing`;

/**
 * Buckets aligned to the epoch: start = floor(ms / bucketMs) * bucketMs (written so it also
 * floors for negative ms). `last` joins back on the primary key at the bucket's max(ts)
 * instead of sorting every bucket's values. $3 is the last millisecond included, not the
 * exclusive end: stored ts are whole milliseconds, so `ts <= to - 1` is `ts < to`, and
 * to - 1 stays printable as ISO-8601 even when `to` is just past MAX_TS_MS.
 */
export const HISTORY = `with r as (
  select ts, value, (extract(epoch from ts) * 1000)::int8 as ms
  from readings
  where point_id = $1 and ts >= $2::timestamptz and ts <= $3::timestamptz
), b as (
  select ms - (ms % $4::int8 + $4::int8) % $4::int8 as t,
    count(*) as n, avg(value) as avg, min(value) as min, max(value) as max, max(ts) as last_ts
  from r
  group by 1
)
select b.t::float8 as t, b.avg, b.min, b.max, l.value as last, b.n::int4 as n
from b
join readings l on l.point_id = $1 and l.ts = b.last_ts
order by b.t`;

const LATEST_COLUMNS = `p.id as "pointId", (extract(epoch from l.ts) * 1000)::float8 as ts, l.value, l.quality::int4 as quality`;
const LATEST_ROW = `cross join lateral (
  select ts, value, quality from readings where point_id = p.id order by ts desc limit 1
) l`;

/** Latest of the given points: one backward primary-key probe per point. */
export const LATEST_OF_POINTS = `select ${LATEST_COLUMNS}
from (select distinct id from unnest($1::int4[]) as u (id)) p
${LATEST_ROW}
order by p.id`;

/**
 * Latest of every point. The distinct point ids come from a recursive skip scan (one index
 * probe per point) because `distinct on` would read every row of the table.
 */
export const LATEST_OF_ALL = `with recursive p (id) as (
  select min(point_id) from readings
  union all
  select (select min(point_id) from readings where point_id > p.id) from p where p.id is not null
)
select ${LATEST_COLUMNS}
from p
${LATEST_ROW}
order by p.id`;

export const COUNT_ALL = 'select count(*)::float8 as n from readings';
export const COUNT_OF_POINTS = 'select count(*)::float8 as n from readings where point_id = any($1::int4[])';

function isPointId(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_INT4;
}

function isTsMs(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_TS_MS;
}

/**
 * The four column arrays of INSERT_READINGS. Checks every reading first, so a bad one
 * fails the whole batch with its index instead of a driver or SQL error.
 */
export function readingColumns(readings: readonly Reading[]): [number[], string[], number[], number[]] {
  const n = readings.length;
  const pointIds = new Array<number>(n);
  const ts = new Array<string>(n);
  const values = new Array<number>(n);
  const qualities = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const r = readings[i] as Reading;
    const quality = QUALITY_CODE[r.quality];
    let problem: string | undefined;
    if (!isPointId(r.pointId)) problem = `pointId ${r.pointId} is not an integer in 1..${MAX_INT4}`;
    else if (!isTsMs(r.ts)) problem = `ts ${r.ts} is not an integer epoch ms in 0..${MAX_TS_MS}`;
    else if (!Number.isFinite(r.value)) problem = `value ${r.value} is not finite`;
    else if (quality === undefined) problem = `quality ${String(r.quality)} is unknown`;
    if (problem) throw new StorageError('invalid_reading', `reading ${i} (point ${r.pointId}): ${problem}`);
    pointIds[i] = r.pointId;
    ts[i] = new Date(r.ts).toISOString();
    values[i] = r.value;
    qualities[i] = quality as number;
  }
  return [pointIds, ts, values, qualities];
}

/**
 * Parameters of HISTORY, or undefined when the range holds no storable instant (to ≤ from,
 * or from past MAX_TS_MS). A `toMs` beyond MAX_TS_MS + 1 is clamped: nothing is stored there.
 */
export function historyParams(pointId: number, fromMs: number, toMs: number, bucketMs: number): [number, string, string, number] | undefined {
  let problem: string | undefined;
  if (!isPointId(pointId)) problem = `pointId ${pointId} is not an integer in 1..${MAX_INT4}`;
  else if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(toMs) || fromMs < 0 || toMs < 0)
    problem = `range ${fromMs}..${toMs} is not non-negative integer epoch ms`;
  else if (!Number.isSafeInteger(bucketMs) || bucketMs < 1) problem = `bucketMs ${bucketMs} is not a positive integer`;
  if (problem) throw new StorageError('invalid_query', `history: ${problem}`);
  const lastMs = Math.min(toMs, MAX_TS_MS + 1) - 1;
  if (lastMs < fromMs) return undefined;
  return [pointId, new Date(fromMs).toISOString(), new Date(lastMs).toISOString(), bucketMs];
}

/** Point ids for `= any($1)`, checked, so a typo fails loudly instead of matching nothing. */
export function pointIdsParam(pointIds: readonly number[]): number[] {
  for (const id of pointIds) {
    if (!isPointId(id)) throw new StorageError('invalid_query', `pointId ${id} is not an integer in 1..${MAX_INT4}`);
  }
  return [...pointIds];
}

/** Copies a driver row into the plain model shape (drivers add array subclasses and extra fields). */
export function toHistoryBucket(r: HistoryBucket): HistoryBucket {
  return { t: r.t, avg: r.avg, min: r.min, max: r.max, last: r.last, n: r.n };
}

export function toPointState(r: PointState): PointState {
  return { pointId: r.pointId, ts: r.ts, value: r.value, quality: r.quality };
}
