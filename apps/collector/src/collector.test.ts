import { type Bus, type BusMessage, createMemoryBus, type PublishAck } from '@zcp/bus';
import { createRng, decodeTelemetryBatch, demoPark, type Reading, subjects, type TelemetryBatch, telemetryStream } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterStatus, ProtocolAdapter, ReadingSink, WriteResult } from './adapters/adapter.js';
import { createModbusTcpAdapter } from './adapters/modbus/modbus-tcp-adapter.js';
import { type Collector, createCollector } from './collector.js';
import type { Logger } from './logger.js';
import { startSimulatedPark } from './sim/simulated-park.js';

const park = demoPark();
const NOON_MS = Date.UTC(2025, 6, 7, 4);

interface LogLine {
  level: string;
  obj: Record<string, unknown>;
  msg?: string;
}
function recordingLogger(lines: LogLine[] = [], bindings: Record<string, unknown> = {}): Logger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (a: object | string, msg?: string): void => {
      lines.push(typeof a === 'string' ? { level, obj: { ...bindings }, msg: a } : { level, obj: { ...bindings, ...(a as Record<string, unknown>) }, msg });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (b) => recordingLogger(lines, { ...bindings, ...b }) };
}

/**
 * A Bus that records publishes; `failNext` / `down` make publishes reject; `gate` holds them.
 * Failure injection is why it exists: the happy path also runs against the real memory bus.
 */
class FakeBus implements Bus {
  readonly kind = 'memory' as const;
  published: { subject: string; msgId: string | undefined; batch: TelemetryBatch }[] = [];
  streams: string[] = [];
  failNext = 0;
  down = false;
  inFlight = 0;
  maxInFlight = 0;
  gate: Promise<void> | undefined;
  async ensureStream(spec: { name: string }) {
    this.streams.push(spec.name);
  }
  async deleteStream() {}
  async publish(subject: string, data: Uint8Array, options?: { msgId?: string }): Promise<PublishAck> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.gate;
      await Promise.resolve();
      if (this.down || this.failNext > 0) {
        this.failNext = Math.max(0, this.failNext - 1);
        throw Object.assign(new Error('no responders'), { code: 'UNAVAILABLE' });
      }
      const decoded = decodeTelemetryBatch(data);
      if (!decoded.ok) throw new Error(decoded.error);
      this.published.push({ subject, msgId: options?.msgId, batch: decoded.value });
      return { stream: 'TELEMETRY', seq: this.published.length, duplicate: false };
    } finally {
      this.inFlight--;
    }
  }
  publishEphemeral(_subject: string, _data: Uint8Array): void {
    // The collector publishes stored telemetry only.
  }
  subscribe(_pattern: string, _handler: (msg: BusMessage) => void) {
    return { unsubscribe() {} };
  }
  consume(): never {
    throw new Error('not used by the collector');
  }
  async consumerLag() {
    return 0;
  }
  isConnected() {
    return !this.down;
  }
  async close() {}
}

/** An adapter the test drives by hand. */
function manualAdapter(id = 'manual'): ProtocolAdapter & { emit(assetId: string, readings: Reading[]): void } {
  let sink: ReadingSink | undefined;
  const status: AdapterStatus = {
    id,
    protocol: 'http-push',
    state: 'idle',
    polls: 0,
    overruns: 0,
    requests: 0,
    requestErrors: 0,
    pointsRead: 0,
    pointsBad: 0,
    reconnects: 0,
  };
  return {
    id,
    protocol: 'http-push',
    handles: (pointId) => pointId === 1,
    async start(s) {
      sink = s;
      status.state = 'connected';
    },
    async stop() {
      sink = undefined;
      status.state = 'stopped';
    },
    async write(pointId, value): Promise<WriteResult> {
      return { ok: true, readBack: value + pointId - 1 };
    },
    status: () => status,
    emit: (assetId, readings) => sink?.(readings, { assetId }),
  };
}

const pointsOf = (assetId: string) => park.points.filter((p) => p.assetId === assetId);
const readingsOf = (assetId: string, ts: number, value = 1): Reading[] => pointsOf(assetId).map((p) => ({ pointId: p.id, ts, value, quality: 'good' }));

describe('createCollector', () => {
  const running: Collector[] = [];
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop();
  });
  const make = (bus: Bus, adapters: ProtocolAdapter[], extra: Partial<Parameters<typeof createCollector>[0]> = {}) => {
    const logger = recordingLogger();
    const collector = createCollector({ park, bus, logger, adapters, publishRetry: { initialDelayMs: 5, maxDelayMs: 20 }, ...extra });
    running.push(collector);
    return { collector, logger };
  };

  it('publishes each asset delivery as a TelemetryBatch on the asset subject with msgId = batchId', async () => {
    const bus = new FakeBus();
    const adapter = manualAdapter();
    const { collector } = make(bus, [adapter], { source: 'col-a' });
    await collector.start();
    expect(bus.streams).toEqual(['TELEMETRY_demo']);
    adapter.emit('grid', readingsOf('grid', NOON_MS, 5));
    adapter.emit('bess1', readingsOf('bess1', NOON_MS, -2));
    adapter.emit('grid', readingsOf('grid', NOON_MS + 1000, 6));
    await waitFor(() => bus.published.length === 3);
    const grid = bus.published.filter((p) => p.batch.assetId === 'grid');
    expect(grid.map((p) => p.subject)).toEqual([subjects.telemetry('demo', 'grid'), subjects.telemetry('demo', 'grid')]);
    for (const p of bus.published) {
      expect(p.msgId).toBe(p.batch.batchId);
      expect(p.batch).toMatchObject({ v: 1, parkId: 'demo', source: 'col-a' });
      expect(p.batch.batchId).toMatch(new RegExp(`^col-a:${collector.stats().runId}:${p.batch.assetId}:\\d+$`));
    }
    expect(grid[1]?.batch.x.every((x) => x === 6)).toBe(true);
    expect(grid[1]?.batch.p).toEqual(pointsOf('grid').map((p) => p.id));
    expect(new Set(bus.published.map((p) => p.msgId)).size).toBe(3);
    expect(collector.stats()).toMatchObject({ batchesPublished: 3, readingsReceived: pointsOf('grid').length * 2 + pointsOf('bess1').length });
  });

  it('never reuses a batch id across restarts, even at the same clock reading', async () => {
    const ids = new Set<string>();
    for (const seed of [1, 2, 3]) {
      const bus = new FakeBus();
      const adapter = manualAdapter();
      const rng = createRng(seed);
      const { collector } = make(bus, [adapter], { clock: () => NOON_MS, random: rng.next });
      await collector.start();
      adapter.emit('grid', readingsOf('grid', NOON_MS));
      await waitFor(() => bus.published.length === 1);
      await collector.stop();
      for (const p of bus.published) ids.add(p.msgId as string);
    }
    expect(ids.size).toBe(3);
  });

  it('logs failed publishes with adapter and asset, retries under the same msgId, and loses nothing', async () => {
    const bus = new FakeBus();
    bus.failNext = 3;
    const adapter = manualAdapter('field-1');
    const { collector, logger } = make(bus, [adapter]);
    await collector.start();
    for (let i = 0; i < 5; i++) adapter.emit('grid', readingsOf('grid', NOON_MS + i * 1000, i));
    await waitFor(() => bus.published.length === 5, { what: 'all batches' });
    const failures = logger.lines.filter((l) => l.level === 'warn' && l.msg?.includes('publish failed'));
    expect(failures).toHaveLength(3);
    for (const f of failures) expect(f.obj).toMatchObject({ adapter: 'field-1', assetId: 'grid', subject: subjects.telemetry('demo', 'grid') });
    const failedIds = failures.map((f) => f.obj.msgId);
    for (const id of failedIds) expect(bus.published.some((p) => p.msgId === id)).toBe(true);
    expect(collector.stats()).toMatchObject({ batchesPublished: 5, publishErrors: 3, batchesDropped: 0, queueDepth: 0 });
  });

  it('publishes in parallel, never more than publishConcurrency at once', async () => {
    const bus = new FakeBus();
    let open = () => {};
    bus.gate = new Promise<void>((r) => (open = r));
    const adapter = manualAdapter();
    const { collector } = make(bus, [adapter], { publishConcurrency: 4 });
    await collector.start();
    for (const a of park.assets.slice(0, 20)) adapter.emit(a.id, readingsOf(a.id, NOON_MS));
    await waitFor(() => bus.inFlight === 4);
    expect(collector.stats().queueDepth).toBe(20);
    open();
    await waitFor(() => bus.published.length === 20);
    expect(bus.maxInFlight).toBe(4);
  });

  it('drops the oldest batch when the retry queue is full — counted and logged, never silently', async () => {
    const bus = new FakeBus();
    bus.down = true;
    const adapter = manualAdapter();
    const registry = new Registry();
    const { collector, logger } = make(bus, [adapter], { maxQueuedBatches: 3, publishConcurrency: 1, metrics: registry });
    await collector.start();
    for (let i = 0; i < 6; i++) adapter.emit('grid', readingsOf('grid', NOON_MS + i));
    await waitFor(() => collector.stats().batchesDropped >= 2);
    const drops = logger.lines.filter((l) => l.level === 'error' && l.msg?.includes('dropped'));
    expect(drops.length).toBe(collector.stats().batchesDropped);
    expect(drops[0]?.obj).toMatchObject({ assetId: 'grid', reason: 'overflow' });
    expect(await registry.getSingleMetricAsString('zcp_collector_batches_dropped_total')).toContain('reason="overflow"');
    bus.down = false;
    await waitFor(() => collector.stats().queueDepth === 0);
    expect(bus.published.length + collector.stats().batchesDropped).toBe(6);
  });

  it('drains the queue on stop, and reports what it could not deliver', async () => {
    const bus = new FakeBus();
    bus.down = true;
    const adapter = manualAdapter();
    const { collector, logger } = make(bus, [adapter], { drainTimeoutMs: 100 });
    await collector.start();
    adapter.emit('grid', readingsOf('grid', NOON_MS));
    adapter.emit('bess1', readingsOf('bess1', NOON_MS));
    await waitFor(() => collector.stats().publishErrors >= 2);
    await collector.stop();
    expect(collector.stats()).toMatchObject({ batchesDropped: 2, queueDepth: 0 });
    expect(logger.lines.some((l) => l.level === 'error' && l.obj.undelivered === 2)).toBe(true);
  });

  it('rejects readings of unknown assets or foreign points, and flags non-finite values bad', async () => {
    const bus = new FakeBus();
    const adapter = manualAdapter();
    const registry = new Registry();
    const { collector } = make(bus, [adapter], { metrics: registry });
    await collector.start();
    adapter.emit('nope', readingsOf('grid', NOON_MS));
    const mixed = [...readingsOf('grid', NOON_MS), ...readingsOf('bess1', NOON_MS)];
    (mixed[0] as Reading).value = Number.NaN;
    adapter.emit('grid', mixed);
    await waitFor(() => bus.published.length === 1);
    const batch = bus.published[0]?.batch as TelemetryBatch;
    expect(batch.p).toEqual(pointsOf('grid').map((p) => p.id));
    expect(batch.q[0]).toBe(2); // bad
    expect(batch.x[0]).toBe(0);
    expect(collector.stats().readingsRejected).toBe(pointsOf('grid').length + pointsOf('bess1').length);
    expect(await registry.getSingleMetricAsString('zcp_collector_readings_rejected_total')).toMatch(
      /reason="unknown_asset"} 6[\s\S]*reason="point_not_of_asset"} 6/,
    );
  });

  it('routes writes to the adapter that serves the point', async () => {
    const adapter = manualAdapter();
    const { collector } = make(new FakeBus(), [adapter]);
    await collector.start();
    expect(await collector.write(1, 42)).toEqual({ ok: true, readBack: 42 });
    expect(await collector.write(2, 42)).toMatchObject({ ok: false, error: { code: 'unknown_point' } });
  });

  it('end to end: simulated park → Modbus TCP → collector → memory bus, every point of every asset, unique msgIds', async () => {
    const sim = await startSimulatedPark({ park, seed: 1, clock: () => NOON_MS, tickMs: 0 });
    const bus = createMemoryBus();
    const registry = new Registry();
    const adapter = createModbusTcpAdapter({ host: sim.host, port: sim.port, registerMap: sim.registerMap, pollIntervalMs: 50 });
    const { collector } = make(bus, [adapter], { metrics: registry });
    const batches: TelemetryBatch[] = [];
    try {
      await collector.start();
      await waitFor(() => adapter.status().polls >= 2 && collector.stats().queueDepth === 0, { what: 'two polls published' });
      await collector.stop();
      const polls = adapter.status().polls;
      expect(collector.stats().batchesPublished).toBe(park.assets.length * polls);
      // The stream de-duplicates by msg id: it holds every batch only if no id repeated.
      const consumer = await bus.consume({ stream: telemetryStream('demo').name, durable: 'test', maxWaitMs: 20 }, async (msgs) => {
        for (const m of msgs) {
          const decoded = decodeTelemetryBatch(m.data);
          if (decoded.ok) batches.push(decoded.value);
        }
      });
      await waitFor(() => batches.length >= park.assets.length * polls, { what: 'every batch consumed' });
      await consumer.stop();
      expect(batches).toHaveLength(park.assets.length * polls);
      expect(new Set(batches.map((b) => b.batchId)).size).toBe(batches.length);
      expect(batches.reduce((s, b) => s + b.p.length, 0)).toBe(park.points.length * polls);
      const gridId = park.points.find((p) => p.tag === 'grid.p_kw')?.id as number;
      const last = batches.filter((b) => b.assetId === 'grid').at(-1) as TelemetryBatch;
      expect(last.x[last.p.indexOf(gridId)]).toBe(Math.fround(sim.simulator.value(gridId) as number));
      const text = await registry.metrics();
      expect(text).toMatch(new RegExp(`zcp_collector_batches_published_total ${batches.length}`));
      expect(text).toMatch(/zcp_collector_poll_duration_seconds_count\{adapter="modbus-tcp:127\.0\.0\.1:\d+"} [1-9]/);
      expect(text).toMatch(/zcp_collector_readings_total\{adapter="[^"]+",quality="good"} [1-9]/);
    } finally {
      await sim.stop();
      await bus.close();
    }
  });
});
