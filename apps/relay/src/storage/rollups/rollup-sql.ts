/*
 * Statements of the rollup worker, run by both backends (same conventions as
 * reading-sql.ts: timestamps in as ISO strings or epoch ms, out as epoch ms float8).
 *
 * Buckets are aligned with date_bin(…, 'epoch'), which ignores the session TimeZone (a day
 * is a UTC day even in a +05:45 session, unlike date_trunc without a zone).
 */

/** Any constant unused elsewhere: one rollup round at a time across every relay on a database. */
export const ROLLUP_LOCK_KEY = 7_031_930_153;

/** Session settings of a round's transaction only (`set_config(…, true)` is `set local`). */
export const ROUND_SETTINGS = `select set_config('work_mem', '128MB', true), set_config('jit', 'off', true)`;

export const TRY_ROLLUP_LOCK = `select pg_try_advisory_xact_lock(${ROLLUP_LOCK_KEY}) as locked`;

/**
 * Takes (deletes the marks of) up to $2 closed pending minutes before $1, oldest first, whose
 * newest mark is at least $3 ms old (quiet: not being filled any more — a backfill is rolled
 * once, not every round). In the same transaction as the aggregation: a mark committed after
 * this statement's snapshot stays, so that minute is rolled again next round. Rounds are
 * serialized by the advisory lock; writers only append marks (0004), so nothing waits here.
 */
export const TAKE_PENDING = `with taken as (
  delete from rollup_pending
  where bucket in (
    select bucket from rollup_pending where bucket < $1::timestamptz
    group by bucket having max(marked_at) <= clock_timestamp() - $3::float8 * interval '1 millisecond'
    order by bucket limit $2
  )
  returning bucket
)
select distinct (extract(epoch from bucket) * 1000)::float8 as ms from taken order by ms`;

/** Creates the rollup partitions a round is about to write into (no-op when they exist). */
export const ENSURE_ROLLUP_PARTITIONS = `select coalesce(sum(zcp_ensure_partitions(p.parent, p.unit, p.at, p.at)), 0)::int4 as created
from unnest($1::text[], $2::text[], $3::timestamptz[]) as p (parent, unit, at)`;

/** The counter increase from reading `prev` to `cur`: a drop is a reset, the new value counted from 0. */
const step = (prev: string, cur: string): string => `case when ${cur} >= ${prev} then ${cur} - ${prev} else ${cur} end`;

const ROLLUP_COLUMNS = 'point_id, bucket, n, sum, min, max, first_ts, first_value, last_ts, last_value, increase';
const UPSERT_SET = `n = excluded.n, sum = excluded.sum, min = excluded.min, max = excluded.max,
    first_ts = excluded.first_ts, first_value = excluded.first_value,
    last_ts = excluded.last_ts, last_value = excluded.last_value, increase = excluded.increase`;

/** Returns the (point, coarser bucket) pairs touched, as two arrays for the next step. */
const touched = (upserted: string, coarser: string): string => `select (select count(*) from ${upserted})::int4 as rows,
  coalesce(array_agg(point_id), '{}')::int4[] as "pointIds",
  coalesce(array_agg((extract(epoch from bucket) * 1000)::float8), '{}')::float8[] as "bucketsMs"
from (select distinct point_id, date_bin('${coarser}', bucket, timestamptz 'epoch') as bucket from ${upserted}) t`;

/**
 * Rebuilds the 1-minute rows of the taken minutes from raw, replacing what was there (raw
 * rows are never updated, only added, so an upsert is exact). The minutes come as runs of
 * consecutive minutes, [$1[i], $2[i]) in epoch ms: one range read per run (the BRIN index on
 * ts), so a backlog of thousands of minutes is one scan, not thousands of lookups that each
 * recheck a whole block range. The windows give each reading its predecessor in the minute
 * and the minute's first and last value.
 */
export const ROLLUP_MINUTES = `with runs as (
  select to_timestamp(lo / 1000) as lo, to_timestamp(hi / 1000) as hi from unnest($1::float8[], $2::float8[]) as u (lo, hi)
), r as (
  select r.point_id, r.bucket, r.ts, r.value,
    lag(r.value) over w as prev,
    first_value(r.value) over w as first_value,
    last_value(r.value) over (w rows between unbounded preceding and unbounded following) as last_value
  from runs
  cross join lateral (
    select point_id, date_bin('1 minute', ts, timestamptz 'epoch') as bucket, ts, value
    from readings where ts >= runs.lo and ts < runs.hi
  ) r
  window w as (partition by r.point_id, r.bucket order by r.ts)
), up as (
  insert into rollup_1m as t (${ROLLUP_COLUMNS})
  select point_id, bucket, count(*)::int4, sum(value), min(value), max(value),
    min(ts), min(first_value), max(ts), min(last_value),
    coalesce(sum(${step('prev', 'value')}) filter (where prev is not null), 0)
  from r
  group by point_id, bucket
  on conflict (point_id, bucket) do update set ${UPSERT_SET}
  returning t.point_id, t.bucket
)
${touched('up', '1 hour')}`;

/**
 * Rebuilds rows of `target` (width `width`) for the (point, bucket) pairs in $1/$2 from the
 * finer `source` rows, one primary-key range read per pair. The increase adds, to the finer
 * rows' own increases, the steps between consecutive finer rows inside the bucket; the step
 * into the bucket's first row stays with the reader (see 0003_rollups.sql).
 */
function rollupFrom(source: string, target: string, width: string, coarser: string | undefined): string {
  return `with k as (
  select distinct point_id, to_timestamp(ms / 1000) as bucket from unnest($1::int4[], $2::float8[]) as u (point_id, ms)
), s as (
  select k.point_id, k.bucket, c.sub, c.n, c.sum, c.min, c.max, c.first_ts, c.first_value, c.last_ts, c.last_value, c.increase,
    lag(c.last_value) over (partition by k.point_id, k.bucket order by c.sub) as prev_last
  from k
  cross join lateral (
    select bucket as sub, n, sum, min, max, first_ts, first_value, last_ts, last_value, increase
    from ${source} where point_id = k.point_id and bucket >= k.bucket and bucket < k.bucket + interval '${width}'
  ) c
), up as (
  insert into ${target} as t (${ROLLUP_COLUMNS})
  select point_id, bucket, sum(n)::int4, sum(sum), min(min), max(max),
    min(first_ts), (array_agg(first_value order by sub))[1], max(last_ts), (array_agg(last_value order by sub desc))[1],
    sum(increase) + coalesce(sum(${step('prev_last', 'first_value')}) filter (where prev_last is not null), 0)
  from s
  group by point_id, bucket
  on conflict (point_id, bucket) do update set ${UPSERT_SET}
  returning t.point_id, t.bucket
)
${coarser ? touched('up', coarser) : 'select count(*)::int4 as rows from up'}`;
}

export const ROLLUP_HOURS = rollupFrom('rollup_1m', 'rollup_1h', '1 hour', '1 day');
export const ROLLUP_DAYS = rollupFrom('rollup_1h', 'rollup_1d', '1 day', undefined);

/**
 * Advances the horizon to the round's cutoff ($1), held back by a pending minute at or after
 * the old horizon (a backlog or a minute another writer is still filling). Pending minutes
 * before the old horizon are late data: re-rolled next round, they do not move it back.
 */
export const ADVANCE_HORIZON = `update rollup_horizon
set rolled_to = greatest(rolled_to, least($1::timestamptz,
  coalesce((select min(p.bucket) from rollup_pending p where p.bucket >= rollup_horizon.rolled_to), 'infinity')))
returning (extract(epoch from rolled_to) * 1000)::float8 as ms`;

/** The horizon as epoch ms; -Infinity before the first round. */
export const SELECT_HORIZON = `select (extract(epoch from rolled_to) * 1000)::float8 as ms from rollup_horizon`;
