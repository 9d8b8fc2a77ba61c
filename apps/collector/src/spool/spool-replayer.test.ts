import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus, PublishAck } from '@zcp/bus';
import { waitFor } from '@zcp/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCollectorConfig } from '../config.js';
import { type Logger, silentLogger } from '../logger.js';
import { createDiskSpool, type DiskSpool, type SpoolRecord } from './disk-spool.js';
import { type SpoolReplayer, startSpoolReplayer } from './spool-replayer.js';

const record = (i: number): SpoolRecord => ({
  subject: 'park.t.telemetry.a',
  msgId: `m${i}`,
  assetId: 'a',
  adapterId: 'x',
  readings: 1,
  data: new Uint8Array([i % 256]),
});

/** Accepts a publish unless `reject(msgId, attempt)` says no; records every accepted msg id. */
function flakyBus(reject: (msgId: string, attempt: number) => boolean): Bus & { accepted: string[] } {
  const attempts = new Map<string, number>();
  const accepted: string[] = [];
  return {
    kind: 'memory',
    accepted,
    isConnected: () => true,
    async publish(_s: string, _d: Uint8Array, o?: { msgId?: string }): Promise<PublishAck> {
      const id = o?.msgId ?? '';
      const n = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, n);
      await Promise.resolve();
      if (reject(id, n)) throw new Error(`refused ${id}`);
      accepted.push(id);
      return { stream: 'T', seq: accepted.length, duplicate: false };
    },
  } as unknown as Bus & { accepted: string[] };
}

let dir: string;
let spool: DiskSpool;
let replayer: SpoolReplayer | undefined;
const errors: string[] = [];
const logger: Logger = { ...silentLogger, error: (_o: unknown, msg?: string) => errors.push(msg ?? ''), child: () => logger };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zcp-replay-'));
  spool = createDiskSpool({ dir, maxBytes: 1e6, fsync: 'never', logger });
  await spool.open();
  errors.length = 0;
});
afterEach(async () => {
  await replayer?.stop();
  replayer = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('spool replayer', () => {
  it('retries failed batches without re-sending or re-counting the ones already acked', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => spool.append(record(i))));
    // Every third batch fails on its first two attempts.
    const bus = flakyBus((id, attempt) => Number(id.slice(1)) % 3 === 0 && attempt <= 2);
    const replayed: string[] = [];
    replayer = startSpoolReplayer({
      spool,
      bus,
      logger,
      random: () => 0.5,
      retry: { initialDelayMs: 5, maxDelayMs: 10 },
      replayed: (r) => replayed.push(r.msgId),
    });
    await waitFor(() => spool.pending() === 0, { what: 'spool empty' });
    expect([...bus.accepted].sort()).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`).sort());
    expect(replayed).toHaveLength(40);
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes an unreadable segment with an error log instead of blocking the queue', async () => {
    await spool.append(record(1));
    await writeFile(join(dir, '0000000000000002-1-1.seg'), new Uint8Array([0, 0, 0, 99, 1]));
    const reopened = createDiskSpool({ dir, maxBytes: 1e6, fsync: 'never', logger });
    await reopened.open();
    await reopened.append(record(3));
    const bus = flakyBus(() => false);
    replayer = startSpoolReplayer({ spool: reopened, bus, logger, random: () => 0.5 });
    await waitFor(() => reopened.pending() === 0, { what: 'spool empty' });
    expect(bus.accepted).toEqual(['m1', 'm3']);
    expect(errors.some((m) => /unreadable segment/.test(m))).toBe(true);
  });
});

describe('spool configuration', () => {
  it('is off unless SPOOL_DIR is set, and validates its bound and fsync policy', () => {
    expect(loadCollectorConfig({}).spool).toBeUndefined();
    expect(loadCollectorConfig({ SPOOL_DIR: '/var/spool/zcp' }).spool).toEqual({ dir: '/var/spool/zcp', maxBytes: 256 * 1024 * 1024, fsync: 'always' });
    expect(loadCollectorConfig({ SPOOL_DIR: 'x', SPOOL_MAX_BYTES: '2097152', SPOOL_FSYNC: 'never' }).spool).toEqual({
      dir: 'x',
      maxBytes: 2097152,
      fsync: 'never',
    });
    expect(() => loadCollectorConfig({ SPOOL_DIR: 'x', SPOOL_FSYNC: 'sometimes' })).toThrow(/SPOOL_FSYNC/);
    expect(() => loadCollectorConfig({ SPOOL_DIR: 'x', SPOOL_MAX_BYTES: '10' })).toThrow(/SPOOL_MAX_BYTES/);
  });
});
