import type { Park } from '@zcp/model';
import { toCollectorError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { buildRegisterMap, type RegisterMap } from '../modbus/register-map.js';
import type { Clock } from '../system.js';
import { startModbusFieldServer } from './modbus-field.js';
import { createParkSimulator, type ParkSimulator } from './park-simulator.js';
import type { SkyMode } from './weather.js';

export const DEFAULT_SIM_TICK_MS = 1000;

export interface SimulatedParkOptions {
  park: Park;
  seed: number;
  /** Simulation time source (epoch ms): the wall clock in production, a fake in tests. */
  clock: Clock;
  host?: string;
  /** 0 or omitted: an ephemeral port. */
  port?: number;
  /** Step interval, ms. 0 = no timer: the caller steps `simulator` itself. Default 1000. */
  tickMs?: number;
  sky?: SkyMode;
  /** Defaults to `buildRegisterMap(park)`; the collector must use the same map. */
  registerMap?: RegisterMap;
  logger?: Logger;
}

export interface SimulatedPark {
  readonly host: string;
  readonly port: number;
  readonly registerMap: RegisterMap;
  readonly simulator: ParkSimulator;
  stop(): Promise<void>;
}

/**
 * A whole park of simulated field devices: the simulator stepped on a timer to `clock()`,
 * served over Modbus TCP. Stepping is synchronous, so a Modbus read always sees one
 * consistent instant of the park (its balance closes within a read).
 *
 * @example
 * const sim = await startSimulatedPark({ park: demoPark(), seed: 1, clock: Date.now })
 * const adapter = createModbusTcpAdapter({ host: sim.host, port: sim.port, registerMap: sim.registerMap })
 * await sim.stop()
 */
export async function startSimulatedPark(options: SimulatedParkOptions): Promise<SimulatedPark> {
  const logger = options.logger ?? silentLogger;
  const tickMs = options.tickMs ?? DEFAULT_SIM_TICK_MS;
  const registerMap = options.registerMap ?? buildRegisterMap(options.park);
  const simulator = createParkSimulator({ park: options.park, seed: options.seed, sky: options.sky });
  simulator.step(options.clock());
  const server = await startModbusFieldServer({ simulator, registerMap, host: options.host, port: options.port, logger });

  const tick = () => {
    try {
      simulator.step(options.clock());
    } catch (e) {
      // A wall clock stepped backwards (NTP): skip until time catches up rather than crash.
      logger.warn({ err: toCollectorError(e).message, code: toCollectorError(e).code }, 'simulator step skipped');
    }
  };
  const timer = tickMs > 0 ? setInterval(tick, tickMs) : undefined;

  let stopped: Promise<void> | undefined;
  return {
    host: server.host,
    port: server.port,
    registerMap,
    simulator,
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        await server.close();
      })();
      return stopped;
    },
  };
}
