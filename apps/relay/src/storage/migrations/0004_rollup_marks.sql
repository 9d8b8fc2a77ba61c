-- 0004: rollup_pending becomes an append-only log of marks (bucket, marked_at).
--
-- With a primary key on bucket, every writer's `insert … on conflict` had to wait for a rollup
-- round that was deleting the same minute (seconds, under a backfill), and the round could
-- not tell a minute still being filled from a finished one, so a backfill re-rolled the same
-- minute every round. Now writers only append (no conflicts, no waits), and a round takes a
-- minute once its newest mark is older than the quiet period (ROLLUP_QUIET_MS), deleting the
-- marks it saw; a mark committed after that is left for the next round.
alter table rollup_pending drop constraint rollup_pending_pkey;
alter table rollup_pending add column marked_at timestamptz not null default now();
create index rollup_pending_bucket on rollup_pending (bucket);
