import * as Y from 'yjs';
import type { SqlClient } from '../storage/sql-client.js';
import type { LogTail, StoredUpdate } from './types.js';

// SQL of the document log (tables in storage/migrations/0006_collab.sql). The same text runs on
// PostgreSQL (`postgres` client: bytea in as Uint8Array, out as Buffer) and PGlite (Uint8Array),
// with bigint sequence numbers read as float8 so both return JS numbers.

/** Both clients hand bytea back as a Uint8Array (a Buffer is one); copy-free view either way. */
function bytesOf(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError('expected bytea');
}

/**
 * Snapshot (when compaction passed `sinceSeq`) and log rows after it, in ONE statement so a
 * compaction committing in between cannot make rows vanish between two reads.
 */
const READ_TAIL = `
with s as (select through_seq, state from collab_doc_snapshots where doc_key = $1 and through_seq > $2::bigint)
select 0 as kind, through_seq::float8 as seq, state as bytes from s
union all
select 1 as kind, u.seq::float8, u.update from collab_doc_updates u
 where u.doc_key = $1 and u.seq > greatest($2::bigint, coalesce((select through_seq from s), 0))
order by kind, seq`;

export async function readLogTail(sql: SqlClient, key: string, sinceSeq: number): Promise<LogTail> {
  const rows = await sql.query<{ kind: number; seq: number; bytes: unknown }>(READ_TAIL, [key, sinceSeq]);
  const tail: LogTail = { updates: [] };
  for (const r of rows) {
    if (Number(r.kind) === 0) tail.snapshot = { throughSeq: Number(r.seq), state: bytesOf(r.bytes) };
    else tail.updates.push({ seq: Number(r.seq), bytes: bytesOf(r.bytes) });
  }
  return tail;
}

/**
 * Appends updates and returns their numbers, in ONE statement (one round trip, its own
 * transaction): the upsert on collab_docs takes the numbers and holds that row's lock until the
 * statement commits, so one document's numbers commit in order.
 */
export async function appendUpdates(sql: SqlClient, key: string, updates: readonly Uint8Array[]): Promise<number[]> {
  if (updates.length === 0) return [];
  const params: unknown[] = [key, updates.length];
  const values = updates.map((u, i) => {
    params.push(u);
    return `(${i + 1}, $${params.length}::bytea)`;
  });
  const rows = await sql.query<{ seq: number }>(
    `with n as (
       insert into collab_docs (doc_key, last_seq) values ($1, $2::bigint)
       on conflict (doc_key) do update set last_seq = collab_docs.last_seq + excluded.last_seq
       returning last_seq
     )
     insert into collab_doc_updates (doc_key, seq, update)
     select $1, n.last_seq - $2::bigint + v.ord, v.bytes from n, (values ${values.join(', ')}) as v(ord, bytes)
     returning seq::float8 as seq`,
    params,
  );
  const seqs = rows.map((r) => Number(r.seq)).sort((x, y) => x - y);
  if (seqs.length !== updates.length) throw new Error(`stored ${seqs.length} of ${updates.length} updates`);
  return seqs;
}

/**
 * Most log rows one compaction merges. The merge runs on the relay's event loop, so a long log
 * is folded in several short steps (the caller yields between them) rather than one long stall
 * of every document's traffic.
 */
export const COMPACT_CHUNK_ROWS = 256;

export interface CompactionResult {
  /** Log rows merged into the snapshot (0: nothing to do). */
  merged: number;
  throughSeq: number;
  snapshotBytes: number;
}

/**
 * Merges the oldest log rows (at most `maxRows`) into the snapshot (Y.mergeUpdates) and deletes
 * them, in one transaction. The snapshot row is locked first so two relays compacting at once take turns;
 * writers are not blocked (they only touch collab_docs and new rows).
 */
export async function compactLog(sql: SqlClient, key: string, maxRows = COMPACT_CHUNK_ROWS): Promise<CompactionResult> {
  return sql.transaction(async (tx) => {
    const [snap] = await tx.query<{ through: number; state: unknown }>(
      'select through_seq::float8 as through, state from collab_doc_snapshots where doc_key = $1 for update',
      [key],
    );
    const since = snap ? Number(snap.through) : 0;
    const rows = await tx.query<{ seq: number; bytes: unknown }>(
      'select seq::float8 as seq, update as bytes from collab_doc_updates where doc_key = $1 and seq > $2::bigint order by seq limit $3',
      [key, since, maxRows],
    );
    if (rows.length === 0) return { merged: 0, throughSeq: since, snapshotBytes: snap ? bytesOf(snap.state).length : 0 };
    const parts: StoredUpdate[] = rows.map((r) => ({ seq: Number(r.seq), bytes: bytesOf(r.bytes) }));
    const state = Y.mergeUpdates([...(snap ? [bytesOf(snap.state)] : []), ...parts.map((p) => p.bytes)]);
    const throughSeq = parts[parts.length - 1]?.seq ?? since;
    await tx.query(
      `insert into collab_doc_snapshots (doc_key, through_seq, state, updated_at) values ($1, $2::bigint, $3::bytea, now())
       on conflict (doc_key) do update set through_seq = excluded.through_seq, state = excluded.state, updated_at = now()
       where collab_doc_snapshots.through_seq < excluded.through_seq`,
      [key, throughSeq, state],
    );
    await tx.query('delete from collab_doc_updates where doc_key = $1 and seq <= $2::bigint', [key, throughSeq]);
    return { merged: parts.length, throughSeq, snapshotBytes: state.length };
  });
}

/** Log rows not yet compacted. */
export async function logLength(sql: SqlClient, key: string): Promise<number> {
  const [row] = await sql.query<{ n: number }>('select count(*)::float8 as n from collab_doc_updates where doc_key = $1', [key]);
  return Number(row?.n ?? 0);
}
