import type { Reading } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedMqttBroker } from '../../sim/mqtt-broker.js';
import { parkSparkplugPoints } from '../../sim/mqtt-park-mapping.js';
import { startSparkplugEdgeNodes } from '../../sim/mqtt-sparkplug-edge.js';
import type { PollReport } from '../adapter.js';
import { describeAdapterContract } from '../adapter-contract.js';
import { closedPort, type LogLine, NOON_MS, park, pointsByAssetOf, recordingLogger, SOME_ASSETS, setpointPointId, simulatorAtNoon } from './mqtt-test-kit.js';
import { decodeSparkplugPayload, encodeSparkplugPayload } from './sparkplug.js';
import { createSparkplugAdapter, type SparkplugAdapterOptions } from './sparkplug-adapter.js';

const fastConnection = (url: string) => ({ url, reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, connectTimeoutMs: 2000 });
const FAST = { flushIntervalMs: 40, writeTimeoutMs: 2000, rebirthMinIntervalMs: 100 } as const;

describeAdapterContract('mqtt sparkplug-b via the embedded broker (aedes)', async ({ reachable }) => {
  const broker = await startEmbeddedMqttBroker();
  const simulator = simulatorAtNoon();
  const url = reachable ? broker.url : `mqtt://127.0.0.1:${await closedPort()}`;
  // The edge nodes are born before the adapter starts: it must ask them to rebirth.
  const edge = await startSparkplugEdgeNodes({ simulator, connection: { url: broker.url }, tickMs: 150, assetIds: SOME_ASSETS, clock: () => NOON_MS });
  await edge.ready();
  const points = parkSparkplugPoints(park, { assetIds: SOME_ASSETS });
  return {
    adapter: createSparkplugAdapter({ ...FAST, connection: fastConnection(url), group: 'zcp', points }),
    pointsByAsset: pointsByAssetOf(points),
    writable: { pointId: setpointPointId, value: -640 },
    cleanup: async () => {
      await edge.close();
      await broker.close();
    },
  };
});

describe('Sparkplug B adapter', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const BESS = new Set(['bess1', 'grid']);

  const setup = async (extra: Partial<SparkplugAdapterOptions> = {}, edgeReconnectMs = 20) => {
    const broker = await startEmbeddedMqttBroker();
    cleanups.push(() => broker.close());
    const simulator = simulatorAtNoon();
    // A spy on the broker: every NCMD and NBIRTH of the group.
    const spy: MqttClient = await connectAsync(broker.url);
    cleanups.push(() => spy.endAsync());
    const seen: { topic: string; payload: Buffer }[] = [];
    spy.on('message', (topic, payload) => seen.push({ topic, payload }));
    await spy.subscribeAsync(['spBv1.0/zcp/NCMD/+', 'spBv1.0/zcp/NBIRTH/+', 'spBv1.0/zcp/NDEATH/+'], { qos: 1 });
    const lines: LogLine[] = [];
    const adapter = createSparkplugAdapter({
      ...FAST,
      connection: fastConnection(broker.url),
      group: 'zcp',
      points: parkSparkplugPoints(park, { assetIds: BESS }),
      logger: recordingLogger(lines),
      ...extra,
    });
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
    await new Promise((r) => setTimeout(r, 50)); // SUBACK
    const edge = await startSparkplugEdgeNodes({
      simulator,
      connection: { ...fastConnection(broker.url), reconnect: { initialDelayMs: edgeReconnectMs, maxDelayMs: edgeReconnectMs } },
      tickMs: 0,
      assetIds: BESS,
      clock: () => NOON_MS,
    });
    cleanups.push(() => edge.close());
    await edge.ready();
    return { broker, simulator, spy, seen, lines, adapter, latest, reports, edge };
  };
  const ncmds = (seen: { topic: string; payload: Buffer }[]) => seen.filter((m) => m.topic.includes('/NCMD/'));
  const socPoint = park.points.find((p) => p.tag === 'bess1.soc_pct')?.id as number;

  it('births then alias-only DDATA: values resolved through the aliases of DBIRTH', async () => {
    const { simulator, latest, edge, seen } = await setup();
    await waitFor(() => latest.get(socPoint)?.quality === 'good', { what: 'birth values' });
    expect(latest.get(socPoint)?.value).toBe(simulator.value(socPoint));
    simulator.step(NOON_MS + 600_000);
    latest.clear();
    await edge.publishAll();
    await waitFor(() => latest.get(socPoint), { what: 'DDATA' });
    expect(latest.get(socPoint)).toEqual({ pointId: socPoint, value: simulator.value(socPoint), quality: 'good', ts: NOON_MS });
    expect(ncmds(seen)).toHaveLength(0); // born while the adapter listened: nothing to ask for
  });

  it('seq gap → rebirth request (NCMD Node Control/Rebirth) seen on the broker, and the node re-births', async () => {
    const { latest, edge, seen, lines } = await setup();
    await waitFor(() => latest.get(socPoint), { what: 'birth' });
    const births = edge.births('park');
    edge.skipSeq('park');
    await edge.publishAll();
    await waitFor(() => ncmds(seen).length === 1, { what: 'NCMD' });
    const cmd = ncmds(seen)[0] as { topic: string; payload: Buffer };
    expect(cmd.topic).toBe('spBv1.0/zcp/NCMD/park');
    expect(decodeSparkplugPayload(cmd.payload).metrics).toEqual([{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }]);
    await waitFor(() => edge.births('park') === births + 1, { what: 'rebirth' });
    await waitFor(() => seen.filter((m) => m.topic === 'spBv1.0/zcp/NBIRTH/park').length === 2, { what: 'second NBIRTH on the broker' });
    expect(lines.some((l) => l.msg === 'sparkplug: requesting rebirth' && l.obj.reason === 'seq_gap')).toBe(true);
  });

  it('data before birth (the adapter joins late) → rebirth request, then values', async () => {
    const broker = await startEmbeddedMqttBroker();
    cleanups.push(() => broker.close());
    const simulator = simulatorAtNoon();
    const edge = await startSparkplugEdgeNodes({ simulator, connection: fastConnection(broker.url), tickMs: 30, assetIds: BESS, clock: () => NOON_MS });
    cleanups.push(() => edge.close());
    await edge.ready();
    const adapter = createSparkplugAdapter({
      ...FAST,
      connection: fastConnection(broker.url),
      group: 'zcp',
      points: parkSparkplugPoints(park, { assetIds: BESS }),
    });
    cleanups.push(() => adapter.stop());
    const latest = new Map<number, Reading>();
    await adapter.start((rs) => {
      for (const r of rs) latest.set(r.pointId, r);
    });
    await waitFor(() => latest.get(socPoint)?.quality === 'good', { what: 'values after the rebirth' });
    expect(edge.births('park')).toBeGreaterThanOrEqual(2);
  });

  it('NDEATH (the will, on a dropped connection) marks the points bad; the new session births them good again', async () => {
    // The edge reconnects after 600 ms: its will (NDEATH bdSeq 0) is then surely handled before
    // the next NBIRTH (bdSeq 1). In the other order the host rightly ignores the stale death.
    const { latest, edge, seen } = await setup({}, 600);
    await waitFor(() => latest.get(socPoint)?.quality === 'good', { what: 'birth' });
    const before = latest.get(socPoint)?.value;
    edge.dropConnection('park');
    await waitFor(() => seen.some((m) => m.topic === 'spBv1.0/zcp/NDEATH/park'), { what: 'NDEATH on the broker' });
    await waitFor(() => latest.get(socPoint)?.quality === 'bad', { what: 'bad after NDEATH' });
    expect(latest.get(socPoint)?.value).toBe(before);
    await waitFor(() => latest.get(socPoint)?.quality === 'good', { what: 'good after the new NBIRTH' });
    const births = seen.filter((m) => m.topic === 'spBv1.0/zcp/NBIRTH/park').map((m) => decodeSparkplugPayload(m.payload));
    expect(births.map((b) => b.metrics.find((x) => x.name === 'bdSeq')?.value)).toEqual([0, 1]);
  });

  it('an undecodable payload marks that device bad, logs, and the adapter carries on', async () => {
    const { latest, edge, spy, lines, adapter } = await setup();
    await waitFor(() => latest.get(socPoint)?.quality === 'good', { what: 'birth' });
    await spy.publishAsync('spBv1.0/zcp/DDATA/park/bess1', Buffer.from('not protobuf at all'), { qos: 1 });
    await waitFor(() => latest.get(socPoint)?.quality === 'bad', { what: 'bad after garbage' });
    expect(lines.find((l) => l.obj.problem === 'undecodable_payload')?.obj).toMatchObject({ edgeNode: 'park', device: 'bess1' });
    await edge.publishAll();
    await waitFor(() => latest.get(socPoint)?.quality === 'good', { what: 'good again' });
    expect(adapter.status().state).toBe('connected');
  });

  it('writes the battery setpoint by DCMD and confirms it by read-back; times out when nobody answers', async () => {
    const { adapter, simulator, edge } = await setup({ writeTimeoutMs: 300 });
    await waitFor(() => adapter.status().pointsRead > 0, { what: 'births' });
    const write = adapter.write as NonNullable<typeof adapter.write>;
    expect(await write(setpointPointId, -812.5)).toEqual({ ok: true, readBack: -812.5 });
    expect(simulator.value(setpointPointId)).toBe(-812.5);
    expect(await write(socPoint, 1)).toMatchObject({ ok: false, error: { code: 'not_writable' } });
    await edge.close();
    expect(await write(setpointPointId, 100)).toMatchObject({ ok: false, readBack: -812.5, error: { code: 'timeout' } });
  });

  it('after the broker connection drops it reconnects, asks known nodes to rebirth and data flows again', async () => {
    const { broker, latest, adapter, edge } = await setup();
    await waitFor(() => latest.get(socPoint)?.quality === 'good', { what: 'birth' });
    const births = edge.births('park');
    broker.dropClients();
    await waitFor(() => adapter.status().reconnects >= 1, { what: 'reconnect' });
    await waitFor(() => edge.births('park') > births, { what: 'rebirth after reconnect' });
    latest.clear();
    await edge.publishAll();
    await waitFor(() => latest.get(socPoint)?.quality === 'good', { what: 'data again' });
  });

  it('encodes and decodes what a Tahu host expects (round trip)', () => {
    const bytes = encodeSparkplugPayload({ timestamp: NOON_MS, seq: 255, metrics: [{ name: 'a', alias: 7, type: 'Int64', value: -5 }] });
    expect(decodeSparkplugPayload(bytes)).toEqual({ timestamp: NOON_MS, seq: 255, metrics: [{ name: 'a', alias: 7, type: 'Int64', value: -5 }] });
  });
});
