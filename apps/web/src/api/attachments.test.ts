import { describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES, UploadError, uploadAttachment } from './attachments.js';

const png = () => new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])], { type: 'image/png' });

describe('photo upload', () => {
  it('posts the raw bytes with their type (and name) to the park’s attachments', async () => {
    const calls: { url: string; init: RequestInit | undefined }[] = [];
    const fetchFn = (async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ id: 'a1', contentType: 'image/png', bytes: 11 }), { status: 201, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    const stored = await uploadAttachment('demo park', png(), '泵.png', fetchFn);
    expect(stored).toEqual({ id: 'a1', contentType: 'image/png', bytes: 11 });
    expect(calls[0]?.url).toBe(`/api/parks/demo%20park/attachments?name=${encodeURIComponent('泵.png')}`);
    const init = calls[0]?.init;
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('content-type')).toBe('image/png');
  });
  it('says why it failed: offline, too large, wrong type, or the relay’s reason', async () => {
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    await expect(uploadAttachment('p', png(), undefined, offline)).rejects.toMatchObject({ code: 'offline' });
    const big = new Blob([new Uint8Array(MAX_ATTACHMENT_BYTES + 1)], { type: 'image/jpeg' });
    await expect(uploadAttachment('p', big, undefined, offline)).rejects.toMatchObject({ code: 'too_large' });
    await expect(uploadAttachment('p', new Blob(['x'], { type: 'text/plain' }), undefined, offline)).rejects.toBeInstanceOf(UploadError);
    const refused = (async () =>
      new Response(JSON.stringify({ code: 'content_mismatch', detail: 'the bytes are not image/png' }), { status: 415 })) as typeof fetch;
    await expect(uploadAttachment('p', png(), undefined, refused)).rejects.toThrow(/415 the bytes are not image\/png/);
  });
});
