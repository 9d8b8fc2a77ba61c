import type { Server } from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { CollectorError, toCollectorError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { decodeRegisters, encodeRegisters } from '../modbus/codec.js';
import { type RegisterMap, type RegisterMapEntry, registerCount } from '../modbus/register-map.js';
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

export interface ModbusFieldServerOptions {
  simulator: ParkSimulator;
  registerMap: RegisterMap;
  /** Default 127.0.0.1 — simulated devices are not for the network. */
  host?: string;
  /** 0 (default) = an ephemeral port; read the bound one from `port`. */
  port?: number;
  logger?: Logger;
}

export interface ModbusFieldServerStats {
  readRequests: number;
  writeRequests: number;
  exceptions: number;
}

export interface ModbusFieldServer {
  readonly host: string;
  readonly port: number;
  stats(): ModbusFieldServerStats;
  /** Closes the listener and drops every client connection. */
  close(): Promise<void>;
}

/** modbus-serial's node-style callback; the value is ignored when `err` is set. */
type Callback<T> = (err: Error | null, value: T) => void;

/** An Error that modbus-serial's server turns into a Modbus exception response. */
function exception(code: number, message: string): Error & { modbusErrorCode: number } {
  return Object.assign(new Error(message), { modbusErrorCode: code });
}

interface Unit {
  entries: RegisterMapEntry[];
  /** entry covering each register, for writes */
  byRegister: Map<number, RegisterMapEntry>;
  size: number;
  image: Uint16Array;
  /** simulator version the image was rendered at */
  version: number;
}

/**
 * Serves a park simulator as Modbus TCP field devices (modbus-serial `ServerTCP`): one unit
 * id per enterprise, registers laid out by the register map. Holding (FC3) and input (FC4)
 * registers show the same image. Reads use the vector's multi-register callbacks, so a
 * 125-register read is one call that copies from a per-unit register image re-rendered only
 * when the simulator has stepped. Writable points (the battery setpoint) take FC16 (atomic)
 * or FC6 (the value commits once every register of the point has been written).
 *
 * Exceptions: unknown unit → 0x0B, registers outside the unit's map → 0x02, writes to a
 * read-only point → 0x02, a setpoint the device refuses → 0x03.
 *
 * @example
 * const server = await startModbusFieldServer({ simulator, registerMap: buildRegisterMap(park) })
 * server.port // the ephemeral port bound
 * await server.close()
 */
export async function startModbusFieldServer(options: ModbusFieldServerOptions): Promise<ModbusFieldServer> {
  const { simulator, registerMap } = options;
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silentLogger;
  const stats: ModbusFieldServerStats = { readRequests: 0, writeRequests: 0, exceptions: 0 };

  const units = new Map<number, Unit>();
  for (const e of registerMap.entries) {
    let unit = units.get(e.unitId);
    if (!unit) {
      unit = { entries: [], byRegister: new Map(), size: 0, image: new Uint16Array(0), version: -1 };
      units.set(e.unitId, unit);
    }
    unit.entries.push(e);
    for (let r = e.address; r < e.address + registerCount(e); r++) unit.byRegister.set(r, e);
    unit.size = Math.max(unit.size, e.address + registerCount(e));
  }
  for (const unit of units.values()) unit.image = new Uint16Array(unit.size);

  const render = (unit: Unit): Uint16Array => {
    const version = simulator.version();
    if (unit.version !== version) {
      for (const e of unit.entries) unit.image.set(encodeRegisters(simulator.value(e.pointId) ?? 0, e), e.address);
      unit.version = version;
    }
    return unit.image;
  };

  const read = (address: number, length: number, unitId: number): number[] => {
    stats.readRequests++;
    const unit = units.get(unitId);
    if (!unit) throw exception(MODBUS_EXCEPTION.gatewayTargetFailedToRespond, `no device at unit ${unitId}`);
    if (length < 1 || address + length > unit.size) {
      throw exception(MODBUS_EXCEPTION.illegalDataAddress, `registers ${address}..${address + length - 1} are outside unit ${unitId}`);
    }
    return Array.from(render(unit).subarray(address, address + length));
  };

  /** Words of writable points received by FC6 until the point is complete. */
  const staged = new Map<RegisterMapEntry, Map<number, number>>();

  const commit = (entry: RegisterMapEntry, words: readonly number[]): void => {
    const value = decodeRegisters(words, 0, entry);
    try {
      simulator.setSetpoint(entry.assetId, value);
    } catch (e) {
      const err = toCollectorError(e);
      const code = err.code === 'setpoint_out_of_range' ? MODBUS_EXCEPTION.illegalDataValue : MODBUS_EXCEPTION.serverDeviceFailure;
      throw exception(code, err.message);
    }
    logger.info({ pointId: entry.pointId, assetId: entry.assetId, value }, 'simulated device accepted a setpoint');
  };

  const write = (address: number, words: readonly number[], unitId: number): void => {
    stats.writeRequests++;
    const unit = units.get(unitId);
    if (!unit) throw exception(MODBUS_EXCEPTION.gatewayTargetFailedToRespond, `no device at unit ${unitId}`);
    // Validate the whole request before changing anything.
    const touched = new Set<RegisterMapEntry>();
    for (let r = address; r < address + words.length; r++) {
      const entry = unit.byRegister.get(r);
      if (!entry?.writable) throw exception(MODBUS_EXCEPTION.illegalDataAddress, `register ${r} of unit ${unitId} is not writable`);
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
      commit(
        entry,
        Array.from({ length: registerCount(entry) }, (_, i) => pending.get(i) as number),
      );
    }
  };

  /** Runs a handler and reports its result or exception through modbus-serial's callback. */
  const respond = <T>(cb: Callback<T>, fn: () => T): void => {
    let result: T;
    try {
      result = fn();
    } catch (e) {
      stats.exceptions++;
      const err = e instanceof Error && 'modbusErrorCode' in e ? e : exception(MODBUS_EXCEPTION.serverDeviceFailure, toCollectorError(e).message);
      logger.debug({ err: err.message }, 'modbus exception response');
      cb(err, undefined as T);
      return;
    }
    cb(null, result);
  };

  // modbus-serial picks the callback form by each function's declared arity (`fn.length`),
  // so every handler below takes its callback as the last, counted parameter. Throwing from
  // the non-callback form of getMultiple* would escape into a timer and crash the process.
  const vector = {
    getHoldingRegister: (addr: number, unitId: number, cb: Callback<number>) => respond(cb, () => read(addr, 1, unitId)[0] as number),
    getInputRegister: (addr: number, unitId: number, cb: Callback<number>) => respond(cb, () => read(addr, 1, unitId)[0] as number),
    getMultipleHoldingRegisters: (addr: number, length: number, unitId: number, cb: Callback<number[]>) => respond(cb, () => read(addr, length, unitId)),
    getMultipleInputRegisters: (addr: number, length: number, unitId: number, cb: Callback<number[]>) => respond(cb, () => read(addr, length, unitId)),
    setRegister: (addr: number, value: number, unitId: number, cb: Callback<void>) => respond(cb, () => write(addr, [value], unitId)),
    // FC16 in one call (undocumented in the d.ts, present in servertcp_handler.js 8.0.x).
    setRegisterArray: (addr: number, values: number[], unitId: number, cb: Callback<void>) => respond(cb, () => write(addr, values, unitId)),
  };

  // ServerTCP reads `options.port || 502`, so a numeric 0 would silently bind the privileged
  // Modbus port. The string '0' is truthy, passes net's port validation and binds ephemeral.
  const requestedPort = options.port ?? 0;
  const listenPort = requestedPort === 0 ? ('0' as unknown as number) : requestedPort;
  const server = new ServerTCP(vector, { host, port: listenPort, unitID: 255 });
  // ServerTCP does not forward its net.Server's errors (EADDRINUSE would be an uncaught
  // 'error' event) nor expose the bound port, so reach the underlying server once, here.
  const net = (server as unknown as { _server: Server })._server;
  const port = await new Promise<number>((resolve, reject) => {
    net.once('error', (e) => reject(new CollectorError('internal', `Modbus server cannot listen on ${host}:${options.port ?? 0}: ${e.message}`, { cause: e })));
    server.once('initialized', () => {
      const address = net.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  net.on('error', (e) => logger.error({ err: e.message }, 'modbus server error'));
  server.on('error', (e) => logger.warn({ err: e?.message }, 'modbus server could not answer a request'));
  server.on('socketError', (e) => logger.debug({ err: e?.message }, 'modbus client socket error'));
  logger.info({ host, port, units: units.size, points: registerMap.entries.length }, 'simulated Modbus field devices listening');

  let closed: Promise<void> | undefined;
  return {
    host,
    port,
    stats: () => ({ ...stats }),
    close() {
      closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closed;
    },
  };
}
