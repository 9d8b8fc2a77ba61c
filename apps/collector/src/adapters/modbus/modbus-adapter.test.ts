import { demoPark, type Reading } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { planReads } from '../../modbus/read-plan.js';
import { buildRegisterMap, type RegisterMap, type RegisterMapEntry } from '../../modbus/register-map.js';
import { createParkModbusModel } from '../../sim/modbus-data-model.js';
import { startModbusFieldServer } from '../../sim/modbus-field.js';
import { startModbusRtuOverTcpServer } from '../../sim/modbus-rtu-servers.js';
import { createParkSimulator } from '../../sim/park-simulator.js';
import type { PollReport, ProtocolAdapter } from '../adapter.js';
import { createModbusAdapter } from './modbus-adapter.js';
import type { ModbusTransport } from './modbus-client.js';

const park = demoPark();
const full = buildRegisterMap(park);
const NOON_MS = Date.UTC(2025, 6, 7, 4);
const unit1 = full.entries.filter((e) => e.unitId === 1);
const setpoint = unit1.find((e) => e.tag === 'bess1.setpoint_kw') as RegisterMapEntry;
const others = unit1.filter((e) => e !== setpoint);
/** Unit 1 with all four tables: 12 points as discrete inputs, the setpoint as coil 0, 4 as input registers, the rest holding. */
const bitMap: RegisterMap = {
  ...full,
  entries: [
    ...others.slice(0, 12).map((e, i) => ({ ...e, table: 'discrete' as const, address: i, dataType: 'bool' as const })),
    { ...setpoint, table: 'coil', address: 0, dataType: 'bool' },
    ...others.slice(12, 16).map((e) => ({ ...e, table: 'input' as const })),
    ...others.slice(16),
  ],
};

describe('Modbus adapter: bit tables, writes and deadband against the simulated devices', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const run = async (
    framing: 'tcp' | 'rtu-over-tcp',
    registerMap: RegisterMap,
    extra: { publishRules?: Map<number, { deadband: number; maxPublishIntervalMs?: number }> } = {},
  ) => {
    const simulator = createParkSimulator({ park, seed: 9 });
    simulator.step(NOON_MS);
    const server =
      framing === 'tcp'
        ? await startModbusFieldServer({ simulator, registerMap })
        : await startModbusRtuOverTcpServer({ model: createParkModbusModel(simulator, registerMap) });
    cleanups.push(() => server.close());
    const transport: ModbusTransport = { kind: framing, host: '127.0.0.1', port: server.port };
    const adapter: ProtocolAdapter = createModbusAdapter({ transport, registerMap, pollIntervalMs: 30, timeoutMs: 500, ...extra });
    const latest = new Map<number, Reading>();
    const delivered: Reading[] = [];
    const reports: PollReport[] = [];
    await adapter.start(
      (rs) => {
        delivered.push(...rs);
        for (const r of rs) latest.set(r.pointId, r);
      },
      { pollCompleted: (r) => reports.push(r) },
    );
    cleanups.push(() => adapter.stop());
    await waitFor(() => reports.length >= 1, { what: 'a poll' });
    return { simulator, adapter, latest, delivered, reports };
  };

  for (const framing of ['tcp', 'rtu-over-tcp'] as const) {
    it(`${framing}: reads coils (FC1), discrete inputs (FC2), holding (FC3) and input registers (FC4); writes a coil (FC5) with read-back`, async () => {
      const { simulator, adapter, latest, reports } = await run(framing, bitMap);
      for (const e of bitMap.entries) {
        const v = simulator.value(e.pointId) as number;
        const want = e.dataType === 'bool' ? (v !== 0 ? 1 : 0) : e.dataType === 'float32' ? Math.fround(v) : v;
        expect(latest.get(e.pointId), `${e.tag} (${e.table})`).toMatchObject({ quality: 'good', value: want });
      }
      const tables = new Set(bitMap.entries.map((e) => e.table));
      expect([...tables].sort()).toEqual(['coil', 'discrete', 'holding', 'input']);
      expect((reports[0] as PollReport).requests).toBe(planReads(bitMap.entries).length);
      const write = adapter.write as NonNullable<ProtocolAdapter['write']>;
      expect(await write(setpoint.pointId, 1)).toEqual({ ok: true, readBack: 1 });
      expect(simulator.value(setpoint.pointId)).toBe(1);
      const readOnly = bitMap.entries.find((e) => e.table === 'discrete') as RegisterMapEntry;
      expect(await write(readOnly.pointId, 1)).toMatchObject({ ok: false, error: { code: 'not_writable' } });
    });
  }

  it('deadband: unchanged values are delivered once per heartbeat, not every poll; a real change passes at once', async () => {
    const map: RegisterMap = { ...full, entries: unit1 };
    const gridId = unit1.find((e) => e.tag === 'grid.p_kw')?.pointId as number;
    const rules = new Map(unit1.map((e) => [e.pointId, { deadband: e.pointId === gridId ? 0.001 : 1e9, maxPublishIntervalMs: 400 }]));
    const { simulator, delivered, reports } = await run('tcp', map, { publishRules: rules });
    await waitFor(() => reports.length >= 20, { what: '20 polls' });
    const gridDeliveries = delivered.filter((r) => r.pointId === gridId);
    const spanMs = (reports[reports.length - 1] as PollReport).startedAt - (reports[0] as PollReport).startedAt;
    // First poll + one per elapsed heartbeat, far fewer than the polls.
    expect(gridDeliveries.length).toBeLessThanOrEqual(1 + Math.ceil(spanMs / 400));
    expect(gridDeliveries.length).toBeLessThan(reports.length / 2);
    // A change past the deadband goes out on the next poll, well before the heartbeat.
    const old = gridDeliveries[gridDeliveries.length - 1]?.value;
    simulator.step(NOON_MS + 120_000);
    const fresh = Math.fround(simulator.value(gridId) as number);
    expect(Math.abs(fresh - (old as number))).toBeGreaterThan(0.001);
    const n = delivered.length;
    const t0 = Date.now();
    await waitFor(() => delivered.slice(n).some((r) => r.pointId === gridId && r.value === fresh));
    expect(Date.now() - t0).toBeLessThan(400);
  });
});
