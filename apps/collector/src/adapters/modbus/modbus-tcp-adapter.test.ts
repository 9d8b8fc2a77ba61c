import { createServer, type Server, type Socket } from 'node:net';
import { demoPark, type Reading } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { planReads } from '../../modbus/read-plan.js';
import { buildRegisterMap, type RegisterMap, registerCount } from '../../modbus/register-map.js';
import { startModbusFieldServer } from '../../sim/modbus-field.js';
import { type SimulatedPark, startSimulatedPark } from '../../sim/simulated-park.js';
import type { PollReport, ProtocolAdapter } from '../adapter.js';
import { describeAdapterContract } from '../adapter-contract.js';
import { createModbusTcpAdapter, type ModbusTcpAdapterOptions } from './modbus-tcp-adapter.js';

const park = demoPark();
const registerMap = buildRegisterMap(park);
/** Monday 2025-07-07 12:00 in the park's UTC+8: PV, loads and the battery all busy. */
const NOON_MS = Date.UTC(2025, 6, 7, 4);
const setpointPointId = registerMap.entries.find((e) => e.tag === 'bess1.setpoint_kw')?.pointId as number;

/** A TCP port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const fastOptions = (port: number, extra: Partial<ModbusTcpAdapterOptions> = {}): ModbusTcpAdapterOptions => ({
  host: '127.0.0.1',
  port,
  registerMap,
  pollIntervalMs: 40,
  timeoutMs: 300,
  reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
  ...extra,
});

describeAdapterContract('modbus-tcp against the simulated demo park', async ({ reachable }) => {
  const sim = await startSimulatedPark({ park, seed: 1, clock: () => NOON_MS, tickMs: 0 });
  const port = reachable ? sim.port : await closedPort();
  const pointsByAsset = new Map<string, number[]>();
  for (const e of registerMap.entries) pointsByAsset.set(e.assetId, [...(pointsByAsset.get(e.assetId) ?? []), e.pointId]);
  return {
    adapter: createModbusTcpAdapter(fastOptions(port)),
    pointsByAsset,
    writable: { pointId: setpointPointId, value: -640 },
    cleanup: () => sim.stop(),
  };
});

describe('Modbus TCP adapter against the simulated park', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const startPark = async (options: { port?: number } = {}): Promise<SimulatedPark> => {
    const sim = await startSimulatedPark({ park, seed: 1, clock: () => NOON_MS, tickMs: 0, port: options.port });
    cleanups.push(() => sim.stop());
    return sim;
  };
  const startAdapter = async (options: ModbusTcpAdapterOptions) => {
    const adapter: ProtocolAdapter = createModbusTcpAdapter(options);
    const latest = new Map<number, Reading>();
    const reports: PollReport[] = [];
    await adapter.start(
      (readings) => {
        for (const r of readings) latest.set(r.pointId, r);
      },
      { pollCompleted: (r) => reports.push(r) },
    );
    cleanups.push(() => adapter.stop());
    return { adapter, latest, reports };
  };

  it('reads every point equal to the simulator within float32 precision, in ⌈registers/125⌉ requests per unit', async () => {
    const sim = await startPark();
    const { adapter, latest, reports } = await startAdapter(fastOptions(sim.port));
    await waitFor(() => reports.length >= 1, { what: 'a poll' });
    expect(latest.size).toBe(park.points.length);
    for (const e of registerMap.entries) {
      const reading = latest.get(e.pointId) as Reading;
      const expected = sim.simulator.value(e.pointId) as number;
      expect(reading.quality).toBe('good');
      // float32 gauges carry 24 bits of mantissa; float64 counters are exact.
      expect(reading.value).toBe(e.dataType === 'float32' ? Math.fround(expected) : expected);
    }

    const registersPerUnit = new Map<number, number>();
    for (const e of registerMap.entries) registersPerUnit.set(e.unitId, (registersPerUnit.get(e.unitId) ?? 0) + registerCount(e));
    const lowerBound = [...registersPerUnit.values()].reduce((s, r) => s + Math.ceil(r / 125), 0);
    const report = reports[0] as PollReport;
    expect(report.requests).toBe(planReads(registerMap.entries).length);
    expect(report.requests).toBeGreaterThanOrEqual(lowerBound);
    expect(report.requests).toBeLessThanOrEqual(lowerBound + registersPerUnit.size);
    expect(report).toMatchObject({ pointsGood: park.points.length, pointsBad: 0, errors: 0 });

    const status = adapter.status();
    expect(status.requests).toBeGreaterThanOrEqual(report.requests);
    expect(status.pointsRead).toBeGreaterThanOrEqual(park.points.length);
  });

  it('follows the simulator as it steps', async () => {
    const sim = await startPark();
    const { latest, reports } = await startAdapter(fastOptions(sim.port));
    await waitFor(() => reports.length >= 1);
    const gridId = registerMap.entries.find((e) => e.tag === 'grid.p_kw')?.pointId as number;
    sim.simulator.step(NOON_MS + 3_600_000);
    const after = reports.length;
    await waitFor(() => reports.length >= after + 2);
    expect(latest.get(gridId)?.value).toBe(Math.fround(sim.simulator.value(gridId) as number));
  });

  it('marks points on an unanswered unit bad (exception 0x0B) and keeps reading the rest', async () => {
    const sim = await startPark();
    const ghost = {
      pointId: 999_001,
      assetId: 'ghost',
      unitId: 200,
      table: 'holding',
      address: 0,
      dataType: 'float32',
      wordOrder: 'big',
      scale: 1,
      writable: false,
    } as const;
    const map: RegisterMap = { ...registerMap, entries: [...registerMap.entries, ghost] };
    const { adapter, latest, reports } = await startAdapter(fastOptions(sim.port, { registerMap: map }));
    await waitFor(() => reports.length >= 3, { what: 'three polls' });
    expect(latest.get(ghost.pointId)).toMatchObject({ quality: 'bad', value: 0 });
    expect([...latest.values()].filter((r) => r.quality === 'good')).toHaveLength(park.points.length);
    expect(reports.every((r) => r.errors === 1 && r.pointsBad === 1)).toBe(true);
    const status = adapter.status();
    expect(status.state).toBe('connected');
    expect(status.lastError?.code).toBe('modbus_exception');
    expect(status.reconnects).toBe(0);
  });

  it('survives the server stopping mid-run: last values with quality bad, then recovery on restart', async () => {
    const sim = await startPark();
    const { adapter, latest, reports } = await startAdapter(fastOptions(sim.port));
    await waitFor(() => reports.length >= 1);
    const gridId = registerMap.entries.find((e) => e.tag === 'grid.p_kw')?.pointId as number;
    const before = latest.get(gridId) as Reading;

    await sim.stop();
    await waitFor(() => latest.get(gridId)?.quality === 'bad', { what: 'bad quality' });
    expect(latest.get(gridId)?.value).toBe(before.value); // the last good value, flagged
    expect(adapter.status().state).not.toBe('connected');

    const revived = await startModbusFieldServer({ simulator: sim.simulator, registerMap, port: sim.port });
    cleanups.push(() => revived.close());
    await waitFor(() => adapter.status().state === 'connected', { what: 'reconnect' });
    const marker = reports.length;
    await waitFor(() => reports.length >= marker + 2 && (reports[reports.length - 1] as PollReport).pointsBad === 0, { what: 'a clean poll' });
    expect(latest.get(gridId)?.quality).toBe('good');
    expect(adapter.status().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('times out against a silent device, marks bad, rebuilds the link, and never overlaps polls', async () => {
    // Accepts TCP connections and never answers a request.
    const sockets = new Set<Socket>();
    let connections = 0;
    const silent: Server = createServer((s) => {
      connections++;
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          silent.close(() => r());
        }),
    );
    const port = (silent.address() as { port: number }).port;
    const { adapter, latest, reports } = await startAdapter(fastOptions(port, { timeoutMs: 60, maxConsecutiveTimeouts: 2, pollIntervalMs: 30 }));
    await waitFor(() => reports.length >= 3, { what: 'three polls', timeoutMs: 15_000 });
    expect(latest.size).toBe(park.points.length);
    expect([...latest.values()].every((r) => r.quality === 'bad')).toBe(true);
    const status = adapter.status();
    expect(status.lastError?.code).toMatch(/timeout|not_connected/);
    expect(status.overruns).toBeGreaterThan(0); // 2 timeouts ≈ 120 ms > 30 ms interval
    expect(connections).toBeGreaterThanOrEqual(2); // dropped after 2 timeouts, reconnected
    for (let i = 1; i < reports.length; i++) {
      const prev = reports[i - 1] as PollReport;
      expect((reports[i] as PollReport).startedAt).toBeGreaterThanOrEqual(prev.startedAt + prev.durationMs);
    }
  });

  it('writes the battery setpoint (FC16) and confirms it by read-back; refuses bad writes', async () => {
    const sim = await startPark();
    const { adapter, reports } = await startAdapter(fastOptions(sim.port));
    await waitFor(() => reports.length >= 1);
    const write = adapter.write as NonNullable<ProtocolAdapter['write']>;

    expect(await write(setpointPointId, -812.5)).toEqual({ ok: true, readBack: -812.5 });
    expect(sim.simulator.value(setpointPointId)).toBe(-812.5);
    // float32 storage: the read-back is the stored value, and ok compares against that.
    expect(await write(setpointPointId, 100.1)).toEqual({ ok: true, readBack: Math.fround(100.1) });

    const gridId = registerMap.entries.find((e) => e.tag === 'grid.p_kw')?.pointId as number;
    expect(await write(gridId, 1)).toMatchObject({ ok: false, error: { code: 'not_writable' } });
    expect(await write(setpointPointId, 1e6)).toMatchObject({ ok: false, error: { code: 'modbus_exception' } });
    expect(sim.simulator.value(setpointPointId)).toBeCloseTo(100.1, 4);
  });
});
