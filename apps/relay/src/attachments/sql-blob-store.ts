import type { SqlClient } from '../storage/sql-client.js';
import { ATTACHMENT_ID, type AttachmentInput, type AttachmentMeta, type BlobStore, newAttachmentMeta } from './blob-store.js';

interface Row {
  id: string;
  park_id: string;
  enterprise_id: string | null;
  content_type: string;
  bytes: number;
  sha256: string;
  name: string | null;
  created_by: string | null;
  created_ms: number;
  data: Uint8Array;
}

/** Attachments in the `attachments` table (migration 0007), on PostgreSQL or PGlite alike. */
export function createSqlBlobStore(sql: () => SqlClient): BlobStore {
  return {
    kind: 'db',
    async put(input: AttachmentInput): Promise<AttachmentMeta> {
      const meta = await newAttachmentMeta(input, 0);
      const [row] = await sql().query<{ created_ms: number }>(
        `insert into attachments (id, park_id, enterprise_id, content_type, bytes, sha256, name, created_by, data)
         values ($1, $2, $9, $3, $4, $5, $6, $7, $8)
         returning (extract(epoch from created_at) * 1000)::float8 as created_ms`,
        [meta.id, meta.parkId, meta.contentType, meta.bytes, meta.sha256, input.name ?? null, input.createdBy ?? null, input.data, input.enterpriseId ?? null],
      );
      meta.createdAt = Math.round(row?.created_ms ?? Date.now());
      return meta;
    },
    async get(id: string) {
      if (!ATTACHMENT_ID.test(id)) return undefined;
      const [row] = await sql().query<Row>(
        `select id, park_id, enterprise_id, content_type, bytes, sha256, name, created_by,
                (extract(epoch from created_at) * 1000)::float8 as created_ms, data
           from attachments where id = $1`,
        [id],
      );
      if (!row) return undefined;
      const meta: AttachmentMeta = {
        id: row.id,
        parkId: row.park_id,
        ...(row.enterprise_id !== null && { enterpriseId: row.enterprise_id }),
        contentType: row.content_type,
        bytes: row.bytes,
        sha256: row.sha256,
        ...(row.name !== null && { name: row.name }),
        ...(row.created_by !== null && { createdBy: row.created_by }),
        createdAt: Math.round(row.created_ms),
      };
      return { meta, data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength) };
    },
  };
}
