-- Photo and file attachments of shared annotations (issue 6), when ATTACHMENT_STORE=db (the
-- default). The Yjs document holds only the reference (id, type, size); the bytes live here.
-- Rows are immutable: an attachment is written once and read many times.
create table attachments (
  id text primary key,
  park_id text not null,
  -- The enterprise whose (enterprise-scoped) document the attachment belongs to; null = the park's.
  enterprise_id text,
  content_type text not null,
  bytes integer not null check (bytes >= 0),
  sha256 text not null,
  name text,
  created_by text,
  created_at timestamptz not null default now(),
  data bytea not null
);
create index attachments_park_idx on attachments (park_id, created_at);
