import type { EventEmitter } from 'node:events';
import ModbusSerial from 'modbus-serial';
import { CollectorError } from '../../errors.js';
import { decodeRegisters, encodeRegisters } from '../../modbus/codec.js';
import type { ReadBlock } from '../../modbus/read-plan.js';
import { isBitTable, type RegisterMapEntry } from '../../modbus/register-map.js';

// modbus-serial is CommonJS with an ESM-style d.ts: under NodeNext the default import is
// `module.exports`, and the client class is also `module.exports.default` (same object).
const ModbusRTU = ModbusSerial.default;
export type ModbusClient = InstanceType<typeof ModbusRTU>;

/** How a Modbus adapter reaches its devices. */
export type ModbusTransport =
  | { kind: 'tcp'; host: string; port: number }
  /** RTU frames (CRC, no MBAP header) over a TCP socket: serial-to-Ethernet converters. */
  | { kind: 'rtu-over-tcp'; host: string; port: number }
  | { kind: 'rtu'; path: string; baudRate: number; parity: 'none' | 'even' | 'odd'; dataBits: 7 | 8; stopBits: 1 | 2 };

export function describeTransport(t: ModbusTransport): string {
  return t.kind === 'rtu' ? `${t.path}@${t.baudRate}` : `${t.host}:${t.port}`;
}

/**
 * Opens one client on the transport. The caller owns it (and must `closeClient` it). Port
 * errors are handed to `onError`: the client re-emits them as 'error' events, which would
 * throw without a listener.
 */
export async function openClient(t: ModbusTransport, timeoutMs: number, onError: (e: unknown) => void): Promise<ModbusClient> {
  const c: ModbusClient = new ModbusRTU();
  c.setTimeout(timeoutMs);
  (c as unknown as EventEmitter).on('error', onError);
  try {
    if (t.kind === 'tcp') await c.connectTCP(t.host, { port: t.port, timeout: timeoutMs });
    // modbus-serial's connectTcpRTUBuffered sends MBAP headers despite its name (and caps its
    // reassembly buffer at 256 bytes < a 125-register answer); TelnetPort is raw RTU over TCP.
    else if (t.kind === 'rtu-over-tcp') await c.connectTelnet(t.host, { port: t.port });
    else await c.connectRTUBuffered(t.path, { baudRate: t.baudRate, parity: t.parity, dataBits: t.dataBits, stopBits: t.stopBits });
  } catch (e) {
    void closeClient(c);
    throw e;
  }
  return c;
}

export function closeClient(c: ModbusClient): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!c.isOpen) return resolve();
    c.destroy(() => resolve());
  });
}

/** Reads one block: FC1 coils, FC2 discrete inputs (as 0/1 words), FC3 holding, FC4 input registers. */
export async function readBlock(c: ModbusClient, block: Pick<ReadBlock, 'table' | 'address' | 'count'>): Promise<number[]> {
  switch (block.table) {
    case 'coil':
      return bitsToWords((await c.readCoils(block.address, block.count)).data, block.count);
    case 'discrete':
      return bitsToWords((await c.readDiscreteInputs(block.address, block.count)).data, block.count);
    case 'input':
      return (await c.readInputRegisters(block.address, block.count)).data;
    case 'holding':
      return (await c.readHoldingRegisters(block.address, block.count)).data;
  }
}

function bitsToWords(bits: readonly boolean[], count: number): number[] {
  // modbus-serial pads to whole bytes; only the first `count` bits were asked for.
  if (bits.length < count) throw new CollectorError('internal', `asked for ${count} bits, got ${bits.length}`);
  return bits.slice(0, count).map((b) => (b ? 1 : 0));
}

/** Decodes one point from its block's words (bit tables: one 0/1 word per bit). */
export function decodeEntry(words: readonly number[], block: Pick<ReadBlock, 'address'>, e: RegisterMapEntry): number {
  if (isBitTable(e.table)) return words[e.address - block.address] ? 1 : 0;
  return decodeRegisters(words, e.address - block.address, e);
}

/** The registers (or coil states) a value is written as, and what the device will hold. */
export function encodeEntry(value: number, e: RegisterMapEntry): { words: number[]; expected: number } {
  if (isBitTable(e.table) || e.dataType === 'bool') {
    const words = [value !== 0 ? 1 : 0];
    return { words, expected: words[0] as number };
  }
  const words = encodeRegisters(value, e);
  return { words, expected: decodeRegisters(words, 0, e) };
}

/**
 * Writes a point with the function the table and size call for — FC5 a coil, FC6 a single
 * register, FC16 several registers — or the one the point forces (`writeFunction`: FC15
 * for coils, FC16 for single registers, on devices that refuse the single-item functions).
 */
export async function writeEntry(c: ModbusClient, e: RegisterMapEntry, words: number[]): Promise<5 | 6 | 15 | 16> {
  if (e.table === 'coil') {
    if (e.writeFunction === 15) {
      await c.writeCoils(e.address, [words[0] === 1]);
      return 15;
    }
    await c.writeCoil(e.address, words[0] === 1);
    return 5;
  }
  if (e.table !== 'holding') throw new CollectorError('not_writable', `${e.table} points are read-only in Modbus`);
  if (e.dataType === 'bool' && e.bit !== undefined)
    throw new CollectorError('not_writable', 'bool points on a register bit are read-only here (a read-modify-write is not atomic)');
  if (words.length === 1 && e.writeFunction !== 16) {
    await c.writeRegister(e.address, words[0] as number);
    return 6;
  }
  await c.writeRegisters(e.address, words);
  return 16;
}
