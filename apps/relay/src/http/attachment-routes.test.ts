import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPark, type Problem } from '@zcp/model';
import { describeWithServer } from '@zcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../attachments/blob-store.js';
import { createFsBlobStore } from '../attachments/fs-blob-store.js';
import { ParkRegistry } from '../parks/park-registry.js';
import type { ReadingStore } from '../storage/reading-store.js';
import { migratedPgliteStore, migratedPostgresStore } from '../test-support/migrated-stores.js';
import { createApiApp } from './api-app.js';

const PARK = demoPark();
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 9, 8, 7]);

interface Setup {
  store: ReadingStore;
  blobs?: BlobStore;
  cleanup(): Promise<void>;
}

function attachmentContract(name: string, setup: () => Promise<Setup>) {
  describe(`attachments in ${name}`, () => {
    let s: Setup;
    beforeAll(async () => {
      s = await setup();
    }, 120_000);
    afterAll(async () => s.cleanup());
    const app = () =>
      createApiApp({ parks: new ParkRegistry([PARK]), store: s.store, now: Date.now, attachmentMaxBytes: 64, ...(s.blobs && { attachments: s.blobs }) });
    const upload = (a: ReturnType<typeof app>, body: Uint8Array, type: string, path = `/api/parks/${PARK.id}/attachments?name=pump.png`) =>
      a.request(path, { method: 'POST', body: body as Uint8Array<ArrayBuffer>, headers: { 'content-type': type } });

    it('stores a photo and gives the same bytes back, with an ETag that answers 304', async () => {
      const a = app();
      const res = await upload(a, PNG, 'image/png');
      expect(res.status, await res.clone().text()).toBe(201);
      const ref = (await res.json()) as { id: string; bytes: number; contentType: string; url: string; name: string };
      expect(ref).toMatchObject({ bytes: PNG.byteLength, contentType: 'image/png', name: 'pump.png' });
      const got = await a.request(ref.url);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/png');
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(PNG);
      const again = await a.request(ref.url, { headers: { 'if-none-match': got.headers.get('etag') ?? '' } });
      expect(again.status).toBe(304);
      const jpeg = await upload(a, JPEG, 'image/jpeg; charset=binary');
      expect(jpeg.status).toBe(201);
    });

    it('refuses wrong types, bytes that do not match the type, empty and oversized bodies, unknown parks and ids — as problem+json', async () => {
      const a = app();
      const cases: [Response, number, string][] = [
        [await upload(a, PNG, 'text/html'), 415, 'unsupported_media_type'],
        [await upload(a, JPEG, 'image/png'), 415, 'content_mismatch'],
        [await upload(a, new Uint8Array(), 'image/png'), 400, 'empty_body'],
        [await upload(a, new Uint8Array(100).fill(0x89), 'image/png'), 413, 'body_too_large'],
        [await upload(a, PNG, 'image/png', '/api/parks/nowhere/attachments'), 404, 'park_not_found'],
        [await a.request('/api/attachments/..%2F..%2Fetc%2Fpasswd'), 400, 'invalid_attachment_id'],
        [await a.request('/api/attachments/not-an-id'), 400, 'invalid_attachment_id'],
        [await a.request('/api/attachments/00000000-0000-4000-8000-000000000000'), 404, 'attachment_not_found'],
      ];
      for (const [res, status, code] of cases) {
        expect(res.status, await res.clone().text()).toBe(status);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(((await res.json()) as Problem).code).toBe(code);
      }
    });
  });
}

const pglite = (): Promise<Setup> => migratedPgliteStore();
attachmentContract('PostgreSQL rows (PGlite)', pglite);
attachmentContract('a directory', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'zcp-attachments-'));
  const base = await pglite();
  return {
    ...base,
    blobs: createFsBlobStore(dir),
    cleanup: async () => {
      await base.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
await describeWithServer(['postgres'], 'attachments on a real server', () => {
  attachmentContract('PostgreSQL rows (real server)', () => migratedPostgresStore('zcp_relay_attachments'));
});
