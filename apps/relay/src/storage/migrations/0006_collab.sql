-- 0006: shared Yjs documents (issue 6). See apps/relay/src/collab/README.md.
--
-- collab_docs: one row per document key (`{parkId}/{docId}`) holding the last sequence number
-- handed out. Writers take the next numbers with an upsert on this row, so the row lock
-- serialises writers of one document until commit: update-log numbers commit in order, and a
-- reader that has seen seq n has seen every seq < n (what the relays' catch-up reads rely on).
create table collab_docs (
  doc_key text primary key,
  last_seq bigint not null check (last_seq >= 0),
  created_at timestamptz not null default now()
);

-- collab_doc_updates: append-only log of Yjs updates, stored before the client is acknowledged.
create table collab_doc_updates (
  doc_key text not null,
  seq bigint not null check (seq > 0),
  update bytea not null,
  created_at timestamptz not null default now(),
  primary key (doc_key, seq)
);

-- collab_doc_snapshots: the log merged up to and including `through_seq` (Y.mergeUpdates);
-- compaction writes it and deletes the log rows it covers in the same transaction.
create table collab_doc_snapshots (
  doc_key text primary key,
  through_seq bigint not null check (through_seq > 0),
  state bytea not null,
  updated_at timestamptz not null default now()
);
