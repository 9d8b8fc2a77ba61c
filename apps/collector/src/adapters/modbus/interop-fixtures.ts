import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CollectorError } from '../../errors.js';

/** Debian's interpreter: the `python3` first on PATH may be another one without python3-pymodbus. */
export const DEBIAN_PYTHON = '/usr/bin/python3';
export const PYMODBUS_REQUIREMENT = { name: 'python3-pymodbus', probe: [DEBIAN_PYTHON, '-c', 'import pymodbus.server.async_io, pymodbus.payload'] } as const;
/** pymodbus' serial server needs pyserial-asyncio. */
export const SERIAL_ASYNCIO_REQUIREMENT = { name: 'python3-serial-asyncio', probe: [DEBIAN_PYTHON, '-c', 'import serial_asyncio'] } as const;

const SCRIPT = fileURLToPath(new URL('../../../test-fixtures/pymodbus_server.py', import.meta.url));

export interface PymodbusRegister {
  table: 'holding' | 'input';
  address: number;
  type: 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64' | 'string';
  byteorder: 'big' | 'little';
  wordorder: 'big' | 'little';
  value: number | string;
}
export interface PymodbusSpec {
  units: Record<string, { registers?: PymodbusRegister[]; coils?: Record<string, boolean>; discrete?: Record<string, boolean> }>;
}

/**
 * Starts test-fixtures/pymodbus_server.py (Debian's pymodbus 3.0) with the given values on
 * an ephemeral TCP port, or as Modbus RTU on `serialPath`. The server exits when its stdin
 * closes, which `stop` does.
 *
 * @example
 * const server = await startPymodbusServer({ units: { '1': { coils: { '0': true } } } })
 */
export async function startPymodbusServer(
  spec: PymodbusSpec,
  options: { serialPath?: string; baudRate?: number } = {},
): Promise<{ port: number; stop(): Promise<void> }> {
  const args = options.serialPath ? [SCRIPT, '--serial', options.serialPath, String(options.baudRate ?? 19200)] : [SCRIPT];
  const child: ChildProcess = spawn(DEBIAN_PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  child.stdin?.write(`${JSON.stringify(spec)}\n`);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new CollectorError('timeout', `pymodbus server did not start in 10 s: ${stderr}`)), 10_000);
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /LISTENING (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]) || 0);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new CollectorError('internal', `pymodbus server exited with ${code}: ${stderr}`));
      });
    });
    return { port, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Runs mbpoll and returns its stdout; rejects with its stderr on a non-zero exit. */
export function runMbpoll(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('mbpoll', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new CollectorError('internal', `mbpoll ${args.join(' ')} exited ${code}: ${err}${out}`))));
  });
}

/** `[ref]: value` lines of mbpoll's output (1-based references) → Map<ref, text>. */
export function parseMbpollValues(stdout: string): Map<number, string> {
  const values = new Map<number, string>();
  for (const m of stdout.matchAll(/^\[(\d+)\]:\s+(\S+)/gm)) values.set(Number(m[1]), m[2] as string);
  return values;
}
