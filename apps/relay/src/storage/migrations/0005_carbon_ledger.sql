-- 0005: carbon ledgers (issue 5, periodic accounting).
--
-- carbon_manual_items: activity figures and certificates entered by hand or imported, one row
-- per figure, per park, enterprise and month; `record` is the model's ActivityItem or
-- Certificate (validated before insert), `source` its source note.
create table carbon_manual_items (
  id bigint generated always as identity primary key,
  park_id text not null,
  enterprise_id text not null,
  month text not null check (month ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  record_type text not null check (record_type in ('activity', 'certificate')),
  record jsonb not null,
  source text not null,
  created_at timestamptz not null default now()
);
create index carbon_manual_items_park_month on carbon_manual_items (park_id, month);

-- carbon_ledger_entries: append-only. Every computation of a period adds a row with the exact
-- input it ran on (a zcp.carbon.activity/v1 document, parameter overrides included) and the
-- parameter and factor-dataset versions it used, so an older result stays reproducible after
-- a factor changes; the latest row of a period (by computed_at, then id) is the current one.
create table carbon_ledger_entries (
  id bigint generated always as identity primary key,
  park_id text not null,
  period_kind text not null check (period_kind in ('month', 'quarter', 'year')),
  period text not null,
  period_from text not null,
  period_to text not null,
  scope text not null check (scope in ('park', 'enterprise')),
  enterprise_id text,
  check ((scope = 'park') = (enterprise_id is null)),
  result jsonb not null,
  input jsonb not null,
  parameter_versions jsonb not null,
  factor_versions jsonb not null,
  valid boolean not null,
  computed_at timestamptz not null
);
create index carbon_ledger_entries_period on carbon_ledger_entries (park_id, period, scope, enterprise_id, computed_at desc, id desc);
