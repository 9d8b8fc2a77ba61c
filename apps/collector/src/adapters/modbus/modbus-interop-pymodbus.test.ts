import { createRng, demoPark, type ModbusPointConfig, parseDeviceConfig, type Reading } from '@zcp/model';
import { describeWithTool, waitFor } from '@zcp/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import { planReads } from '../../modbus/read-plan.js';
import { createPtyPair, type PtyPair } from '../../sim/modbus-rtu-servers.js';
import { systemClock, systemRandom } from '../../system.js';
import type { PollReport, ProtocolAdapter } from '../adapter.js';
import { PYMODBUS_REQUIREMENT, type PymodbusRegister, type PymodbusSpec, SERIAL_ASYNCIO_REQUIREMENT, startPymodbusServer } from './interop-fixtures.js';
import { modbusAdapterFactory, modbusDeviceRegisterMap } from './modbus-factory.js';

const park = demoPark();
const SEED = Number(process.env.ZCP_INTEROP_SEED ?? Date.now() % 1_000_000);
const rng = createRng(SEED);

const INT_RANGE = {
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  int64: [-(2 ** 53), 2 ** 53],
  uint64: [0, 2 ** 53],
} as const;
const SIZE = { int16: 1, uint16: 1, int32: 2, uint32: 2, int64: 4, uint64: 4, float32: 2, float64: 4 } as const;
type NumType = keyof typeof SIZE;

/** Random values of every type × byte order × word order, placed back to back in both register tables of two units. */
function buildCase() {
  const spec: PymodbusSpec = { units: {} };
  const points: Partial<ModbusPointConfig>[] = [];
  const expected = new Map<number, number>();
  let next = 0;
  const pointId = () => (park.points[next++] as { id: number }).id;
  for (const unit of [1, 3]) {
    const registers: PymodbusRegister[] = [];
    for (const table of ['holding', 'input'] as const) {
      let address = 0;
      for (const type of Object.keys(SIZE) as NumType[]) {
        for (const byteorder of ['big', 'little'] as const) {
          for (const wordorder of ['big', 'little'] as const) {
            const value = type.startsWith('float')
              ? rng.range(-1e6, 1e6)
              : rng.int(INT_RANGE[type as keyof typeof INT_RANGE][0], INT_RANGE[type as keyof typeof INT_RANGE][1]);
            registers.push({ table, address, type, byteorder, wordorder, value });
            const id = pointId();
            // int16 points also exercise scale and offset (a temperature in 0.1 °C, −40 offset).
            const scaled = type === 'int16';
            points.push({
              pointId: id,
              unitId: unit,
              table,
              address,
              dataType: type,
              byteOrder: byteorder,
              wordOrder: wordorder,
              ...(scaled ? { scale: 0.1, offset: -40 } : {}),
            });
            expected.set(id, scaled ? value * 0.1 - 40 : type === 'float32' ? Math.fround(value) : value);
            address += SIZE[type];
          }
        }
      }
      // A numeric string (firmware-style) and a status word mapped by enumValues.
      const num = rng.int(100, 99_999);
      registers.push({ table, address, type: 'string', byteorder: 'big', wordorder: 'big', value: String(num) });
      const numId = pointId();
      points.push({ pointId: numId, unitId: unit, table, address, dataType: 'string', length: 4 });
      expected.set(numId, num);
      address += 4;
      const state = rng.next() < 0.5 ? 'RUN' : 'STOP';
      registers.push({ table, address, type: 'string', byteorder: 'big', wordorder: 'big', value: state });
      const stateId = pointId();
      points.push({ pointId: stateId, unitId: unit, table, address, dataType: 'string', length: 2, enumValues: { RUN: 1, STOP: 0 } });
      expected.set(stateId, state === 'RUN' ? 1 : 0);
    }
    const coils: Record<string, boolean> = {};
    const discrete: Record<string, boolean> = {};
    for (let a = 0; a < 40; a++) {
      coils[a] = rng.next() < 0.5;
      discrete[a] = rng.next() < 0.5;
      for (const [table, bits] of [
        ['coil', coils],
        ['discrete', discrete],
      ] as const) {
        const id = pointId();
        points.push({ pointId: id, unitId: unit, table, address: a, dataType: 'bool' });
        expected.set(id, bits[a] ? 1 : 0);
      }
    }
    spec.units[unit] = { registers, coils, discrete };
  }
  return { spec, points, expected };
}

const pymodbusSuite = (transport: 'tcp' | 'rtu') => () => {
  const { spec, points, expected } = buildCase();
  let pty: PtyPair | undefined;
  let server: Awaited<ReturnType<typeof startPymodbusServer>>;
  let adapter: ProtocolAdapter;
  const latest = new Map<number, Reading>();
  const reports: PollReport[] = [];
  const writablePoints = [
    { pointId: (park.points[900] as { id: number }).id, unitId: 1, table: 'holding', address: 500, dataType: 'int16', writable: true },
    { pointId: (park.points[901] as { id: number }).id, unitId: 1, table: 'holding', address: 501, dataType: 'float32', writable: true },
    { pointId: (park.points[902] as { id: number }).id, unitId: 1, table: 'holding', address: 503, dataType: 'uint16', writable: true, writeFunction: 16 },
    { pointId: (park.points[903] as { id: number }).id, unitId: 1, table: 'coil', address: 600, dataType: 'bool', writable: true },
    { pointId: (park.points[904] as { id: number }).id, unitId: 1, table: 'coil', address: 601, dataType: 'bool', writable: true, writeFunction: 15 },
  ] as const;
  const outOfRange = { pointId: (park.points[950] as { id: number }).id, unitId: 1, table: 'holding', address: 5000, dataType: 'float32' } as const;
  const device = parseDeviceConfig({
    version: 1,
    devices: [
      {
        id: 'pymodbus',
        ...(transport === 'tcp'
          ? { protocol: 'modbus-tcp', endpoint: { host: '127.0.0.1', port: 1 } }
          : { protocol: 'modbus-rtu', endpoint: { path: '/dev/null', baudRate: 19200 } }),
        pollIntervalMs: 50,
        timeoutMs: 1000,
        points: [...points, ...writablePoints, outOfRange],
      },
    ],
  }).devices[0];
  if (device?.protocol !== 'modbus-tcp' && device?.protocol !== 'modbus-rtu') throw new Error('unreachable');
  let connected: typeof device = device;

  beforeAll(async () => {
    if (device.protocol === 'modbus-rtu') {
      pty = await createPtyPair();
      server = await startPymodbusServer(spec, { serialPath: pty.deviceEnd, baudRate: 19200 });
      connected = { ...device, endpoint: { ...device.endpoint, path: pty.collectorEnd } };
    } else {
      server = await startPymodbusServer(spec);
      connected = { ...device, endpoint: { host: '127.0.0.1', port: server.port } };
    }
    adapter = await modbusAdapterFactory(connected, { park, logger: silentLogger, clock: systemClock, random: systemRandom, secrets: {} });
    await adapter.start(
      (rs) => {
        for (const r of rs) latest.set(r.pointId, r);
      },
      { pollCompleted: (r) => reports.push(r) },
    );
    await waitFor(() => reports.length >= 2, { what: 'two polls', timeoutMs: 15_000 });
  }, 30_000);
  afterAll(async () => {
    await adapter?.stop();
    await server?.stop();
    await pty?.close();
  });

  it('decodes every type, byte order and word order, strings, coils and discrete inputs as pymodbus encoded them', () => {
    const wrong: string[] = [];
    for (const [id, value] of expected) {
      const r = latest.get(id);
      if (r?.quality !== 'good' || Math.abs(r.value - value) > Math.abs(value) * 1e-12) wrong.push(`point ${id}: expected ${value}, got ${JSON.stringify(r)}`);
    }
    expect(wrong).toEqual([]);
    expect(expected.size).toBe(2 * (2 * (8 * 4 + 2) + 80));
  });

  it('coalesces per unit and table (FC1, FC2, FC3, FC4) and marks an address the server refuses bad (exception 0x02)', () => {
    const { registerMap } = modbusDeviceRegisterMap(connected, park);
    const report = reports[reports.length - 1] as PollReport;
    expect(report.requests).toBe(planReads(registerMap.entries).length);
    // 2 units × (coil, discrete, holding, input) + unit 1's writable registers (500–503) and coils (600–601) + the refused one.
    expect(report.requests).toBe(2 * 4 + 1 + 1 + 1);
    expect(report.errors).toBe(1);
    expect(latest.get(outOfRange.pointId)?.quality).toBe('bad');
    expect(adapter.status().lastError?.code).toBe('modbus_exception');
  });

  it('writes FC6, FC16, FC5 and FC15 and confirms each by read-back from pymodbus', async () => {
    const write = adapter.write as NonNullable<ProtocolAdapter['write']>;
    const int16Value = rng.int(-3000, 3000);
    expect(await write(writablePoints[0].pointId, int16Value)).toEqual({ ok: true, readBack: int16Value });
    const f = rng.range(-1000, 1000);
    expect(await write(writablePoints[1].pointId, f)).toEqual({ ok: true, readBack: Math.fround(f) });
    expect(await write(writablePoints[2].pointId, 65_535)).toEqual({ ok: true, readBack: 65_535 });
    expect(await write(writablePoints[3].pointId, 1)).toEqual({ ok: true, readBack: 1 });
    expect(await write(writablePoints[4].pointId, 1)).toEqual({ ok: true, readBack: 1 });
    expect(await write(writablePoints[4].pointId, 0)).toEqual({ ok: true, readBack: 0 });
    const marker = reports.length;
    await waitFor(() => reports.length >= marker + 2);
    expect(latest.get(writablePoints[0].pointId)?.value).toBe(int16Value);
    expect(latest.get(writablePoints[3].pointId)?.value).toBe(1);
  });
};

describeWithTool([PYMODBUS_REQUIREMENT], `collector reads a third-party Modbus TCP server (Debian pymodbus 3.0, seed ${SEED})`, pymodbusSuite('tcp'));
describeWithTool(
  [PYMODBUS_REQUIREMENT, SERIAL_ASYNCIO_REQUIREMENT, 'socat'],
  `collector reads a third-party Modbus RTU server on a pty (Debian pymodbus 3.0, seed ${SEED})`,
  pymodbusSuite('rtu'),
);
