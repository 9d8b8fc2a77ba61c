import { type Reading, ReadingSchema } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { StatusCode, StatusCodes } from 'node-opcua-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPCUA_USER } from '../../sim/opcua-field/opcua-field-server.js';
import type { AdapterStatus, PollReport, ProtocolAdapter } from '../adapter.js';
import { describeAdapterContract } from '../adapter-contract.js';
import { createOpcuaAdapter } from './opcua-adapter.js';
import type { OpcuaAdapterOptions } from './opcua-options.js';
import { closedPort, fastAdapterOptions, NOON_MS, startTestPark, type TestPark } from './opcua-test-park.js';
import { qualityOf } from './opcua-values.js';

// One server for the whole file: node-opcua takes ~1 s to start one.
let shared: TestPark | undefined;
const sharedPark = async (): Promise<TestPark> => {
  shared ??= await startTestPark();
  return shared;
};
afterAll(async () => {
  await shared?.close();
});

describeAdapterContract('opc-ua against the simulated demo park', async ({ reachable }) => {
  const t = await sharedPark();
  const endpointUrl = reachable ? t.server.endpointUrl : `opc.tcp://127.0.0.1:${await closedPort()}/UA/ZcpPark`;
  return {
    adapter: createOpcuaAdapter(fastAdapterOptions(t, { endpointUrl })),
    pointsByAsset: t.pointsByAsset,
    writable: { pointId: t.setpointPointId, value: -640 },
    cleanup: async () => {},
  };
});

describe('OPC UA adapter against the simulated park', () => {
  let t: TestPark;
  beforeAll(async () => {
    t = await sharedPark();
  });
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const startAdapter = async (options: OpcuaAdapterOptions) => {
    const adapter: ProtocolAdapter = createOpcuaAdapter(options);
    const latest = new Map<number, Reading>();
    const reports: PollReport[] = [];
    const connections: boolean[] = [];
    await adapter.start(
      (readings) => {
        for (const r of readings) latest.set(r.pointId, r);
      },
      { pollCompleted: (r) => reports.push(r), connectionChanged: (e) => connections.push(e.connected) },
    );
    cleanups.push(() => adapter.stop());
    return { adapter, latest, reports, connections };
  };
  const allGood = (latest: Map<number, Reading>) => latest.size === t.park.points.length && [...latest.values()].every((r) => r.quality === 'good');

  it('delivers every point equal to the simulator, stamped with the source (simulation) time', async () => {
    const { latest, reports } = await startAdapter(fastAdapterOptions(t));
    await waitFor(() => reports.length >= 1, { what: 'a cycle' });
    // The first cycle after subscribing holds the initial value of every item.
    expect(reports[0]?.pointsGood).toBe(t.park.points.length);
    expect(allGood(latest)).toBe(true);
    for (const p of t.park.points) {
      const r = latest.get(p.id) as Reading;
      expect(r.value).toBe(t.simulator.value(p.id));
      expect(r.ts).toBe(t.simulator.timeMs());
    }
  });

  it('follows the simulator as it steps (subscription, not polling)', async () => {
    const { latest, reports } = await startAdapter(fastAdapterOptions(t));
    await waitFor(() => allGood(latest));
    const gridId = t.park.points.find((p) => p.tag === 'grid.p_kw')?.id as number;
    const before = reports.length;
    t.simulator.step((t.simulator.timeMs() as number) + 60_000);
    await waitFor(() => latest.get(gridId)?.value === t.simulator.value(gridId), { what: 'the stepped grid power' });
    expect(latest.get(gridId)?.ts).toBe(t.simulator.timeMs());
    expect(reports.length).toBeGreaterThan(before);
  });

  it('applies a per-node absolute deadband on the server and scale/offset on delivery', async () => {
    const gridId = t.park.points.find((p) => p.tag === 'grid.p_kw')?.id as number;
    const pvId = t.park.points.find((p) => p.tag === 'grid.e_import_kwh')?.id as number;
    const nodes = t.nodes.map((n) => (n.pointId === gridId ? { ...n, deadband: 1e9 } : n.pointId === pvId ? { ...n, scale: 1000, offset: 5 } : n));
    const { latest } = await startAdapter(fastAdapterOptions(t, { nodes }));
    await waitFor(() => allGood(latest));
    const first = latest.get(gridId) as Reading;
    expect(latest.get(pvId)?.value).toBe((t.simulator.value(pvId) as number) * 1000 + 5);
    t.simulator.step((t.simulator.timeMs() as number) + 60_000);
    await waitFor(() => latest.get(pvId)?.value === (t.simulator.value(pvId) as number) * 1000 + 5, { what: 'the import counter, scaled' });
    await new Promise((r) => setTimeout(r, 300));
    expect(t.simulator.value(gridId)).not.toBe(first.value);
    expect(latest.get(gridId)).toEqual(first); // held back by the deadband
  });

  it('delivers a node the server does not know as bad (BadNodeIdUnknown) and the rest as good', async () => {
    const ghost = { nodeId: 'ns=1;s=grid.no_such_metric', pointId: 999_998, assetId: 'grid' };
    const { adapter, latest } = await startAdapter(fastAdapterOptions(t, { nodes: [...t.nodes, ghost] }));
    await waitFor(() => latest.size === t.park.points.length + 1, { what: 'every point delivered' });
    expect(ReadingSchema.parse(latest.get(ghost.pointId))).toMatchObject({ quality: 'bad', value: 0 });
    expect(t.park.points.every((p) => latest.get(p.id)?.quality === 'good')).toBe(true);
    expect(adapter.status().state).toBe('connected');
  });

  it('finds every demo-park variable by browsing under Objects/Park and maps them by tag', async () => {
    const { adapter, latest } = await startAdapter(
      fastAdapterOptions(t, {
        nodes: undefined,
        discover: { rootNodeId: 'ns=1;s=Park', points: [...t.park.points, { id: 999_999, tag: 'ghost.p_kw', assetId: 'ghost' }] },
      }),
    );
    await waitFor(() => latest.size === t.park.points.length + 1, { what: 'every point delivered' });
    await waitFor(() => t.park.points.every((p) => latest.get(p.id)?.quality === 'good'));
    for (const p of t.park.points) expect(latest.get(p.id)?.value).toBe(t.simulator.value(p.id));
    // A point with no variable stays bad instead of silently missing.
    expect(latest.get(999_999)?.quality).toBe('bad');
    expect(adapter.status().state).toBe('connected');
    expect(adapter.handles(999_999)).toBe(true);
  });

  it('logs in with username/password over SignAndEncrypt Basic256Sha256', async () => {
    const { adapter, latest } = await startAdapter(
      fastAdapterOptions(t, { securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256', auth: { type: 'username', ...DEMO_OPCUA_USER } }),
    );
    await waitFor(() => allGood(latest), { what: 'all points good' });
    expect(adapter.status().state).toBe('connected');
  });

  it('reports a refused login clearly and keeps retrying without crashing', async () => {
    const { adapter, latest } = await startAdapter(
      fastAdapterOptions(t, {
        securityMode: 'SignAndEncrypt',
        securityPolicy: 'Basic256Sha256',
        auth: { type: 'username', username: DEMO_OPCUA_USER.username, password: 'wrong' },
      }),
    );
    await waitFor(() => adapter.status().requestErrors >= 2, { what: 'two refused logins' });
    const status = adapter.status() as AdapterStatus;
    expect(status.state).not.toBe('connected');
    expect(status.lastError).toMatchObject({ code: 'not_connected' });
    expect(status.lastError?.message).toMatch(/refused the login \(BadUserAccessDenied\)/);
    await waitFor(() => latest.size === t.park.points.length);
    expect([...latest.values()].every((r) => r.quality === 'bad')).toBe(true);
  });

  it('writes the battery setpoint and confirms it by read-back; refuses bad writes with codes', async () => {
    const { adapter, latest } = await startAdapter(fastAdapterOptions(t));
    await waitFor(() => allGood(latest));
    const write = adapter.write as NonNullable<ProtocolAdapter['write']>;
    expect(await write(t.setpointPointId, -812.5)).toEqual({ ok: true, readBack: -812.5 });
    expect(t.simulator.value(t.setpointPointId)).toBe(-812.5);
    const gridId = t.park.points.find((p) => p.tag === 'grid.p_kw')?.id as number;
    expect(await write(gridId, 1)).toMatchObject({ ok: false, error: { code: 'not_writable' } });
    expect(await write(t.setpointPointId, 1e6)).toMatchObject({ ok: false, error: { code: 'setpoint_out_of_range' } });
    expect(await write(-1, 1)).toMatchObject({ ok: false, error: { code: 'unknown_point' } });
    expect(t.simulator.value(t.setpointPointId)).toBe(-812.5);
    // The subscription sees the new setpoint too.
    await waitFor(() => latest.get(t.setpointPointId)?.value === -812.5, { what: 'setpoint via the subscription' });
  });

  it('rejects a bad configuration at creation', () => {
    expect(() => createOpcuaAdapter({ endpointUrl: 'http://x', pkiDir: '/tmp/x', nodes: [] })).toThrow(/endpointUrl.*give nodes or discover/);
    expect(() => createOpcuaAdapter({ ...fastAdapterOptions(t), securityMode: 'SignAndEncrypt' })).toThrow(/does not go with securityPolicy None/);
  });
});

describe('OPC UA adapter across a server restart', () => {
  let own: TestPark;
  beforeAll(async () => {
    own = await startTestPark();
  });
  afterAll(async () => {
    await own?.close();
  });

  it('marks every point bad with its last value while the server is away, then recovers the subscription', async () => {
    const adapter = createOpcuaAdapter(
      fastAdapterOptions(own, { securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256', auth: { type: 'username', ...DEMO_OPCUA_USER } }),
    );
    const latest = new Map<number, Reading>();
    const connections: boolean[] = [];
    await adapter.start(
      (readings) => {
        for (const r of readings) latest.set(r.pointId, r);
      },
      { connectionChanged: (e) => connections.push(e.connected) },
    );
    try {
      const gridId = own.park.points.find((p) => p.tag === 'grid.p_kw')?.id as number;
      await waitFor(() => latest.size === own.park.points.length && latest.get(gridId)?.quality === 'good');
      const before = latest.get(gridId) as Reading;

      await own.server.close();
      await waitFor(() => [...latest.values()].every((r) => r.quality === 'bad'), { what: 'every point bad' });
      expect(latest.get(gridId)?.value).toBe(before.value);
      expect(adapter.status().state).not.toBe('connected');

      own.simulator.step(NOON_MS + 120_000);
      await own.restart();
      await waitFor(() => latest.get(gridId)?.quality === 'good' && latest.get(gridId)?.value === own.simulator.value(gridId), {
        what: 'fresh values after the restart',
        timeoutMs: 20_000,
      });
      await waitFor(() => [...latest.values()].every((r) => r.quality === 'good'), { what: 'every point good again' });
      expect(adapter.status()).toMatchObject({ state: 'connected', reconnects: 1 });
      expect(connections).toEqual([true, false, true]);
    } finally {
      await adapter.stop();
    }
  });
});

describe('OPC UA adapter when the server drops its subscription', () => {
  let own: TestPark;
  beforeAll(async () => {
    own = await startTestPark();
  });
  afterAll(async () => {
    await own?.close();
  });

  it('notices the silence (no data, no keep-alive) and subscribes again', async () => {
    // Keep-alives every 10 × 50 ms: 1.5 s of silence is three missed ones.
    const adapter = createOpcuaAdapter(fastAdapterOptions(own, { subscriptionSilenceMs: 1500 }));
    const latest = new Map<number, Reading>();
    await adapter.start((readings) => {
      for (const r of readings) latest.set(r.pointId, r);
    });
    try {
      const gridId = own.park.points.find((p) => p.tag === 'grid.p_kw')?.id as number;
      await waitFor(() => latest.get(gridId)?.quality === 'good');
      expect(own.server.dropSubscriptions()).toBe(1);
      own.simulator.step(NOON_MS + 300_000);
      await waitFor(() => latest.get(gridId)?.quality === 'good' && latest.get(gridId)?.value === own.simulator.value(gridId), {
        what: 'values after re-subscribing',
        timeoutMs: 20_000,
      });
      expect(adapter.status().state).toBe('connected');
      expect(adapter.status().lastError).toMatchObject({ code: 'timeout', message: expect.stringMatching(/no publish response/) });
    } finally {
      await adapter.stop();
    }
  });
});

describe('qualityOf', () => {
  it('maps StatusCode severity: Good → good, Uncertain → uncertain, Bad → bad', () => {
    expect(qualityOf(StatusCodes.Good)).toBe('good');
    expect(qualityOf(StatusCodes.UncertainLastUsableValue)).toBe('uncertain');
    expect(qualityOf(StatusCodes.BadNoCommunication)).toBe('bad');
    expect(qualityOf(StatusCode.makeStatusCode(StatusCodes.Good, 'Overflow'))).toBe('good');
  });
});
