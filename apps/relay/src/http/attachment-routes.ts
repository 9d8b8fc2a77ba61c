import { z } from 'zod';
import { ATTACHMENT_ID, type BlobStore } from '../attachments/blob-store.js';
import { ApiError } from './api-error.js';
import type { SecuredApp } from './secured-app.js';

export interface AttachmentRouteDeps {
  store: () => BlobStore;
  /** Throws the 400/404 ApiError itself when there is no such park. */
  requirePark: (parkId: string) => void;
  maxBytes: number;
}

/** Types an attachment may have, each with the leading bytes that prove it (the header alone is not trusted). */
const SIGNATURES: Record<string, (b: Uint8Array) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v),
  'image/webp': (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP',
  'application/pdf': (b) => ascii(b, 0, 5) === '%PDF-',
};
export const ATTACHMENT_TYPES = Object.keys(SIGNATURES);

function ascii(b: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...b.subarray(from, to));
}

const UploadQuery = z.object({
  name: z.string().min(1).max(200).optional(),
  /** For an annotation in an enterprise's document (`ent-{id}`): the attachment is that enterprise's. */
  enterpriseId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});

/**
 * Photos and files of shared annotations (issue 6): `POST /api/parks/:parkId/attachments` takes
 * the raw bytes as the body (Content-Type one of ATTACHMENT_TYPES, checked against the bytes)
 * and answers 201 with the reference the annotation stores; `GET /api/attachments/:id` returns
 * the bytes, immutable and cacheable forever (ETag = SHA-256).
 *
 * @example
 * curl -X POST -H 'content-type: image/jpeg' --data-binary @pump.jpg /api/parks/demo/attachments?name=pump.jpg
 */
export function registerAttachmentRoutes(app: SecuredApp, deps: AttachmentRouteDeps): void {
  app.post('/api/parks/:parkId/attachments', async (c) => {
    const parkId = c.req.param('parkId');
    deps.requirePark(parkId);
    const q = UploadQuery.safeParse(c.req.query());
    if (!q.success) throw ApiError.fromZod('invalid_query', q.error, 'query');
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const check = SIGNATURES[type];
    if (!check) throw new ApiError(415, 'unsupported_media_type', `Content-Type must be one of ${ATTACHMENT_TYPES.join(', ')}; got '${type || 'none'}'`);
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > deps.maxBytes) throw new ApiError(413, 'body_too_large', `the body is ${declared} bytes; at most ${deps.maxBytes}`);
    const data = new Uint8Array(await c.req.arrayBuffer());
    if (data.byteLength === 0) throw new ApiError(400, 'empty_body', 'send the file as the request body');
    if (data.byteLength > deps.maxBytes) throw new ApiError(413, 'body_too_large', `the body is ${data.byteLength} bytes; at most ${deps.maxBytes}`);
    if (!check(data)) throw new ApiError(415, 'content_mismatch', `the bytes are not ${type} (their leading bytes do not match)`);
    const meta = await deps.store().put({
      parkId,
      contentType: type,
      data,
      ...(q.data.name !== undefined && { name: q.data.name }),
      ...(q.data.enterpriseId !== undefined && { enterpriseId: q.data.enterpriseId }),
      ...(c.get('principal') && { createdBy: c.get('principal')?.sub }),
    });
    return c.json(
      {
        id: meta.id,
        contentType: meta.contentType,
        bytes: meta.bytes,
        sha256: meta.sha256,
        ...(meta.name !== undefined && { name: meta.name }),
        url: `/api/attachments/${meta.id}`,
      },
      201,
      { location: `/api/attachments/${meta.id}` },
    );
  });

  app.get('/api/attachments/:attachmentId', async (c) => {
    const id = c.req.param('attachmentId');
    if (!ATTACHMENT_ID.test(id)) throw new ApiError(400, 'invalid_attachment_id', `'${id}' is not an attachment id`);
    const etag = c.req.header('if-none-match');
    const blob = await deps.store().get(id);
    if (!blob) throw new ApiError(404, 'attachment_not_found', `no attachment '${id}'`);
    const headers = {
      'content-type': blob.meta.contentType,
      etag: `"${blob.meta.sha256}"`,
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    };
    if (etag === `"${blob.meta.sha256}"`) return c.body(null, 304, headers);
    return c.body(blob.data as Uint8Array<ArrayBuffer>, 200, headers);
  });
}
