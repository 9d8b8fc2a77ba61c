-- 0002: readings range-partitioned by day, partition helpers, and the rollup work queue.
--
-- Why partitions: retention drops a whole day (`drop table`, instant, no bloat, no vacuum)
-- instead of deleting rows, and each day's B-tree stays small enough to stay cached.
--
-- Indexes, chosen by measurement (apps/relay/src/storage/bench-dedup.ts, docs/BENCHMARKS.md):
--   * primary key (point_id, ts): identity of a reading and the path of every per-point query
--     (history, latest). The writer COPYs straight into it; a unique violation means a
--     redelivered batch and switches that flush to a staging merge (see copy-writer.ts).
--     Measured: COPY into it costs the same as COPY into a plain B-tree with a batch-id table,
--     twice as fast as merging every flush through staging.
--   * BRIN (ts): the rollup job reads "every point in this minute"; a BRIN over
--     time-ordered inserts answers that with a few KB of index, for ≈ 10 % of write speed.

-- Partition bounds are UTC whatever the session's TimeZone; names are <parent>_pYYYYMMDD /
-- _pYYYYMM / _pYYYY.
create or replace function zcp_partition_start(unit text, t timestamptz) returns timestamptz
language sql immutable as $$
  select date_trunc(unit, t at time zone 'UTC') at time zone 'UTC'
$$;

-- Creates the missing partitions of `parent` (range-partitioned on a timestamptz) that cover
-- [from_ts, to_ts]. Safe to race: a partition created meanwhile by another relay is fine.
create or replace function zcp_ensure_partitions(parent text, unit text, from_ts timestamptz, to_ts timestamptz)
returns int language plpgsql as $$
declare
  lo timestamptz;
  hi timestamptz;
  part text;
  created int := 0;
begin
  if unit not in ('day', 'month', 'year') then
    raise exception 'partition unit % is not day, month or year', unit;
  end if;
  lo := zcp_partition_start(unit, from_ts);
  while lo <= to_ts loop
    hi := ((lo at time zone 'UTC') + ('1 ' || unit)::interval) at time zone 'UTC';
    part := parent || '_p' || to_char(lo at time zone 'UTC', case unit when 'day' then 'YYYYMMDD' when 'month' then 'YYYYMM' else 'YYYY' end);
    if to_regclass(part) is null then
      begin
        execute format('create table %I partition of %I for values from (%L) to (%L)', part, parent, lo, hi);
        created := created + 1;
      exception when duplicate_table or unique_violation then
        null; -- another relay created it first
      end;
    end if;
    lo := hi;
  end loop;
  return created;
end
$$;

-- Drops the partitions of `parent` that end at or before `cutoff`; returns their names.
create or replace function zcp_drop_partitions_before(parent text, cutoff timestamptz)
returns setof text language plpgsql as $$
declare
  r record;
  hi timestamptz;
begin
  for r in
    select c.relname::text as name, pg_get_expr(c.relpartbound, c.oid) as bound
    from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = parent::regclass
  loop
    hi := substring(r.bound from 'TO \(''([^'']+)''\)')::timestamptz;
    if hi is not null and hi <= cutoff then
      execute format('drop table %I', r.name);
      return next r.name;
    end if;
  end loop;
end
$$;

alter table readings rename to readings_unpartitioned;
alter table readings_unpartitioned rename constraint readings_pkey to readings_unpartitioned_pkey;

create table readings (
  point_id integer not null,
  ts timestamptz not null,
  value double precision not null,
  -- QUALITY_CODE of @zcp/model: 0 good, 1 uncertain, 2 bad, 3 stale.
  quality smallint not null default 0,
  primary key (point_id, ts)
) partition by range (ts);
create index readings_ts_brin on readings using brin (ts);

select zcp_ensure_partitions('readings', 'day', min(ts), max(ts)) from readings_unpartitioned having count(*) > 0;
insert into readings select point_id, ts, value, quality from readings_unpartitioned;
drop table readings_unpartitioned;

-- Minutes that received rows and need (re)rolling up. The writer marks them in the same
-- transaction as the rows (`on conflict do nothing`); the rollup job deletes a mark and
-- re-aggregates that minute from raw, so late data is rolled up again, exactly.
create table rollup_pending (
  bucket timestamptz primary key
);
insert into rollup_pending (bucket) select distinct date_trunc('minute', ts) from readings;
