import { toCollectorError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { decodeRegisters, encodeRegisters } from '../modbus/codec.js';
import { isBitTable, type RegisterMap, type RegisterMapEntry, registerCount } from '../modbus/register-map.js';
import type { ParkSimulator } from './park-simulator.js';

/** Modbus exception codes the simulated devices answer with. */
export const MODBUS_EXCEPTION = {
  illegalFunction: 0x01,
  illegalDataAddress: 0x02,
  illegalDataValue: 0x03,
  serverDeviceFailure: 0x04,
  /** What a TCP gateway answers for a unit id behind it that does not respond. */
  gatewayTargetFailedToRespond: 0x0b,
} as const;

/** An Error that the servers turn into a Modbus exception response (modbus-serial's convention). */
export function modbusException(code: number, message: string): Error & { modbusErrorCode: number } {
  return Object.assign(new Error(message), { modbusErrorCode: code });
}

export type RegisterTable = 'holding' | 'input';
export type BitTable = 'coil' | 'discrete';

export interface ModbusFieldStats {
  readRequests: number;
  writeRequests: number;
  exceptions: number;
}

/**
 * The simulated devices' Modbus data, independent of framing (TCP/MBAP or RTU): the four
 * tables of every unit, rendered from the simulator. Methods throw `modbusException` errors.
 */
export interface ModbusDataModel {
  hasUnit(unitId: number): boolean;
  readRegisters(unitId: number, table: RegisterTable, address: number, count: number): number[];
  readBits(unitId: number, table: BitTable, address: number, count: number): boolean[];
  writeRegisters(unitId: number, address: number, words: readonly number[]): void;
  writeBits(unitId: number, address: number, bits: readonly boolean[]): void;
  readonly stats: ModbusFieldStats;
}

interface Unit {
  entries: RegisterMapEntry[];
  /** entry covering each register (holding/input) or bit (coil/discrete) address, per table */
  byAddress: Map<string, RegisterMapEntry>;
  size: number;
  image: Uint16Array;
  /** simulator version the image was rendered at */
  version: number;
}

/**
 * Lays a register map over a park simulator. Holding (FC3) and input (FC4) registers show the
 * same image (re-rendered only when the simulator has stepped); coils and discrete inputs
 * read their point as `value ≠ 0`. Writable points (the battery setpoint) take FC16 (atomic)
 * or FC6 (the value commits once every register of the point has been written); writable
 * coils take FC5/FC15.
 *
 * Exceptions: unknown unit → 0x0B, addresses outside the unit's map → 0x02, writes to a
 * read-only point → 0x02, a setpoint the device refuses → 0x03.
 */
export function createParkModbusModel(simulator: ParkSimulator, registerMap: RegisterMap, logger: Logger = silentLogger): ModbusDataModel {
  const stats: ModbusFieldStats = { readRequests: 0, writeRequests: 0, exceptions: 0 };
  const units = new Map<number, Unit>();
  for (const e of registerMap.entries) {
    let unit = units.get(e.unitId);
    if (!unit) {
      unit = { entries: [], byAddress: new Map(), size: 0, image: new Uint16Array(0), version: -1 };
      units.set(e.unitId, unit);
    }
    const registerTable = !isBitTable(e.table);
    for (let r = e.address; r < e.address + registerCount(e); r++) {
      // holding and input registers mirror each other: one key for both
      unit.byAddress.set(`${registerTable ? 'reg' : e.table}/${r}`, e);
    }
    if (registerTable) {
      unit.entries.push(e);
      unit.size = Math.max(unit.size, e.address + registerCount(e));
    }
  }
  for (const unit of units.values()) unit.image = new Uint16Array(unit.size);

  const counted = <T>(kind: 'readRequests' | 'writeRequests', fn: () => T): T => {
    stats[kind]++;
    try {
      return fn();
    } catch (e) {
      stats.exceptions++;
      throw e;
    }
  };
  const unitOf = (unitId: number): Unit => {
    const unit = units.get(unitId);
    if (!unit) throw modbusException(MODBUS_EXCEPTION.gatewayTargetFailedToRespond, `no device at unit ${unitId}`);
    return unit;
  };
  const render = (unit: Unit): Uint16Array => {
    const version = simulator.version();
    if (unit.version !== version) {
      for (const e of unit.entries) unit.image.set(encodeRegisters(simulator.value(e.pointId) ?? 0, e), e.address);
      unit.version = version;
    }
    return unit.image;
  };
  const commit = (entry: RegisterMapEntry, value: number): void => {
    try {
      simulator.setSetpoint(entry.assetId, value);
    } catch (e) {
      const err = toCollectorError(e);
      const code = err.code === 'setpoint_out_of_range' ? MODBUS_EXCEPTION.illegalDataValue : MODBUS_EXCEPTION.serverDeviceFailure;
      throw modbusException(code, err.message);
    }
    logger.info({ pointId: entry.pointId, assetId: entry.assetId, value }, 'simulated device accepted a setpoint');
  };
  /** Words of writable points received by FC6 until the point is complete. */
  const staged = new Map<RegisterMapEntry, Map<number, number>>();

  return {
    stats,
    hasUnit: (unitId) => units.has(unitId),
    readRegisters: (unitId, _table, address, count) =>
      counted('readRequests', () => {
        const unit = unitOf(unitId);
        if (count < 1 || address + count > unit.size) {
          throw modbusException(MODBUS_EXCEPTION.illegalDataAddress, `registers ${address}..${address + count - 1} are outside unit ${unitId}`);
        }
        return Array.from(render(unit).subarray(address, address + count));
      }),
    readBits: (unitId, table, address, count) =>
      counted('readRequests', () => {
        const unit = unitOf(unitId);
        const bits: boolean[] = [];
        for (let a = address; a < address + count; a++) {
          const e = unit.byAddress.get(`${table}/${a}`);
          if (!e) throw modbusException(MODBUS_EXCEPTION.illegalDataAddress, `${table} ${a} is outside unit ${unitId}`);
          bits.push((simulator.value(e.pointId) ?? 0) !== 0);
        }
        return bits;
      }),
    writeRegisters: (unitId, address, words) =>
      counted('writeRequests', () => {
        const unit = unitOf(unitId);
        // Validate the whole request before changing anything.
        const touched = new Set<RegisterMapEntry>();
        for (let r = address; r < address + words.length; r++) {
          const entry = unit.byAddress.get(`reg/${r}`);
          if (!entry?.writable || entry.table !== 'holding')
            throw modbusException(MODBUS_EXCEPTION.illegalDataAddress, `register ${r} of unit ${unitId} is not writable`);
          touched.add(entry);
        }
        for (const entry of touched) {
          const pending = staged.get(entry) ?? new Map<number, number>();
          for (let r = entry.address; r < entry.address + registerCount(entry); r++) {
            if (r >= address && r < address + words.length) pending.set(r - entry.address, words[r - address] as number);
          }
          if (pending.size < registerCount(entry)) {
            staged.set(entry, pending);
            continue;
          }
          staged.delete(entry);
          const all = Array.from({ length: registerCount(entry) }, (_, i) => pending.get(i) as number);
          commit(entry, decodeRegisters(all, 0, entry));
        }
      }),
    writeBits: (unitId, address, bits) =>
      counted('writeRequests', () => {
        const unit = unitOf(unitId);
        const entries = bits.map((_, i) => {
          const entry = unit.byAddress.get(`coil/${address + i}`);
          if (!entry?.writable) throw modbusException(MODBUS_EXCEPTION.illegalDataAddress, `coil ${address + i} of unit ${unitId} is not writable`);
          return entry;
        });
        entries.forEach((entry, i) => {
          commit(entry, bits[i] ? 1 : 0);
        });
      }),
  };
}
