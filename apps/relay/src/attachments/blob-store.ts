/**
 * Where attachment bytes live. One interface, two stores: PostgreSQL (`db`, the default — the
 * same database as everything else, so one backup holds it all) and a directory (`fs`, for
 * large deployments that put it on a mounted volume or an S3-compatible filesystem).
 *
 * @example
 * const ref = await store.put({ parkId: 'demo', contentType: 'image/jpeg', data, createdBy: 'u1' })
 * const blob = await store.get(ref.id)
 */
export interface AttachmentMeta {
  id: string;
  parkId: string;
  /** Set when it belongs to an enterprise's document: only who may read that enterprise may read it. */
  enterpriseId?: string;
  contentType: string;
  bytes: number;
  /** Hex SHA-256 of the bytes: the ETag, and a check on read. */
  sha256: string;
  name?: string;
  createdBy?: string;
  createdAt: number;
}

export interface AttachmentInput {
  parkId: string;
  enterpriseId?: string;
  contentType: string;
  data: Uint8Array;
  name?: string;
  createdBy?: string;
}

export interface BlobStore {
  readonly kind: 'db' | 'fs';
  put(input: AttachmentInput): Promise<AttachmentMeta>;
  /** The attachment, or undefined when there is none with this id. */
  get(id: string): Promise<{ meta: AttachmentMeta; data: Uint8Array } | undefined>;
}

export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Attachment ids are random UUIDs: unguessable and safe in paths and URLs. */
export const ATTACHMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A new attachment's metadata: a random id, the size and SHA-256 of the bytes, who and when. */
export async function newAttachmentMeta(input: AttachmentInput, createdAt: number): Promise<AttachmentMeta> {
  return {
    id: crypto.randomUUID(),
    parkId: input.parkId,
    ...(input.enterpriseId !== undefined && { enterpriseId: input.enterpriseId }),
    contentType: input.contentType,
    bytes: input.data.byteLength,
    sha256: await sha256Hex(input.data),
    ...(input.name !== undefined && { name: input.name }),
    ...(input.createdBy !== undefined && { createdBy: input.createdBy }),
    createdAt,
  };
}
