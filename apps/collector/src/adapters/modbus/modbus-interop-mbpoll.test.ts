import { demoPark, parseDeviceConfig, type Reading } from '@zcp/model';
import { describeWithTool, waitFor } from '@zcp/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import { decodeRegisters } from '../../modbus/codec.js';
import { buildRegisterMap, type RegisterMapEntry } from '../../modbus/register-map.js';
import { createParkModbusModel } from '../../sim/modbus-data-model.js';
import { simulatedModbusDeviceConfig } from '../../sim/modbus-device-config.js';
import { createPtyPair, type PtyPair, type RtuFieldServer, startModbusRtuSerialServer } from '../../sim/modbus-rtu-servers.js';
import { createParkSimulator } from '../../sim/park-simulator.js';
import { type SimulatedPark, startSimulatedPark } from '../../sim/simulated-park.js';
import { systemClock, systemRandom } from '../../system.js';
import type { PollReport, ProtocolAdapter } from '../adapter.js';
import { parseMbpollValues, runMbpoll } from './interop-fixtures.js';
import { modbusAdapterFactory } from './modbus-factory.js';

const park = demoPark();
const registerMap = buildRegisterMap(park);
/** Monday 2025-07-07 12:00 in the park's UTC+8: PV, loads and the battery all busy (values ≠ 0). */
const NOON_MS = Date.UTC(2025, 6, 7, 4);

describeWithTool(['mbpoll'], 'mbpoll (a Modbus master nobody here wrote) agrees with the collector on the simulated devices', () => {
  let sim: SimulatedPark;
  let adapter: ProtocolAdapter;
  const latest = new Map<number, Reading>();
  const reports: PollReport[] = [];
  const mbpoll = (unitId: number, type: string, ref: number, count: number, extra: string[] = []) =>
    runMbpoll([
      '-m',
      'tcp',
      '-a',
      String(unitId),
      '-t',
      type,
      '-r',
      String(ref),
      '-c',
      String(count),
      ...extra,
      '-1',
      '-o',
      '2',
      '-p',
      String(sim.port),
      '127.0.0.1',
    ]);

  beforeAll(async () => {
    sim = await startSimulatedPark({ park, seed: 7, clock: () => NOON_MS, tickMs: 0 });
    const device = parseDeviceConfig(
      simulatedModbusDeviceConfig(sim.registerMap, { endpoint: { protocol: 'modbus-tcp', host: sim.host, port: sim.port }, pollIntervalMs: 50 }),
    ).devices[0];
    if (device?.protocol !== 'modbus-tcp') throw new Error('unreachable');
    adapter = await modbusAdapterFactory(device, { park, logger: silentLogger, clock: systemClock, random: systemRandom, secrets: {} });
    await adapter.start(
      (rs) => {
        for (const r of rs) latest.set(r.pointId, r);
      },
      { pollCompleted: (r) => reports.push(r) },
    );
    await waitFor(() => reports.length >= 1, { what: 'a poll' });
  });
  afterAll(async () => {
    await adapter?.stop();
    await sim?.stop();
  });

  it("raw registers (4:hex, 1-based refs, 125 per read): every point of two units decodes to the collector's value", async () => {
    let compared = 0;
    for (const unitId of [1, 2]) {
      const inUnit = registerMap.entries.filter((e) => e.unitId === unitId);
      const size = Math.max(...inUnit.map((e) => e.address + (e.dataType === 'float64' ? 4 : 2)));
      const words: number[] = [];
      for (let start = 0; start < size; start += 125) {
        const count = Math.min(125, size - start);
        // mbpoll's references are 1-based: PDU address a is reference a + 1.
        const values = parseMbpollValues(await mbpoll(unitId, '4:hex', start + 1, count));
        for (let i = 0; i < count; i++) words.push(Number.parseInt(values.get(start + i + 1) ?? 'NaN', 16));
      }
      for (const e of inUnit) {
        expect(decodeRegisters(words, e.address, e), `${e.tag} @ unit ${unitId} address ${e.address}`).toBe(latest.get(e.pointId)?.value);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('floats (4:float and 3:float with -B, big-endian word order) match; without -B they do not', async () => {
    const floats = registerMap.entries
      .filter((e): e is RegisterMapEntry => e.unitId === 2 && e.dataType === 'float32' && (latest.get(e.pointId)?.value ?? 0) !== 0)
      .slice(0, 8);
    expect(floats.length).toBe(8);
    for (const e of floats) {
      const want = latest.get(e.pointId)?.value as number;
      for (const type of ['4:float', '3:float']) {
        const got = Number(parseMbpollValues(await mbpoll(2, type, e.address + 1, 1, ['-B'])).get(e.address + 1));
        // mbpoll prints %g (6 significant digits).
        expect(Math.abs(got - want), `${e.tag} ${type}: mbpoll ${got}, collector ${want}`).toBeLessThanOrEqual(Math.abs(want) * 1e-5);
      }
    }
    const e = floats[0] as RegisterMapEntry;
    const swapped = Number(parseMbpollValues(await mbpoll(2, '4:float', e.address + 1, 1)).get(e.address + 1));
    expect(Math.abs(swapped - (latest.get(e.pointId)?.value as number))).toBeGreaterThan(1e-3);
  });

  it('a setpoint written by mbpoll (FC16 float, -B) is what the collector reads next', async () => {
    const setpoint = registerMap.entries.find((e) => e.tag === 'bess1.setpoint_kw') as RegisterMapEntry;
    await runMbpoll([
      '-m',
      'tcp',
      '-a',
      String(setpoint.unitId),
      '-t',
      '4:float',
      '-B',
      '-r',
      String(setpoint.address + 1),
      '-1',
      '-p',
      String(sim.port),
      '--',
      '127.0.0.1',
      '-321.5',
    ]);
    expect(sim.simulator.value(setpoint.pointId)).toBe(-321.5);
    await waitFor(() => latest.get(setpoint.pointId)?.value === -321.5, { what: 'the collector to read the new setpoint' });
  });
});

describeWithTool(['mbpoll', 'socat'], 'mbpoll as an RTU master on a socat pty reads the simulated RTU devices (our RTU framing)', () => {
  let pty: PtyPair;
  let server: RtuFieldServer;
  const simulator = createParkSimulator({ park, seed: 11 });
  simulator.step(NOON_MS);

  beforeAll(async () => {
    pty = await createPtyPair();
    server = await startModbusRtuSerialServer({ model: createParkModbusModel(simulator, registerMap), path: pty.deviceEnd, baudRate: 19200 });
  });
  afterAll(async () => {
    await server?.close();
    await pty?.close();
  });

  it("125 raw registers of unit 2 (CRC-checked by mbpoll) decode to the simulator's values; a missing unit times out", async () => {
    const rtu = (args: string[]) => runMbpoll(['-m', 'rtu', '-b', '19200', '-P', 'none', '-d', '8', '-s', '1', '-1', '-o', '1', ...args, pty.collectorEnd]);
    const values = parseMbpollValues(await rtu(['-a', '2', '-t', '4:hex', '-r', '1', '-c', '125']));
    const words = Array.from({ length: 125 }, (_, i) => Number.parseInt(values.get(i + 1) ?? 'NaN', 16));
    const inBlock = registerMap.entries.filter((e) => e.unitId === 2 && e.address + (e.dataType === 'float64' ? 4 : 2) <= 125);
    expect(inBlock.length).toBeGreaterThan(20);
    for (const e of inBlock) {
      const v = simulator.value(e.pointId) as number;
      expect(decodeRegisters(words, e.address, e), e.tag).toBe(e.dataType === 'float32' ? Math.fround(v) : v);
    }
    expect(server.stats().crcErrors).toBe(0);
    await expect(rtu(['-a', '200', '-t', '4', '-r', '1', '-c', '2'])).rejects.toThrow(/Connection timed out/);
    expect(server.stats().unanswered).toBeGreaterThanOrEqual(1);
  });
});
