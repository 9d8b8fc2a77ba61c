import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../logger.js';
import { createDiskSpool, type SpoolEntry, type SpoolRecord } from './disk-spool.js';

const logged: { level: string; obj: unknown; msg?: string }[] = [];
const recorder: Logger = {
  debug: () => {},
  info: () => {},
  warn: (obj: unknown, msg?: string) => logged.push({ level: 'warn', obj, msg }),
  error: (obj: unknown, msg?: string) => logged.push({ level: 'error', obj, msg }),
  child: () => recorder,
};
const record = (i: number, payloadBytes = 100): SpoolRecord => ({
  subject: `park.t.telemetry.a${i}`,
  msgId: `c:run:a:${i}`,
  assetId: `a${i}`,
  adapterId: 'sim',
  readings: i + 1,
  data: new Uint8Array(payloadBytes).fill(i % 256),
});
const SIZE = (r: SpoolRecord) =>
  8 +
  new TextEncoder().encode(JSON.stringify({ subject: r.subject, msgId: r.msgId, assetId: r.assetId, adapterId: r.adapterId, readings: r.readings }))
    .byteLength +
  r.data.byteLength;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zcp-spool-'));
  logged.length = 0;
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('disk spool', () => {
  it.each(['always', 'never'] as const)('keeps batches in order and round-trips them byte for byte (fsync %s)', async (fsync) => {
    const spool = createDiskSpool({ dir, maxBytes: 1e6, fsync, logger: recorder });
    await spool.open();
    // Appended together: group-committed into as few segments as the writer needs.
    await Promise.all([0, 1, 2, 3, 4].map((i) => spool.append(record(i))));
    expect(spool.pending()).toBe(5);
    const segments = spool.oldest(10);
    expect(segments.reduce((s, e) => s + e.batches, 0)).toBe(5);
    expect(segments.length).toBeLessThan(5);
    const all = (await Promise.all(segments.map((e) => spool.read(e)))).flat();
    expect(all).toEqual([0, 1, 2, 3, 4].map((i) => record(i)));
    expect(spool.bytes()).toBe([0, 1, 2, 3, 4].reduce((s, i) => s + SIZE(record(i)), 0));
    await spool.remove(segments[0] as SpoolEntry);
    expect(spool.pending()).toBe(5 - (segments[0]?.batches ?? 0));
  });

  it('writes one segment per append when appends do not overlap', async () => {
    const spool = createDiskSpool({ dir, maxBytes: 1e6, logger: recorder });
    await spool.open();
    for (const i of [0, 1, 2]) await spool.append(record(i));
    expect(spool.oldest(10).map((e) => [e.batches, e.readings])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
  });

  it('recovers batches of an earlier run in order and deletes half-written files', async () => {
    const first = createDiskSpool({ dir, maxBytes: 1e6, logger: recorder });
    await first.open();
    for (const i of [0, 1, 2]) await first.append(record(i));
    await first.remove(first.oldest(1)[0] as SpoolEntry);
    await writeFile(join(dir, '0000000000000009-1-5.seg.tmp'), 'torn');
    const second = createDiskSpool({ dir, maxBytes: 1e6, logger: recorder });
    await second.open();
    expect(second.oldest(10).map((e) => e.readings)).toEqual([2, 3]);
    expect(second.pending()).toBe(2);
    await second.append(record(7));
    expect(second.oldest(10).map((e) => e.readings)).toEqual([2, 3, 8]);
    expect((await second.read(second.oldest(1)[0] as SpoolEntry))[0]).toEqual(record(1));
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(logged.some((l) => l.level === 'warn' && /earlier run/.test(l.msg ?? ''))).toBe(true);
  });

  it('when full drops the oldest batches, reports each drop and logs an error with counts', async () => {
    const dropped: SpoolEntry[] = [];
    const one = SIZE(record(0, 1000));
    const spool = createDiskSpool({ dir, maxBytes: one * 3 + 10, logger: recorder, onDrop: (e) => dropped.push(e) });
    await spool.open();
    for (let i = 0; i < 5; i++) await spool.append(record(i, 1000)); // one segment each
    expect(dropped.map((e) => e.readings)).toEqual([1, 2]);
    expect(spool.oldest(10).map((e) => e.readings)).toEqual([3, 4, 5]);
    expect(spool.bytes()).toBeLessThanOrEqual(one * 3 + 10);
    expect((await readdir(dir)).length).toBe(3);
    const errors = logged.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(2);
    expect(errors[0]?.obj).toMatchObject({ droppedBatches: 1, droppedReadings: 1, spoolBatches: 2 });
  });

  it('refuses a batch larger than the whole spool without touching what is there', async () => {
    const spool = createDiskSpool({ dir, maxBytes: 500, logger: recorder });
    await spool.open();
    await spool.append(record(0, 100));
    await expect(spool.append(record(1, 1000))).rejects.toThrow(/larger than the spool allows/);
    expect(spool.pending()).toBe(1);
  });
});
