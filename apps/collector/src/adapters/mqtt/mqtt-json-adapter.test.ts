import type { Reading } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedMqttBroker } from '../../sim/mqtt-broker.js';
import { startMqttJsonPublisher } from '../../sim/mqtt-json-publisher.js';
import { parkJsonPoints } from '../../sim/mqtt-park-mapping.js';
import type { PollReport, ProtocolAdapter } from '../adapter.js';
import { describeAdapterContract } from '../adapter-contract.js';
import { createMqttJsonAdapter, type MqttJsonAdapterOptions } from './mqtt-json-adapter.js';
import { closedPort, type LogLine, park, pointsByAssetOf, recordingLogger, SOME_ASSETS, setpointPointId, simulatorAtNoon } from './mqtt-test-kit.js';

const FAST = { flushIntervalMs: 40, writeTimeoutMs: 2000 } as const;
const fastConnection = (url: string) => ({ url, reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, connectTimeoutMs: 2000 });

describeAdapterContract('mqtt-json via the embedded broker (aedes)', async ({ reachable }) => {
  const broker = await startEmbeddedMqttBroker();
  const simulator = simulatorAtNoon();
  const url = reachable ? broker.url : `mqtt://127.0.0.1:${await closedPort()}`;
  const publisher = await startMqttJsonPublisher({ simulator, connection: { url: broker.url }, tickMs: 150, assetIds: SOME_ASSETS });
  await publisher.ready();
  const points = parkJsonPoints(park, { assetIds: SOME_ASSETS });
  return {
    adapter: createMqttJsonAdapter({ ...FAST, connection: fastConnection(url), points }),
    pointsByAsset: pointsByAssetOf(points),
    writable: { pointId: setpointPointId, value: -640 },
    cleanup: async () => {
      await publisher.close();
      await broker.close();
    },
  };
});

describe('MQTT JSON adapter', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const setup = async (extra: Partial<MqttJsonAdapterOptions> & Pick<MqttJsonAdapterOptions, 'points'>) => {
    const broker = await startEmbeddedMqttBroker();
    cleanups.push(() => broker.close());
    const lines: LogLine[] = [];
    const adapter = createMqttJsonAdapter({ ...FAST, connection: fastConnection(broker.url), logger: recordingLogger(lines), ...extra });
    cleanups.push(() => adapter.stop());
    const latest = new Map<number, Reading>();
    const reports: PollReport[] = [];
    await adapter.start(
      (rs) => {
        for (const r of rs) latest.set(r.pointId, r);
      },
      { pollCompleted: (r) => reports.push(r) },
    );
    await waitFor(() => adapter.status().state === 'connected', { what: 'connected' });
    const device: MqttClient = await connectAsync(broker.url);
    cleanups.push(() => device.endAsync());
    // The adapter subscribes right after CONNACK; give the SUBACK a moment.
    await new Promise((r) => setTimeout(r, 50));
    return { broker, adapter, latest, reports, lines, device };
  };

  it('maps nested fields, wildcard topics, ISO/epoch-s timestamps, units, scale and offset', async () => {
    const ts = Date.UTC(2025, 6, 7, 4, 0, 1);
    const { latest, device } = await setup({
      points: [
        { pointId: 1, assetId: 'm1', topic: 'site/+/meter', field: 'data.power.value', unitField: 'data.power.unit', timestampField: 'time' },
        { pointId: 2, assetId: 'm1', topic: 'site/+/meter', field: 'data.energy', unit: 'MWh', timestampField: 'epoch' },
        { pointId: 3, assetId: 'm1', topic: 'site/+/meter', field: 'data.temp_raw', scale: 0.1, offset: -40 },
      ],
      subscriptions: ['site/#'],
    });
    const payload = { time: new Date(ts).toISOString(), epoch: ts / 1000, data: { power: { value: 12_500, unit: 'W' }, energy: 1.25, temp_raw: 655 } };
    await device.publishAsync('site/a/meter', JSON.stringify(payload), { qos: 1 });
    await waitFor(() => latest.size === 3, { what: 'three points' });
    expect(latest.get(1)).toEqual({ pointId: 1, value: 12.5, quality: 'good', ts });
    expect(latest.get(2)).toEqual({ pointId: 2, value: 1250, quality: 'good', ts });
    expect(latest.get(3)?.value).toBeCloseTo(25.5, 9);
    expect(latest.get(3)?.quality).toBe('good');
  });

  it('malformed JSON and missing fields: bad quality and one log line per point, good fields kept, no crash', async () => {
    const topic = 'dev/x';
    const { adapter, latest, lines, device } = await setup({
      points: [
        { pointId: 10, assetId: 'x', topic, field: 'a' },
        { pointId: 11, assetId: 'x', topic, field: 'b.c' },
      ],
    });
    await device.publishAsync(topic, JSON.stringify({ a: 1, b: { c: 2 } }), { qos: 1 });
    await waitFor(() => latest.get(11)?.value === 2, { what: 'first values' });

    await device.publishAsync(topic, JSON.stringify({ a: 5 }), { qos: 1 });
    await waitFor(() => latest.get(11)?.quality === 'bad', { what: 'missing field → bad' });
    expect(latest.get(10)).toMatchObject({ value: 5, quality: 'good' });
    expect(latest.get(11)).toMatchObject({ value: 2 }); // last good value, flagged bad

    await device.publishAsync(topic, '{"a": 7, "b":', { qos: 1 });
    await device.publishAsync(topic, '{"a": 7, "b":', { qos: 1 });
    await waitFor(() => latest.get(10)?.quality === 'bad', { what: 'malformed → bad' });
    expect(latest.get(10)?.value).toBe(5);
    const warns = lines.filter((l) => l.level === 'warn' && l.obj.problem);
    expect(warns.map((l) => [l.obj.pointId, l.obj.problem])).toEqual([
      [11, 'missing_field'],
      [10, 'malformed_json'],
      [11, 'malformed_json'],
    ]);
    expect(warns[0]?.obj).toMatchObject({ device: 'x', topic, adapter: adapter.id });

    await device.publishAsync(topic, JSON.stringify({ a: 8, b: { c: 9 } }), { qos: 1 });
    await waitFor(() => latest.get(10)?.value === 8 && latest.get(11)?.value === 9, { what: 'recovery' });
    expect(latest.get(11)?.quality).toBe('good');
    expect(adapter.status().state).toBe('connected');
  });

  it('a device that goes quiet: its points turn stale once (last value), and good again on the next message', async () => {
    const topic = 'quiet/dev';
    const { latest, device } = await setup({ staleAfterMs: 200, points: [{ pointId: 30, assetId: 'q', topic, field: 'v' }] });
    await device.publishAsync(topic, JSON.stringify({ v: 4 }), { qos: 1 });
    await waitFor(() => latest.get(30)?.quality === 'good', { what: 'good' });
    const t = Date.now();
    await waitFor(() => latest.get(30)?.quality === 'stale', { what: 'stale' });
    expect(Date.now() - t).toBeGreaterThanOrEqual(150);
    expect(latest.get(30)?.value).toBe(4);
    latest.delete(30);
    await new Promise((r) => setTimeout(r, 300));
    expect(latest.has(30)).toBe(false); // stale is said once, not every flush
    await device.publishAsync(topic, JSON.stringify({ v: 5 }), { qos: 1 });
    await waitFor(() => latest.get(30)?.quality === 'good', { what: 'good again' });
    expect(latest.get(30)?.value).toBe(5);
  });

  it('rejects a configuration it cannot honour', () => {
    const base = { connection: { url: 'mqtt://127.0.0.1:1' } };
    expect(() => createMqttJsonAdapter({ ...base, points: [{ pointId: 1, assetId: 'a', topic: 'a/#/b', field: 'v' }] })).toThrow(/invalid topic/);
    expect(() => createMqttJsonAdapter({ ...base, points: [{ pointId: 1, assetId: 'a', topic: 'a', field: 'v', unit: 'W', pointUnit: 'kWh' }] })).toThrow(
      /cannot convert/,
    );
    const p = { pointId: 1, assetId: 'a', topic: 'a', field: 'v' };
    expect(() => createMqttJsonAdapter({ ...base, points: [p, p] })).toThrow(/twice/);
  });

  it('write without a device answering times out with a result, not a rejection', async () => {
    const { adapter, device } = await setup({
      writeTimeoutMs: 200,
      points: [{ pointId: 20, assetId: 'b', topic: 'b/state', field: 'sp', command: { topic: 'b/cmd' } }],
    });
    const seen: string[] = [];
    await device.subscribeAsync('b/cmd', { qos: 1 });
    device.on('message', (_t, p) => seen.push(p.toString()));
    const write = adapter.write as NonNullable<ProtocolAdapter['write']>;
    expect(await write(20, 42)).toMatchObject({ ok: false, error: { code: 'timeout' } });
    expect(seen).toEqual(['{"value":42}']);
  });

  it('reconnects after the broker goes away and data flows again', async () => {
    const simulator = simulatorAtNoon();
    const points = parkJsonPoints(park, { assetIds: new Set(['bess1']) });
    const { broker, adapter, latest } = await setup({ points });
    const pub = await startMqttJsonPublisher({ simulator, connection: fastConnection(broker.url), tickMs: 50, assetIds: new Set(['bess1']) });
    cleanups.push(() => pub.close());
    await waitFor(() => latest.get(setpointPointId)?.quality === 'good', { what: 'data' });

    await broker.pause();
    await waitFor(() => latest.get(setpointPointId)?.quality === 'bad', { what: 'bad while the broker is down' });
    expect(adapter.status().state).toBe('disconnected');
    await broker.restart();
    await waitFor(() => adapter.status().state === 'connected', { what: 'reconnected' });
    latest.clear();
    await waitFor(() => latest.get(setpointPointId)?.quality === 'good', { what: 'data again' });
    expect(adapter.status().reconnects).toBeGreaterThanOrEqual(1);

    broker.dropClients(); // a connection killed without the broker going down
    await waitFor(() => adapter.status().reconnects >= 2, { what: 'second reconnect' });
    latest.clear();
    await waitFor(() => latest.get(setpointPointId)?.quality === 'good', { what: 'data after the kill' });
  });
});
