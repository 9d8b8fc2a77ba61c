-- 0001: one row per reading of one point.
--
-- Identity is (point_id, ts): a reading redelivered by the bus lands on the same key and
-- the idempotent insert skips it.
--
-- Index choice: the primary key's B-tree on (point_id, ts) is the only index, on purpose.
-- Every query the relay makes leads with one point and a time range or "newest first":
--   history  -> where point_id = $1 and ts >= $2 and ts < $3   (range scan)
--   latest   -> order by ts desc limit 1 per point              (backward scan, 1 row)
--   points   -> skip scan over distinct point_id                 (recursive CTE)
-- so a second index would only slow ingest. Not added, with reasons:
--   * index on (ts) / BRIN(ts): nothing filters by time across all points yet; retention
--     comes with the partitioning issue (drop whole partitions, no delete by ts).
--   * INCLUDE (value, quality) for index-only scans: makes the index as big as the heap
--     and doubles write volume for a gain only on a fully vacuumed table.
create table readings (
  point_id integer not null,
  ts timestamptz not null,
  value double precision not null,
  -- QUALITY_CODE of @zcp/model: 0 good, 1 uncertain, 2 bad, 3 stale.
  quality smallint not null default 0,
  primary key (point_id, ts)
);
