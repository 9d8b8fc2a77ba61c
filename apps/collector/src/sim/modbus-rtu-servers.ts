import { spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceConfigInput } from '@zcp/model';
import { SerialPort } from 'serialport';
import { CollectorError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import type { RegisterMap } from '../modbus/register-map.js';
import { createParkModbusModel, type ModbusDataModel } from './modbus-data-model.js';
import { simulatedModbusDeviceConfig } from './modbus-device-config.js';
import { type RtuFieldStats, serveModbusRtu } from './modbus-rtu-field.js';
import type { ParkSimulator } from './park-simulator.js';

export interface RtuFieldServer {
  /** `host:port` for RTU over TCP, the device path for serial. */
  readonly endpoint: string;
  stats(): RtuFieldStats;
  close(): Promise<void>;
}

const addStats = (into: RtuFieldStats, s: RtuFieldStats) => {
  into.frames += s.frames;
  into.crcErrors += s.crcErrors;
  into.unanswered += s.unanswered;
};

/**
 * The simulated devices as Modbus RTU frames over TCP (what a serial-to-Ethernet converter
 * in "transparent" mode offers). Port 0 = ephemeral.
 *
 * @example
 * const server = await startModbusRtuOverTcpServer({ model, port: 0 })
 */
export async function startModbusRtuOverTcpServer(options: {
  model: ModbusDataModel;
  host?: string;
  port?: number;
  logger?: Logger;
}): Promise<RtuFieldServer & { port: number }> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Map<Socket, { stats: RtuFieldStats }>();
  const closedStats: RtuFieldStats = { frames: 0, crcErrors: 0, unanswered: 0 };
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    const served = serveModbusRtu(socket, options.model, options.logger);
    sockets.set(socket, served);
    socket.on('close', () => {
      addStats(closedStats, served.stats);
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = (server.address() as { port: number }).port;
  let closed: Promise<void> | undefined;
  return {
    endpoint: `${host}:${port}`,
    port,
    stats: () => {
      const total = { ...closedStats };
      for (const s of sockets.values()) addStats(total, s.stats);
      return total;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const s of sockets.keys()) s.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}

/**
 * The simulated devices as Modbus RTU on a serial line (in tests: one end of a socat pty
 * pair, the collector on the other).
 *
 * @example
 * const server = await startModbusRtuSerialServer({ model, path: pty.deviceEnd, baudRate: 19200 })
 */
export async function startModbusRtuSerialServer(options: {
  model: ModbusDataModel;
  path: string;
  baudRate?: number;
  logger?: Logger;
}): Promise<RtuFieldServer> {
  const logger = options.logger ?? silentLogger;
  const port = new SerialPort({ path: options.path, baudRate: options.baudRate ?? 9600, autoOpen: false });
  port.on('error', (e) => logger.warn({ err: e.message }, 'rtu serial port error'));
  await new Promise<void>((resolve, reject) =>
    port.open((e) => (e ? reject(new CollectorError('internal', `cannot open ${options.path}: ${e.message}`, { cause: e })) : resolve())),
  );
  const served = serveModbusRtu(port, options.model, logger);
  let closed: Promise<void> | undefined;
  return {
    endpoint: options.path,
    stats: () => ({ ...served.stats }),
    close() {
      closed ??= new Promise<void>((resolve) => {
        served.detach();
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      });
      return closed;
    },
  };
}

export interface PtyPair {
  /** The collector's end (the "serial port" it opens). */
  readonly collectorEnd: string;
  /** The simulated devices' end. */
  readonly deviceEnd: string;
  close(): Promise<void>;
}

/**
 * A connected pseudo-terminal pair made by Debian's `socat`, standing in for a serial cable
 * (raw, no echo). Needs `socat` on PATH.
 *
 * @example
 * const pty = await createPtyPair()
 * // …open pty.deviceEnd and pty.collectorEnd…
 * await pty.close()
 */
export async function createPtyPair(options: { dir?: string } = {}): Promise<PtyPair> {
  // A given dir re-creates a pair at the same paths (a cable plugged back in); it is not removed on close.
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'zcp-pty-')));
  const collectorEnd = join(dir, 'collector');
  const deviceEnd = join(dir, 'device');
  const child = spawn('socat', [`pty,raw,echo=0,link=${collectorEnd}`, `pty,raw,echo=0,link=${deviceEnd}`], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new CollectorError('internal', `socat: ${e.message}`, { cause: e }))));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    if (!options.dir) await rm(dir, { recursive: true, force: true });
  };
  const ready = (async () => {
    for (let i = 0; i < 200; i++) {
      const ok = await Promise.all([access(collectorEnd), access(deviceEnd)]).then(
        () => true,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new CollectorError('internal', 'socat did not create the pty pair within 2 s');
  })();
  try {
    await Promise.race([ready, spawnError]);
  } catch (e) {
    await close();
    throw e;
  }
  return { collectorEnd, deviceEnd, close };
}

export interface SimulatedModbusRtuField {
  /** `host:port` (RTU over TCP) or the collector's pty end (serial). */
  readonly endpoint: string;
  /** The matching device-config section (one device, id `sim-modbus-rtu`) for `simulatedSections`. */
  readonly section: DeviceConfigInput;
  close(): Promise<void>;
}

/**
 * The simulated park's devices also as a Modbus RTU endpoint — RTU frames over TCP, or a real
 * serial line emulated by a socat pty pair — plus the device-config section that reads them.
 * Serve disjoint assets here and in the Modbus TCP section (`omitAssets`): a point is mapped
 * by one device only.
 *
 * @example
 * const rtu = await startSimulatedModbusRtuField({ simulator, registerMap, transport: 'rtu', assets: new Set(['ev01']) })
 * startCollectorApp(config, { logger, simulatedSections: [() => rtu.section] })
 */
export async function startSimulatedModbusRtuField(options: {
  simulator: ParkSimulator;
  registerMap: RegisterMap;
  transport: 'rtu' | 'rtu-over-tcp';
  /** Assets read over RTU. Default: all. */
  assets?: ReadonlySet<string>;
  pollIntervalMs?: number;
  logger?: Logger;
}): Promise<SimulatedModbusRtuField> {
  const model = createParkModbusModel(options.simulator, options.registerMap, options.logger);
  const common = { id: 'sim-modbus-rtu', onlyAssets: options.assets, pollIntervalMs: options.pollIntervalMs };
  if (options.transport === 'rtu-over-tcp') {
    const server = await startModbusRtuOverTcpServer({ model, logger: options.logger });
    return {
      endpoint: server.endpoint,
      section: simulatedModbusDeviceConfig(options.registerMap, {
        ...common,
        endpoint: { protocol: 'modbus-rtu-over-tcp', host: '127.0.0.1', port: server.port },
      }),
      close: () => server.close(),
    };
  }
  const pty = await createPtyPair();
  try {
    const server = await startModbusRtuSerialServer({ model, path: pty.deviceEnd, baudRate: 19200, logger: options.logger });
    return {
      endpoint: pty.collectorEnd,
      section: simulatedModbusDeviceConfig(options.registerMap, { ...common, endpoint: { protocol: 'modbus-rtu', path: pty.collectorEnd, baudRate: 19200 } }),
      close: async () => {
        await server.close();
        await pty.close();
      },
    };
  } catch (e) {
    await pty.close();
    throw e;
  }
}
