/** Photo types the relay stores (POST /api/parks/:parkId/attachments). */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** The relay's limit, bytes. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** Photos above this size or side are re-encoded before upload (a phone photo is often 4–8 MB). */
const REENCODE_ABOVE_BYTES = 2.5 * 1024 * 1024;
const MAX_PHOTO_SIDE_PX = 2048;

export interface StoredAttachment {
  id: string;
  contentType: string;
  bytes: number;
}

export class UploadError extends Error {
  constructor(
    readonly code: 'offline' | 'too_large' | 'unsupported_type' | 'http',
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/** Where the bytes of an attachment are served. */
export const attachmentUrl = (id: string) => `/api/attachments/${encodeURIComponent(id)}`;

/**
 * A photo made ready to upload: kept as it is when small and of a stored type, else scaled to at
 * most 2048 px on its long side and re-encoded as JPEG (HEIC and huge camera files included,
 * where the browser can decode them).
 */
export async function preparePhoto(file: Blob): Promise<Blob> {
  const typeOk = (PHOTO_TYPES as readonly string[]).includes(file.type);
  if (typeOk && file.size <= REENCODE_ABOVE_BYTES) return file;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    if (typeOk && file.size <= MAX_ATTACHMENT_BYTES) return file;
    throw new UploadError('unsupported_type', `cannot read a ${file.type || 'file'} as a photo`);
  }
  const scale = Math.min(1, MAX_PHOTO_SIDE_PX / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const out = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.85));
  if (!out) throw new UploadError('unsupported_type', 'could not encode the photo');
  return out;
}

/** Uploads a photo to the park's attachment store; resolves with the stored reference. */
export async function uploadAttachment(parkId: string, body: Blob, name?: string, fetchFn: typeof fetch = (...a) => fetch(...a)): Promise<StoredAttachment> {
  if (body.size > MAX_ATTACHMENT_BYTES) throw new UploadError('too_large', `${body.size} bytes is over the ${MAX_ATTACHMENT_BYTES} byte limit`);
  if (!(PHOTO_TYPES as readonly string[]).includes(body.type))
    throw new UploadError('unsupported_type', `type ${body.type || 'unknown'} is not a stored photo type`);
  let res: Response;
  try {
    const query = name ? `?name=${encodeURIComponent(name.slice(0, 200))}` : '';
    res = await fetchFn(`/api/parks/${encodeURIComponent(parkId)}/attachments${query}`, { method: 'POST', headers: { 'content-type': body.type }, body });
  } catch (err) {
    throw new UploadError('offline', err instanceof Error ? err.message : String(err));
  }
  if (res.status !== 201) {
    let detail = res.statusText;
    try {
      const p = (await res.json()) as { detail?: string; title?: string };
      detail = p.detail ?? p.title ?? detail;
    } catch {
      // not problem+json
    }
    throw new UploadError('http', `${res.status} ${detail}`);
  }
  return (await res.json()) as StoredAttachment;
}
