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

/** One segment file on disk: the batches of one group commit, oldest segment first by `seq`. */
export interface SpoolEntry {
  seq: number;
  bytes: number;
  batches: number;
  readings: number;
  file: string;
}

/**
 * - `always`: fsync each segment before it is renamed into place, and the directory after:
 *   an append that resolved survives power loss. One fsync pair per segment — appends that
 *   arrive while one is being written share the next (group commit).
 * - `never`: leave flushing to the OS: survives a process crash, not a power cut.
 */
export type SpoolFsyncPolicy = 'always' | 'never';

export interface DiskSpoolOptions {
  dir: string;
  /** Bound on the spool's bytes on disk; the oldest segments are dropped to stay under it. */
  maxBytes: number;
  fsync?: SpoolFsyncPolicy;
  logger: Logger;
  /** Called for every segment dropped because the spool was full (drop-oldest policy). */
  onDrop?(entry: SpoolEntry): void;
}

export interface DiskSpool {
  /** Scans the directory: recovers segments of an earlier run, removes half-written ones. */
  open(): Promise<void>;
  /** Appends one batch; resolves once it is on disk (order on disk = call order). */
  append(record: SpoolRecord): Promise<void>;
  /** The oldest `n` segments (not removed). */
  oldest(n: number): SpoolEntry[];
  /** The batches of a segment, in append order. */
  read(entry: SpoolEntry): Promise<SpoolRecord[]>;
  remove(entry: SpoolEntry): Promise<void>;
  /** Batches on disk plus appends not yet written. */
  pending(): number;
  bytes(): number;
  /** Waits for appends in progress. */
  flush(): Promise<void>;
}

export const DEFAULT_SPOOL_MAX_BYTES = 256 * 1024 * 1024;
/** Largest group commit: keeps one segment (and one replay read) a few MB at most. */
export const MAX_SEGMENT_BYTES = 4 * 1024 * 1024;
const SUFFIX = '.seg';
const TMP_SUFFIX = '.tmp';
/** `{seq:16 digits}-{batches}-{readings}.seg`: order and counts without opening the file. */
const NAME = /^(\d{16})-(\d+)-(\d+)\.seg$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Queued {
  record: SpoolRecord;
  header: Uint8Array;
  size: number;
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * A bounded, ordered on-disk queue of telemetry batches in append-only segment files:
 * `([u32 header length][header JSON][u32 payload length][payload])*`. Appends queue while a
 * segment is being written and go into the next one together (group commit: one fsync for
 * many batches). A segment is written to `*.tmp` and renamed into place, so a crash never
 * leaves a torn segment (leftover `.tmp` files are deleted on open). The directory listing is
 * the index: names carry the sequence number and the batch and reading counts. When a
 * segment would push the spool over `maxBytes`, the OLDEST segments are dropped (newest data
 * is the most useful once the link is back), each reported through `onDrop`.
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
  let liveBatches = 0;
  let nextSeq = 1;
  const queue: Queued[] = [];
  let writingBatches = 0;
  let writer: Promise<void> | undefined;
  let opened = false;

  const live = () => entries.length - head;
  const compact = () => {
    if (head > 1024 && head * 2 > entries.length) {
      entries.splice(0, head);
      head = 0;
    }
  };
  const forget = (e: SpoolEntry) => {
    totalBytes -= e.bytes;
    liveBatches -= e.batches;
  };

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
    let batches = 0;
    let readings = 0;
    while (totalBytes + need > maxBytes && live() > 0) {
      const e = entries[head] as SpoolEntry;
      head++;
      forget(e);
      await unlink(e.file).catch(() => {});
      batches += e.batches;
      readings += e.readings;
      options.onDrop?.(e);
    }
    compact();
    if (batches > 0) {
      logger.error(
        { droppedBatches: batches, droppedReadings: readings, spoolBatches: liveBatches, spoolBytes: totalBytes, maxBytes },
        'spool full: dropped the oldest batches to keep the newest (policy drop-oldest)',
      );
    }
  };

  const writeSegment = async (group: Queued[]) => {
    const size = group.reduce((s, q) => s + q.size, 0);
    await dropOldest(size);
    const seq = nextSeq++;
    const readings = group.reduce((s, q) => s + q.record.readings, 0);
    const file = join(dir, `${String(seq).padStart(16, '0')}-${group.length}-${readings}${SUFFIX}`);
    const tmp = `${file}${TMP_SUFFIX}`;
    const parts: Uint8Array[] = [];
    for (const q of group) {
      const lens = new Uint8Array(4);
      new DataView(lens.buffer).setUint32(0, q.header.byteLength);
      const dlen = new Uint8Array(4);
      new DataView(dlen.buffer).setUint32(0, q.record.data.byteLength);
      parts.push(lens, q.header, dlen, q.record.data);
    }
    const h = await open(tmp, 'w');
    try {
      await h.writev(parts);
      if (fsync === 'always') await h.sync();
    } finally {
      await h.close();
    }
    await rename(tmp, file);
    await syncDir();
    entries.push({ seq, bytes: size, batches: group.length, readings, file });
    totalBytes += size;
    liveBatches += group.length;
  };

  // Small against the bound, so that dropping one segment frees room without emptying the spool.
  const segmentCap = Math.min(MAX_SEGMENT_BYTES, Math.floor(maxBytes / 8));
  const drainQueue = async () => {
    while (queue.length > 0) {
      const group: Queued[] = [];
      let bytes = 0;
      while (queue.length > 0 && (group.length === 0 || bytes + (queue[0] as Queued).size <= segmentCap)) {
        const q = queue.shift() as Queued;
        group.push(q);
        bytes += q.size;
      }
      writingBatches = group.length;
      try {
        await writeSegment(group);
        for (const q of group) q.resolve();
      } catch (e) {
        for (const q of group) q.reject(e);
      } finally {
        writingBatches = 0;
      }
    }
    writer = undefined;
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
        found.push({ seq: Number(m[1]), batches: Number(m[2]), readings: Number(m[3]), bytes: size, file });
      }
      found.sort((a, b) => a.seq - b.seq);
      entries.length = 0;
      head = 0;
      entries.push(...found);
      totalBytes = found.reduce((s, e) => s + e.bytes, 0);
      liveBatches = found.reduce((s, e) => s + e.batches, 0);
      nextSeq = (found.at(-1)?.seq ?? 0) + 1;
      opened = true;
      if (found.length > 0) logger.warn({ batches: liveBatches, bytes: totalBytes, dir }, 'spool: batches of an earlier run found; they will be replayed');
    },

    append(record) {
      if (!opened) return Promise.reject(new CollectorError('internal', 'spool used before open()'));
      const header = encoder.encode(
        JSON.stringify({ subject: record.subject, msgId: record.msgId, assetId: record.assetId, adapterId: record.adapterId, readings: record.readings }),
      );
      const size = 8 + header.byteLength + record.data.byteLength;
      if (size > maxBytes || size > MAX_SEGMENT_BYTES) {
        return Promise.reject(
          new CollectorError('publish_failed', `batch of ${size} bytes is larger than the spool allows (${Math.min(maxBytes, MAX_SEGMENT_BYTES)} bytes)`),
        );
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ record, header, size, resolve, reject });
        writer ??= Promise.resolve().then(drainQueue);
      });
    },

    oldest: (n) => entries.slice(head, head + n),

    async read(entry) {
      const buf = await readFile(entry.file);
      const out: SpoolRecord[] = [];
      let at = 0;
      while (at < buf.byteLength) {
        if (at + 4 > buf.byteLength) throw new CollectorError('internal', `spool segment ${entry.file} is truncated`);
        const hlen = buf.readUInt32BE(at);
        const header = JSON.parse(decoder.decode(buf.subarray(at + 4, at + 4 + hlen))) as Omit<SpoolRecord, 'data'>;
        at += 4 + hlen;
        if (at + 4 > buf.byteLength) throw new CollectorError('internal', `spool segment ${entry.file} is truncated`);
        const dlen = buf.readUInt32BE(at);
        at += 4;
        if (at + dlen > buf.byteLength) throw new CollectorError('internal', `spool segment ${entry.file} is truncated`);
        out.push({ ...header, data: new Uint8Array(buf.buffer, buf.byteOffset + at, dlen) });
        at += dlen;
      }
      return out;
    },

    async remove(entry) {
      const i = entries.indexOf(entry, head);
      if (i < 0) return; // already dropped (spool full) or removed
      // Index first, synchronously: a concurrent drop must not see the entry any more.
      if (i === head) head++;
      else entries.splice(i, 1);
      forget(entry);
      compact();
      await unlink(entry.file).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    },

    pending: () => liveBatches + writingBatches + queue.length,
    bytes: () => totalBytes,
    flush: async () => {
      while (writer) await writer;
    },
  };
}
