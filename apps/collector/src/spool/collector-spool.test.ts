import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus, BusMessage, PublishAck } from '@zcp/bus';
import { decodeTelemetryBatch, demoPark, type Reading, type TelemetryBatch } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdapterStatus, ProtocolAdapter, ReadingSink } from '../adapters/adapter.js';
import { type Collector, createCollector } from '../collector.js';
import { silentLogger } from '../logger.js';

const park = demoPark();
const T0 = Date.UTC(2025, 6, 7, 4);

/** A bus that can be "down": not connected and every publish rejected. */
class SwitchableBus implements Bus {
  readonly kind = 'memory' as const;
  down = false;
  published: { msgId: string | undefined; batch: TelemetryBatch }[] = [];
  async ensureStream() {}
  async deleteStream() {}
  async publish(_subject: string, data: Uint8Array, options?: { msgId?: string }): Promise<PublishAck> {
    await Promise.resolve();
    if (this.down) throw Object.assign(new Error('disconnected'), { code: 'DISCONNECT' });
    const decoded = decodeTelemetryBatch(data);
    if (!decoded.ok) throw new Error(decoded.error);
    this.published.push({ msgId: options?.msgId, batch: decoded.value });
    return { stream: 'T', seq: this.published.length, duplicate: false };
  }
  publishEphemeral(_subject: string, _data: Uint8Array): void {
    // The collector publishes stored telemetry only.
  }
  subscribe(_p: string, _h: (m: BusMessage) => void) {
    return { unsubscribe() {} };
  }
  consume(): never {
    throw new Error('unused');
  }
  async consumerLag() {
    return 0;
  }
  isConnected() {
    return !this.down;
  }
  async close() {}
}

function manualAdapter(): ProtocolAdapter & { emit(assetId: string, readings: Reading[]): void } {
  let sink: ReadingSink | undefined;
  const status: AdapterStatus = {
    id: 'm',
    protocol: 'http-push',
    state: 'connected',
    polls: 0,
    overruns: 0,
    requests: 0,
    requestErrors: 0,
    pointsRead: 0,
    pointsBad: 0,
    reconnects: 0,
  };
  return {
    id: 'm',
    protocol: 'http-push',
    handles: () => false,
    async start(s) {
      sink = s;
    },
    async stop() {
      sink = undefined;
    },
    status: () => status,
    emit: (assetId, readings) => sink?.(readings, { assetId }),
  };
}

const gridReadings = (i: number): Reading[] =>
  park.points.filter((p) => p.assetId === 'grid').map((p) => ({ pointId: p.id, ts: T0 + i * 1000, value: 50 + (i % 5), quality: 'good' }));
const GRID_POINTS = gridReadings(0).length;

let dir: string;
const batchFiles = async () => (await readdir(dir)).filter((n) => n.endsWith('.seg')).length;
/** Batches in the segment files on disk (their names carry the count). */
const batchesOnDisk = async () => (await readdir(dir)).reduce((s, n) => s + Number(/^\d{16}-(\d+)-\d+\.seg$/.exec(n)?.[1] ?? 0), 0);
/** Every append has reached the disk. */
const spoolSettled = async (c: Collector) => (await batchesOnDisk()) === c.stats().spool?.pending;
const running: Collector[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zcp-collector-spool-'));
});
afterEach(async () => {
  for (const c of running.splice(0)) await c.stop();
  await rm(dir, { recursive: true, force: true });
});
const make = (bus: Bus, adapter: ProtocolAdapter, spool: { maxBytes?: number } = {}, registry = new Registry()) => {
  const c = createCollector({
    park,
    bus,
    logger: silentLogger,
    adapters: [adapter],
    metrics: registry,
    publishRetry: { initialDelayMs: 5, maxDelayMs: 20 },
    drainTimeoutMs: 200,
    spool: { dir, fsync: 'never', ...spool },
    pointLimits: false,
  });
  running.push(c);
  return c;
};

describe('collector with an on-disk spool', () => {
  it('spools while the bus is down and replays in order, under the original msg ids, once', async () => {
    const bus = new SwitchableBus();
    const adapter = manualAdapter();
    const collector = make(bus, adapter);
    await collector.start();
    adapter.emit('grid', gridReadings(0));
    await waitFor(() => bus.published.length === 1);
    bus.down = true;
    for (let i = 1; i <= 50; i++) adapter.emit('grid', gridReadings(i));
    await waitFor(async () => (await spoolSettled(collector)) && collector.stats().spool?.pending === 50, { what: '50 batches on disk' });
    expect(await batchFiles()).toBeGreaterThan(0);
    // Back up: fresh batches go out live while the spool back-fills, oldest first.
    bus.down = false;
    for (let i = 51; i <= 60; i++) adapter.emit('grid', gridReadings(i));
    await waitFor(() => bus.published.length === 61 && collector.stats().spool?.pending === 0, { timeoutMs: 10_000, what: 'replay' });
    const ts = bus.published.map((p) => p.batch.t[0] as number);
    expect([...ts].sort((a, b) => a - b)).toEqual(Array.from({ length: 61 }, (_, i) => T0 + i * 1000));
    const replayed = ts.filter((t) => t >= T0 + 1000 && t <= T0 + 50_000);
    expect(replayed).toEqual(Array.from({ length: 50 }, (_, i) => T0 + (i + 1) * 1000));
    expect(new Set(bus.published.map((p) => p.msgId)).size).toBe(61);
    expect(bus.published.every((p) => p.msgId === p.batch.batchId)).toBe(true);
    expect(collector.stats().spool).toMatchObject({ spooled: 50, replayed: 50, dropped: 0 });
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps batches undelivered at stop on disk and the next run publishes them', async () => {
    const bus = new SwitchableBus();
    bus.down = true;
    const adapter = manualAdapter();
    const c1 = make(bus, adapter);
    await c1.start();
    for (let i = 0; i < 10; i++) adapter.emit('grid', gridReadings(i));
    await c1.stop();
    expect((await readdir(dir)).filter((n) => n.endsWith('.seg')).length).toBeGreaterThan(0);
    bus.down = false;
    const c2 = make(bus, manualAdapter());
    await c2.start();
    await waitFor(() => bus.published.length === 10, { what: 'replay after restart' });
    expect(bus.published.map((p) => p.batch.t[0])).toEqual(Array.from({ length: 10 }, (_, i) => T0 + i * 1000));
  });

  it('when the spool is full drops the oldest batches, counts them and keeps the newest', async () => {
    const bus = new SwitchableBus();
    bus.down = true;
    const adapter = manualAdapter();
    const registry = new Registry();
    const one = JSON.stringify(gridReadings(0)).length; // rough: a batch is a few hundred bytes
    const collector = make(bus, adapter, { maxBytes: one * 10 }, registry);
    await collector.start();
    for (let i = 0; i < 100; i++) adapter.emit('grid', gridReadings(i));
    await waitFor(async () => collector.stats().spool?.spooled === 100 && (await spoolSettled(collector)), { what: 'all appends on disk' });
    const s = collector.stats().spool;
    expect(s?.dropped).toBeGreaterThan(0);
    expect(s?.droppedReadings).toBe((s?.dropped ?? 0) * GRID_POINTS);
    expect(s?.bytes).toBeLessThanOrEqual(one * 10);
    const metric = (await registry.getSingleMetric('zcp_collector_spool_dropped_batches_total')?.get())?.values[0]?.value;
    expect(metric).toBe(s?.dropped);
    bus.down = false;
    await waitFor(() => collector.stats().spool?.pending === 0, { what: 'replay' });
    // The newest survived, contiguous up to the last one.
    const ts = bus.published.map((p) => p.batch.t[0] as number);
    expect(ts.at(-1)).toBe(T0 + 99_000);
    expect(ts).toEqual(Array.from({ length: ts.length }, (_, i) => T0 + (100 - ts.length + i) * 1000));
  });
});
