import type { Server } from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { CollectorError, toCollectorError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import type { RegisterMap } from '../modbus/register-map.js';
import { createParkModbusModel, MODBUS_EXCEPTION, type ModbusFieldStats, modbusException } from './modbus-data-model.js';
import type { ParkSimulator } from './park-simulator.js';

export { MODBUS_EXCEPTION } from './modbus-data-model.js';

export interface ModbusFieldServerOptions {
  simulator: ParkSimulator;
  registerMap: RegisterMap;
  /** Default 127.0.0.1 — simulated devices are not for the network. */
  host?: string;
  /** 0 (default) = an ephemeral port; read the bound one from `port`. */
  port?: number;
  logger?: Logger;
}

export type ModbusFieldServerStats = ModbusFieldStats;

export interface ModbusFieldServer {
  readonly host: string;
  readonly port: number;
  stats(): ModbusFieldServerStats;
  /** Closes the listener and drops every client connection. */
  close(): Promise<void>;
}

/** modbus-serial's node-style callback; the value is ignored when `err` is set. */
type Callback<T> = (err: Error | null, value: T) => void;

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
  const model = createParkModbusModel(simulator, registerMap, logger);

  /** Runs a handler and reports its result or exception through modbus-serial's callback. */
  const respond = <T>(cb: Callback<T>, fn: () => T): void => {
    let result: T;
    try {
      result = fn();
    } catch (e) {
      const err = e instanceof Error && 'modbusErrorCode' in e ? e : modbusException(MODBUS_EXCEPTION.serverDeviceFailure, toCollectorError(e).message);
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
    getHoldingRegister: (addr: number, unitId: number, cb: Callback<number>) => respond(cb, () => model.readRegisters(unitId, 'holding', addr, 1)[0] as number),
    getInputRegister: (addr: number, unitId: number, cb: Callback<number>) => respond(cb, () => model.readRegisters(unitId, 'input', addr, 1)[0] as number),
    getMultipleHoldingRegisters: (addr: number, length: number, unitId: number, cb: Callback<number[]>) =>
      respond(cb, () => model.readRegisters(unitId, 'holding', addr, length)),
    getMultipleInputRegisters: (addr: number, length: number, unitId: number, cb: Callback<number[]>) =>
      respond(cb, () => model.readRegisters(unitId, 'input', addr, length)),
    // FC1/FC2 ask bit by bit (modbus-serial has no multi-bit callback).
    getCoil: (addr: number, unitId: number, cb: Callback<boolean>) => respond(cb, () => model.readBits(unitId, 'coil', addr, 1)[0] as boolean),
    getDiscreteInput: (addr: number, unitId: number, cb: Callback<boolean>) => respond(cb, () => model.readBits(unitId, 'discrete', addr, 1)[0] as boolean),
    setCoil: (addr: number, value: boolean, unitId: number, cb: Callback<void>) => respond(cb, () => model.writeBits(unitId, addr, [value])),
    setRegister: (addr: number, value: number, unitId: number, cb: Callback<void>) => respond(cb, () => model.writeRegisters(unitId, addr, [value])),
    // FC16 in one call (undocumented in the d.ts, present in servertcp_handler.js 8.0.x).
    setRegisterArray: (addr: number, values: number[], unitId: number, cb: Callback<void>) => respond(cb, () => model.writeRegisters(unitId, addr, values)),
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
  logger.info({ host, port, points: registerMap.entries.length }, 'simulated Modbus field devices listening');

  let closed: Promise<void> | undefined;
  return {
    host,
    port,
    stats: () => ({ ...model.stats }),
    close() {
      closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closed;
    },
  };
}
