import { demoPark } from '@zcp/model';
import ModbusSerial from 'modbus-serial';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRegisters, encodeRegisters } from '../modbus/codec.js';
import { buildRegisterMap, type RegisterMapEntry } from '../modbus/register-map.js';
import { MODBUS_EXCEPTION, type ModbusFieldServer, startModbusFieldServer } from './modbus-field.js';
import { createParkSimulator, type ParkSimulator } from './park-simulator.js';

const park = demoPark();
const registerMap = buildRegisterMap(park);
const entry = (tag: string) => registerMap.entries.find((e) => e.tag === tag) as RegisterMapEntry;
const setpoint = entry('bess1.setpoint_kw');

describe('simulated Modbus field devices', () => {
  let simulator: ParkSimulator;
  let server: ModbusFieldServer;
  let client: InstanceType<typeof ModbusSerial.default>;

  beforeEach(async () => {
    simulator = createParkSimulator({ park, seed: 4 });
    simulator.step(Date.UTC(2025, 6, 7, 4));
    server = await startModbusFieldServer({ simulator, registerMap });
    client = new ModbusSerial.default();
    client.setTimeout(500);
    await client.connectTCP('127.0.0.1', { port: server.port });
  });
  afterEach(async () => {
    await new Promise<void>((r) => (client.isOpen ? client.destroy(() => r()) : r()));
    await server.close();
  });

  it('answers a 125-register read with one vector call and the encoded simulator values', async () => {
    const unit = entry('huaxin-meter.p_kw').unitId;
    const inUnit = registerMap.entries.filter((e) => e.unitId === unit && e.address + 4 <= 125);
    client.setID(unit);
    const before = server.stats().readRequests;
    const res = await client.readHoldingRegisters(0, 125);
    expect(server.stats().readRequests).toBe(before + 1);
    expect(res.data).toHaveLength(125);
    for (const e of inUnit) {
      expect(decodeRegisters(res.data, e.address, e)).toBe(decodeRegisters(encodeRegisters(simulator.value(e.pointId) as number, e), 0, e));
    }
    // Input registers mirror the holding registers.
    expect((await client.readInputRegisters(0, 125)).data).toEqual(res.data);
    // A single register goes through the single-register callback.
    expect((await client.readHoldingRegisters(1, 1)).data).toEqual([res.data[1]]);
  });

  it('answers exceptions: 0x0B for an unknown unit, 0x02 past the map, 0x02 for a read-only write', async () => {
    client.setID(200);
    await expect(client.readHoldingRegisters(0, 2)).rejects.toMatchObject({ modbusCode: MODBUS_EXCEPTION.gatewayTargetFailedToRespond });
    client.setID(1);
    await expect(client.readHoldingRegisters(60_000, 10)).rejects.toMatchObject({ modbusCode: MODBUS_EXCEPTION.illegalDataAddress });
    const grid = entry('grid.p_kw');
    await expect(client.writeRegisters(grid.address, [0, 0])).rejects.toMatchObject({ modbusCode: MODBUS_EXCEPTION.illegalDataAddress });
    expect(server.stats().exceptions).toBe(3);
    // …and keeps serving afterwards.
    expect((await client.readHoldingRegisters(0, 2)).data).toHaveLength(2);
  });

  it('takes a setpoint by FC16 at once, and by FC6 once both words arrived', async () => {
    client.setID(setpoint.unitId);
    await client.writeRegisters(setpoint.address, encodeRegisters(-300, setpoint));
    expect(simulator.value(setpoint.pointId)).toBe(-300);

    const [hi, lo] = encodeRegisters(450, setpoint) as [number, number];
    await client.writeRegister(setpoint.address, hi);
    expect(simulator.value(setpoint.pointId)).toBe(-300); // half a float is not a value yet
    await client.writeRegister(setpoint.address + 1, lo);
    expect(simulator.value(setpoint.pointId)).toBe(450);
    const back = await client.readHoldingRegisters(setpoint.address, 2);
    expect(decodeRegisters(back.data, 0, setpoint)).toBe(450);
  });

  it('refuses a setpoint beyond the battery rating with 0x03 and leaves it unchanged', async () => {
    client.setID(setpoint.unitId);
    await client.writeRegisters(setpoint.address, encodeRegisters(100, setpoint));
    await expect(client.writeRegisters(setpoint.address, encodeRegisters(99_999, setpoint))).rejects.toMatchObject({
      modbusCode: MODBUS_EXCEPTION.illegalDataValue,
    });
    expect(simulator.value(setpoint.pointId)).toBe(100);
  });

  it("binds an ephemeral port when none is given (not modbus-serial's default 502)", () => {
    expect(server.port).not.toBe(502);
    expect(server.port).toBeGreaterThan(1024);
  });

  it('rejects (does not crash) when its port is taken', async () => {
    await expect(startModbusFieldServer({ simulator, registerMap, port: server.port })).rejects.toMatchObject({ code: 'internal' });
  });
});
