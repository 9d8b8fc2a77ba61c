import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ATTACHMENT_ID, type AttachmentInput, type AttachmentMeta, type BlobStore, newAttachmentMeta } from './blob-store.js';

/**
 * Attachments as files under `dir`: `{id}.bin` with a `{id}.json` beside it. Both are written
 * to a temporary name and renamed, metadata last, so a crash never leaves a readable half file.
 */
export function createFsBlobStore(dir: string): BlobStore {
  const ready = mkdir(dir, { recursive: true });
  return {
    kind: 'fs',
    async put(input: AttachmentInput): Promise<AttachmentMeta> {
      await ready;
      const meta = await newAttachmentMeta(input, Date.now());
      const base = join(dir, meta.id);
      await writeFile(`${base}.bin.tmp`, input.data);
      await rename(`${base}.bin.tmp`, `${base}.bin`);
      await writeFile(`${base}.json.tmp`, JSON.stringify(meta));
      await rename(`${base}.json.tmp`, `${base}.json`);
      return meta;
    },
    async get(id: string) {
      if (!ATTACHMENT_ID.test(id)) return undefined;
      const base = join(dir, id);
      let metaText: string;
      try {
        metaText = await readFile(`${base}.json`, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      const meta = JSON.parse(metaText) as AttachmentMeta;
      const data = new Uint8Array(await readFile(`${base}.bin`));
      return { meta, data };
    },
  };
}
