import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CollectorError } from '../errors.js';
import type { Logger } from '../logger.js';

/** What a spooled batch must bring back on replay. */
export interface SpoolRecord {
  subject: string;
  msgId: string;
  assetId: string;
  adapterId: string;
  readings: number;
  data: Uint8Array;
}

/** A spooled batch on disk, oldest first by `seq`. */
export interface SpoolEntry {
  seq: number;
  bytes: number;
  readings: number;
  file: string;
}

/**
 * - `always`: fsync each batch file before it is renamed into place, and the directory after:
 *   an acknowledged append survives power loss. One fsync pair per batch (~1–5 ms on SSD).
 * - `never`: leave flushing to the OS: survives a process crash, not a power cut.
 */
export type SpoolFsyncPolicy = 'always' | 'never';

export interface DiskSpoolOptions {
  dir: string;
  /** Bound on the spool's bytes on disk; the oldest batches are dropped to stay under it. */
  maxBytes: number;
  fsync?: SpoolFsyncPolicy;
  logger: Logger;
  /** Called for every batch dropped because the spool was full (drop-oldest policy). */
  onDrop?(entry: SpoolEntry): void;
}

export interface DiskSpool {
  /** Scans the directory: recovers batches of an earlier run, removes half-written ones. */
  open(): Promise<void>;
  /** Appends one batch (serialised with other appends: order on disk = call order). */
  append(record: SpoolRecord): Promise<void>;
  /** The oldest `n` entries (not removed). */
  oldest(n: number): SpoolEntry[];
  read(entry: SpoolEntry): Promise<SpoolRecord>;
  remove(entry: SpoolEntry): Promise<void>;
  /** Batches on disk plus appends not yet written. */
  pending(): number;
  bytes(): number;
  /** Waits for appends in progress. */
  flush(): Promise<void>;
}

export const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;
const SUFFIX = '.batch';
const TMP_SUFFIX = '.tmp';
/** `{seq:16 digits}-{readings}.batch`: order and counts without opening the file. */
const NAME = /^(\d{16})-(\d+)\.batch$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A bounded, ordered on-disk queue of telemetry batches, one file per batch:
 * `[u32 header length][header JSON][payload]`, written to `*.tmp` and renamed into place, so
 * a crash never leaves a torn batch behind (leftover `.tmp` files are deleted on open). The
 * directory listing is the index: file names carry the sequence number and reading count.
 * When an append would exceed `maxBytes`, the OLDEST batches are dropped (newest data is the
 * most useful once the link is back), each reported through `onDrop`.
 *
 * @example
 * const spool = createDiskSpool({ dir: '.data/spool', maxBytes: 256 << 20, logger })
 * await spool.open(); await spool.append(record)
 */
export function createDiskSpool(options: DiskSpoolOptions): DiskSpool {
  const { dir, maxBytes, logger } = options;
  const fsync = options.fsync ?? 'always';
  const entries: SpoolEntry[] = [];
  let head = 0; // entries before `head` were removed (amortised O(1) shift)
  let totalBytes = 0;
  let nextSeq = 1;
  let writing = 0;
  let chain: Promise<void> = Promise.resolve();
  let opened = false;

  const live = () => entries.length - head;
  const compact = () => {
    if (head > 1024 && head * 2 > entries.length) {
      entries.splice(0, head);
      head = 0;
    }
  };
  const fileOf = (seq: number, readings: number) => join(dir, `${String(seq).padStart(16, '0')}-${readings}${SUFFIX}`);

  const syncDir = async () => {
    if (fsync !== 'always') return;
    const h = await open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  };

  const dropOldest = async (need: number) => {
    let dropped = 0;
    let readings = 0;
    while (totalBytes + need > maxBytes && live() > 0) {
      const e = entries[head] as SpoolEntry;
      head++;
      totalBytes -= e.bytes;
      await unlink(e.file).catch(() => {});
      dropped++;
      readings += e.readings;
      options.onDrop?.(e);
    }
    compact();
    if (dropped > 0) {
      logger.error(
        { droppedBatches: dropped, droppedReadings: readings, spoolBatches: live(), spoolBytes: totalBytes, maxBytes },
        'spool full: dropped the oldest batches to keep the newest (policy drop-oldest)',
      );
    }
  };

  const write = async (record: SpoolRecord) => {
    const header = encoder.encode(
      JSON.stringify({ subject: record.subject, msgId: record.msgId, assetId: record.assetId, adapterId: record.adapterId, readings: record.readings }),
    );
    const size = 4 + header.byteLength + record.data.byteLength;
    if (size > maxBytes) throw new CollectorError('publish_failed', `batch of ${size} bytes is larger than the whole spool (${maxBytes} bytes)`);
    await dropOldest(size);
    const seq = nextSeq++;
    const file = fileOf(seq, record.readings);
    const tmp = `${file}${TMP_SUFFIX}`;
    const prefix = new Uint8Array(4);
    new DataView(prefix.buffer).setUint32(0, header.byteLength);
    const h = await open(tmp, 'w');
    try {
      await h.writev([prefix, header, record.data]);
      if (fsync === 'always') await h.sync();
    } finally {
      await h.close();
    }
    await rename(tmp, file);
    await syncDir();
    entries.push({ seq, bytes: size, readings: record.readings, file });
    totalBytes += size;
  };

  return {
    async open() {
      await mkdir(dir, { recursive: true });
      const found: SpoolEntry[] = [];
      for (const name of await readdir(dir)) {
        if (name.endsWith(TMP_SUFFIX)) {
          await unlink(join(dir, name)).catch(() => {});
          continue;
        }
        const m = NAME.exec(name);
        if (!m) continue;
        const file = join(dir, name);
        const h = await open(file, 'r');
        const { size } = await h.stat().finally(() => h.close());
        found.push({ seq: Number(m[1]), readings: Number(m[2]), bytes: size, file });
      }
      found.sort((a, b) => a.seq - b.seq);
      entries.length = 0;
      head = 0;
      entries.push(...found);
      totalBytes = found.reduce((s, e) => s + e.bytes, 0);
      nextSeq = (found.at(-1)?.seq ?? 0) + 1;
      opened = true;
      if (found.length > 0) logger.warn({ batches: found.length, bytes: totalBytes, dir }, 'spool: batches of an earlier run found; they will be replayed');
    },

    append(record) {
      if (!opened) return Promise.reject(new CollectorError('internal', 'spool used before open()'));
      writing++;
      const p = chain.then(() => write(record)).finally(() => writing--);
      chain = p.catch(() => {});
      return p;
    },

    oldest: (n) => entries.slice(head, head + n),

    async read(entry) {
      const buf = await readFile(entry.file);
      if (buf.byteLength < 4) throw new CollectorError('internal', `spool file ${entry.file} is truncated`);
      const len = buf.readUInt32BE(0);
      const header = JSON.parse(decoder.decode(buf.subarray(4, 4 + len))) as Omit<SpoolRecord, 'data'>;
      return { ...header, data: new Uint8Array(buf.buffer, buf.byteOffset + 4 + len, buf.byteLength - 4 - len) };
    },

    async remove(entry) {
      const i = entries.indexOf(entry, head);
      if (i < 0) return; // already dropped (spool full) or removed
      // Index first, synchronously: a concurrent drop must not see the entry any more.
      if (i === head) head++;
      else entries.splice(i, 1);
      totalBytes -= entry.bytes;
      compact();
      await unlink(entry.file).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    },

    pending: () => live() + writing,
    bytes: () => totalBytes,
    flush: () => chain,
  };
}
