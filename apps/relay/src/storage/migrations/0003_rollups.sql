-- 0003: rollups of readings at 1 minute, 1 hour and 1 day (storage/rollups/ maintains them).
--
-- One row per (point, bucket) that holds at least one reading. Every column is exact for
-- the readings in the bucket, so coarser rows are built from finer ones without going back
-- to raw: count n, sum (avg = sum / n), min, max, the first and the last reading (value and
-- ts), and `increase`: the counter increase between consecutive readings INSIDE the bucket,
-- a drop counting as a reset (the new value is the increase from 0). The step from the
-- previous bucket's last reading to this bucket's first is not stored: readers add it with
-- lag() over the buckets they read, so late data only ever changes the bucket it lands in,
-- and the sum of any resolution's energy over a period is the same number.
--
-- Partitioned by range on bucket so retention drops partitions (storage/rollups/tables.ts):
--   rollup_1m monthly (~45k rows per point a month: the unit that retention drops, 90 days),
--   rollup_1h yearly  (8,760 rows per point a year, kept 3 years),
--   rollup_1d yearly  (365 rows per point a year, kept for good — annual carbon reports).
-- The worker creates the partitions it writes into (zcp_ensure_partitions of 0002); the
-- maintenance loop creates them ahead and drops expired ones.
--
-- The worker reads raw minutes through 0002's BRIN index on readings(ts); the pending
-- minutes of readings stored before 0002 were marked there too.
--
-- Primary key (point_id, bucket) only: every read is one point (or a set of points) over a
-- time range, and the worker rebuilds coarser rows per (point, hour/day) through it too.
create table rollup_1m (
  point_id integer not null,
  bucket timestamptz not null,
  n integer not null,
  sum double precision not null,
  min double precision not null,
  max double precision not null,
  first_ts timestamptz not null,
  first_value double precision not null,
  last_ts timestamptz not null,
  last_value double precision not null,
  increase double precision not null,
  primary key (point_id, bucket)
) partition by range (bucket);

create table rollup_1h (
  point_id integer not null,
  bucket timestamptz not null,
  n integer not null,
  sum double precision not null,
  min double precision not null,
  max double precision not null,
  first_ts timestamptz not null,
  first_value double precision not null,
  last_ts timestamptz not null,
  last_value double precision not null,
  increase double precision not null,
  primary key (point_id, bucket)
) partition by range (bucket);

create table rollup_1d (
  point_id integer not null,
  bucket timestamptz not null,
  n integer not null,
  sum double precision not null,
  min double precision not null,
  max double precision not null,
  first_ts timestamptz not null,
  first_value double precision not null,
  last_ts timestamptz not null,
  last_value double precision not null,
  increase double precision not null,
  primary key (point_id, bucket)
) partition by range (bucket);

-- Everything before rolled_to has been rolled up at every resolution at least once (late
-- data re-marks an old minute and is re-rolled within a round); readers take [rolled_to, …)
-- from raw, so the newest readings are never missing from history. '-infinity' = nothing
-- rolled yet: every read goes to raw until the worker catches up.
create table rollup_horizon (
  singleton boolean primary key default true check (singleton),
  rolled_to timestamptz not null
);
insert into rollup_horizon (singleton, rolled_to) values (true, '-infinity');
