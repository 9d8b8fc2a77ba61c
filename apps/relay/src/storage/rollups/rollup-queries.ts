import { type HistoryBucket, type HistoryResolution, ROLLUP_RESOLUTION_MS, type RollupResolution } from '@zcp/model';
import { historyParams, MAX_TS_MS, pointIdsParam, toHistoryBucket } from '../reading-sql.js';
import type { SqlClient } from '../sql-client.js';
import { StorageError } from '../storage-error.js';
import { planSources, type SourceSpan } from './resolution.js';
import { SELECT_HORIZON } from './rollup-sql.js';

/*
 * Reads over rollups. Every query is planned in TS (planSources) and run as one statement
 * whose branches each read one level over one span; upper bounds are inclusive (last ms) so
 * that a range ending at MAX_TS_MS + 1 stays printable, like reading-sql.ts.
 */

const iso = (ms: number): string => new Date(ms).toISOString();
const ENERGY_SESSION = "set local jit = off; set local work_mem = '64MB'";

/** The rollup horizon, clamped to the storable range (-Infinity before the first round → 0). */
export async function readHorizonMs(db: SqlClient): Promise<number> {
  const [row] = await db.query<{ ms: number }>(SELECT_HORIZON);
  const ms = row?.ms ?? Number.NEGATIVE_INFINITY;
  return Math.min(Math.max(ms, 0), MAX_TS_MS + 1);
}

/** A `where` on one span, appending its two bounds to `params`. */
function spanFilter(span: SourceSpan, params: unknown[]): string {
  params.push(iso(span.fromMs), iso(span.toMs - 1));
  const a = `$${params.length - 1}::timestamptz`;
  const b = `$${params.length}::timestamptz`;
  return span.level === 'raw' ? `ts >= ${a} and ts <= ${b}` : `bucket >= ${a} and bucket <= ${b}`;
}

const table = (level: Exclude<HistoryResolution, 'raw'>): string => `rollup_${level}`;

export interface HistoryQuery {
  pointId: number;
  fromMs: number;
  toMs: number;
  bucketMs: number;
  /** Must divide bucketMs when not 'raw' (a rollup row never straddles two buckets). */
  resolution: HistoryResolution;
}

/**
 * History of one point in `bucketMs` buckets read from `resolution` rollups, with the edges
 * and the not-yet-rolled tail from finer levels and raw — the same buckets as a raw
 * aggregate (avg up to float rounding of the sums).
 *
 * @example
 * await historyFromRollups(store.sql, { pointId: 7, fromMs, toMs, bucketMs: 86_400_000, resolution: '1d' })
 */
export async function historyFromRollups(db: SqlClient, q: HistoryQuery): Promise<HistoryBucket[]> {
  const checked = historyParams(q.pointId, q.fromMs, q.toMs, q.bucketMs);
  if (!checked) return [];
  if (q.resolution !== 'raw' && q.bucketMs % ROLLUP_RESOLUTION_MS[q.resolution] !== 0)
    throw new StorageError('invalid_query', `history: bucketMs ${q.bucketMs} is not a multiple of the ${q.resolution} resolution`);
  const toMs = Math.min(q.toMs, MAX_TS_MS + 1);
  const horizonMs = q.resolution === 'raw' ? toMs : await readHorizonMs(db);
  const spans = planSources(q.fromMs, toMs, horizonMs, q.resolution);
  const params: unknown[] = [q.pointId, q.bucketMs];
  const branches = spans.map((s) =>
    s.level === 'raw'
      ? `select ts as t0, 1 as n, value as sum, value as min, value as max, ts as last_ts, value as last_value from readings where point_id = $1 and ${spanFilter(s, params)}`
      : `select bucket as t0, n, sum, min, max, last_ts, last_value from ${table(s.level)} where point_id = $1 and ${spanFilter(s, params)}`,
  );
  const text = `with s as (
  ${branches.join('\n  union all\n  ')}
), m as (
  select (extract(epoch from t0) * 1000)::int8 as ms, n, sum, min, max, last_ts, last_value from s
)
select (ms - (ms % $2::int8 + $2::int8) % $2::int8)::float8 as t, sum(sum) / sum(n) as avg, min(min) as min, max(max) as max,
  (array_agg(last_value order by last_ts desc))[1] as last, sum(n)::int4 as n
from m
group by 1
order by 1`;
  return (await db.query<HistoryBucket>(text, params)).map(toHistoryBucket);
}

export interface EnergyQuery {
  /** Counter points and the group (series) each one adds to. */
  meters: readonly { pointId: number; group: number }[];
  /** Aligned to the resolution. */
  fromMs: number;
  toMs: number;
  resolution: RollupResolution;
}

export interface EnergyRow {
  group: number;
  /** Bucket start, epoch ms. */
  t: number;
  /** Counter increase in the bucket, resets counted from 0. */
  increase: number;
}

/**
 * Counter increases per group and bucket. A bucket's increase is the sum of the steps
 * between consecutive readings whose later reading falls in the bucket — including the step
 * from the previous bucket's last reading (lag over the rows read, and for the first row
 * the last reading before the range) — so the increases of any resolution add up to the
 * same total over a period. Buckets without readings of a group are absent.
 *
 * @example
 * await energyIncreases(store.sql, { meters: [{ pointId: 5, group: 0 }], fromMs, toMs, resolution: '1h' })
 */
export async function energyIncreases(db: SqlClient, q: EnergyQuery): Promise<EnergyRow[]> {
  const stepMs = ROLLUP_RESOLUTION_MS[q.resolution];
  if (q.fromMs % stepMs !== 0 || q.toMs % stepMs !== 0 || !(q.fromMs < q.toMs) || q.fromMs < 0 || q.toMs > MAX_TS_MS + 1)
    throw new StorageError('invalid_query', `energy: range ${q.fromMs}..${q.toMs} is not a non-empty range aligned to ${q.resolution}`);
  if (q.meters.length === 0) return [];
  const pointIds = pointIdsParam(q.meters.map((m) => m.pointId));
  const groups = q.meters.map((m) => m.group);
  const horizonMs = await readHorizonMs(db);
  const spans = planSources(q.fromMs, q.toMs, horizonMs, q.resolution);
  // The last reading before the range: raw between the level's last whole rolled bucket and
  // `from`, else the level's last row before that (raw retention may be shorter than the range).
  const rolledMs = Math.min(Math.floor(horizonMs / stepMs) * stepMs, q.fromMs);
  const params: unknown[] = [pointIds, groups, stepMs, iso(rolledMs), iso(q.fromMs)];
  const branches = spans.map((s) =>
    s.level === 'raw'
      ? `select point_id, ts as t0, ts as first_ts, value as first_value, value as last_value, 0::float8 as increase from readings where point_id = any($1::int4[]) and ${spanFilter(s, params)}`
      : `select point_id, bucket as t0, first_ts, first_value, last_value, increase from ${table(s.level)} where point_id = any($1::int4[]) and ${spanFilter(s, params)}`,
  );
  const text = `with sel as (
  select distinct on (point_id) point_id, grp from unnest($1::int4[], $2::int4[]) as u (point_id, grp) order by point_id
), s as (
  ${branches.join('\n  union all\n  ')}
), prev as (
  select sel.point_id, coalesce(
    (select value from readings where point_id = sel.point_id and ts >= $4::timestamptz and ts < $5::timestamptz order by ts desc limit 1),
    (select last_value from ${table(q.resolution)} where point_id = sel.point_id and bucket < $4::timestamptz order by bucket desc limit 1)
  ) as v
  from sel
), e as (
  select s.point_id, s.t0, s.increase, s.first_value,
    coalesce(lag(s.last_value) over (partition by s.point_id order by s.first_ts), prev.v) as before
  from s join prev on prev.point_id = s.point_id
)
select sel.grp as "group", date_part('epoch', date_bin(make_interval(secs => $3::int8 / 1000), e.t0, timestamptz 'epoch')) * 1000 as t,
  sum(e.increase + case when e.before is null then 0 when e.first_value >= e.before then e.first_value - e.before else e.first_value end) as increase
from e join sel on sel.point_id = e.point_id
group by 1, 2
order by 1, 2`;
  // One statement over up to a few hundred thousand rollup rows: JIT compilation costs more
  // than it saves here (~0.4 s measured), and the sorts fit in memory with a little more.
  const rows = await db.transaction(async (tx) => {
    await tx.exec(ENERGY_SESSION);
    return tx.query<EnergyRow>(text, params);
  });
  return rows.map((r) => ({ group: r.group, t: r.t, increase: r.increase }));
}
