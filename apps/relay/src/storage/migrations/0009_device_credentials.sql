-- Device credentials for push ingest (issue 7): per-device bearer tokens, stored only as their
-- SHA-256, revocable. A revoked row stays (who revoked it and when) — credentials are never
-- deleted, so the audit trail can always name them.
create table device_credentials (
  id bigserial primary key,
  park_id text not null,
  device_id text not null,
  token_sha256 text not null unique,
  -- Assets whose every point the device may write, and single points ([] = none).
  assets jsonb not null default '[]'::jsonb,
  points jsonb not null default '[]'::jsonb,
  created_at timestamptz not null default now(),
  created_by text,
  revoked_at timestamptz,
  revoked_by text
);
create index device_credentials_park_idx on device_credentials (park_id, device_id);
