import type { Duplex } from 'node:stream';
import { type Logger, silentLogger } from '../logger.js';
import { MODBUS_EXCEPTION, type ModbusDataModel } from './modbus-data-model.js';

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), sent low byte first. */
export function crc16Modbus(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** Appends the CRC to an RTU frame body (unit id + PDU). */
export function withCrc(body: Uint8Array): Buffer {
  const frame = Buffer.alloc(body.length + 2);
  frame.set(body);
  frame.writeUInt16LE(crc16Modbus(body), body.length);
  return frame;
}

const exceptionPdu = (fc: number, code: number) => Buffer.from([fc | 0x80, code]);

/**
 * Answers one request PDU (function code + data) from the data model: FC1/2/3/4 reads,
 * FC5/6 single writes, FC15/16 multiple writes. Model errors become exception PDUs; an
 * unknown function is exception 0x01, a bad quantity 0x03 (as the spec says).
 */
export function answerPdu(model: ModbusDataModel, unitId: number, pdu: Buffer): Buffer {
  const fc = pdu[0] as number;
  try {
    switch (fc) {
      case 1:
      case 2: {
        const address = pdu.readUInt16BE(1);
        const count = pdu.readUInt16BE(3);
        if (count < 1 || count > 2000) return exceptionPdu(fc, MODBUS_EXCEPTION.illegalDataValue);
        const bits = model.readBits(unitId, fc === 1 ? 'coil' : 'discrete', address, count);
        const out = Buffer.alloc(2 + Math.ceil(count / 8));
        out[0] = fc;
        out[1] = out.length - 2;
        bits.forEach((b, i) => {
          if (b) out[2 + (i >> 3)] = (out[2 + (i >> 3)] as number) | (1 << (i & 7));
        });
        return out;
      }
      case 3:
      case 4: {
        const address = pdu.readUInt16BE(1);
        const count = pdu.readUInt16BE(3);
        if (count < 1 || count > 125) return exceptionPdu(fc, MODBUS_EXCEPTION.illegalDataValue);
        const words = model.readRegisters(unitId, fc === 3 ? 'holding' : 'input', address, count);
        const out = Buffer.alloc(2 + count * 2);
        out[0] = fc;
        out[1] = count * 2;
        words.forEach((w, i) => {
          out.writeUInt16BE(w, 2 + i * 2);
        });
        return out;
      }
      case 5: {
        const value = pdu.readUInt16BE(3);
        if (value !== 0xff00 && value !== 0) return exceptionPdu(fc, MODBUS_EXCEPTION.illegalDataValue);
        model.writeBits(unitId, pdu.readUInt16BE(1), [value === 0xff00]);
        return Buffer.from(pdu.subarray(0, 5));
      }
      case 6:
        model.writeRegisters(unitId, pdu.readUInt16BE(1), [pdu.readUInt16BE(3)]);
        return Buffer.from(pdu.subarray(0, 5));
      case 15: {
        const count = pdu.readUInt16BE(3);
        const bits = Array.from({ length: count }, (_, i) => (((pdu[6 + (i >> 3)] as number) >> (i & 7)) & 1) === 1);
        model.writeBits(unitId, pdu.readUInt16BE(1), bits);
        return Buffer.from(pdu.subarray(0, 5));
      }
      case 16: {
        const count = pdu.readUInt16BE(3);
        const words = Array.from({ length: count }, (_, i) => pdu.readUInt16BE(6 + i * 2));
        model.writeRegisters(unitId, pdu.readUInt16BE(1), words);
        return Buffer.from(pdu.subarray(0, 5));
      }
      default:
        return exceptionPdu(fc, MODBUS_EXCEPTION.illegalFunction);
    }
  } catch (e) {
    const code = (e as { modbusErrorCode?: unknown }).modbusErrorCode;
    return exceptionPdu(fc, typeof code === 'number' ? code : MODBUS_EXCEPTION.serverDeviceFailure);
  }
}

/** Length of the request frame starting at `buf[0]`, or undefined while it cannot be known yet. */
function requestLength(buf: Buffer): number | undefined {
  if (buf.length < 2) return undefined;
  const fc = buf[1] as number;
  if (fc >= 1 && fc <= 6) return 8;
  if (fc === 15 || fc === 16) return buf.length < 7 ? undefined : 9 + (buf[6] as number);
  return -1; // unknown function: resynchronise
}

export interface RtuFieldStats {
  frames: number;
  crcErrors: number;
  /** Requests for units this line has no device for: a real bus stays silent. */
  unanswered: number;
}

/**
 * Serves the data model as Modbus RTU devices on a byte stream — a serial port (the pty end
 * of a socat pair) or a TCP socket (RTU over TCP). Frames are cut by their function code's
 * length, so requests split across reads are reassembled; a CRC error or an unknown
 * function drops the buffer (the master times out, as on a real line). Units the model
 * does not have stay silent; broadcast (unit 0) writes are executed without an answer.
 *
 * @example
 * const stop = serveModbusRtu(serialPort, model)
 */
export function serveModbusRtu(stream: Duplex, model: ModbusDataModel, logger: Logger = silentLogger): { stats: RtuFieldStats; detach(): void } {
  const stats: RtuFieldStats = { frames: 0, crcErrors: 0, unanswered: 0 };
  let buf: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    for (;;) {
      const n = requestLength(buf);
      if (n === undefined || buf.length < n) return;
      if (n < 0) {
        logger.debug({ fc: buf[1] }, 'rtu: unknown function, dropping buffered bytes');
        buf = Buffer.alloc(0);
        return;
      }
      const frame = buf.subarray(0, n);
      buf = buf.subarray(n);
      if (crc16Modbus(frame.subarray(0, n - 2)) !== frame.readUInt16LE(n - 2)) {
        stats.crcErrors++;
        buf = Buffer.alloc(0);
        return;
      }
      stats.frames++;
      const unitId = frame[0] as number;
      const pdu = Buffer.from(frame.subarray(1, n - 2));
      if (unitId === 0) {
        answerPdu(model, unitId, pdu);
        continue;
      }
      if (!model.hasUnit(unitId)) {
        stats.unanswered++;
        continue;
      }
      const answer = answerPdu(model, unitId, pdu);
      stream.write(withCrc(Buffer.concat([Buffer.from([unitId]), answer])));
    }
  };
  stream.on('data', onData);
  return {
    stats,
    detach: () => {
      stream.off('data', onData);
    },
  };
}
