import type { PointDataType } from '@zcp/model';

/**
 * Values ↔ 16-bit Modbus registers. The Modbus spec puts bytes inside a register big-endian,
 * but devices disagree on both levels, so both are per-point settings:
 * - `byteOrder` inside each register: `big` = AB (the spec), `little` = BA (byte-swapped);
 * - `wordOrder` across the registers of a multi-register value: `big` = most significant
 *   word first (ABCD, "Modicon order"), `little` = least significant first (CDAB).
 *
 * value = raw × scale + offset (so an int16 of 2315 with scale 0.01 reads 23.15).
 * 64-bit integers are exact up to 2^53; beyond, they round to the nearest double.
 * `bool` in a register is `bit` of it (or "register ≠ 0"); `string` is ASCII, 2 characters
 * per register, NUL/space padded.
 */
export const MODBUS_DATA_TYPES = ['float32', 'float64', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'] as const;
/** The numeric register types (one value from 1, 2 or 4 registers). */
export type ModbusDataType = (typeof MODBUS_DATA_TYPES)[number];
export const WORD_ORDERS = ['big', 'little'] as const;
export type WordOrder = (typeof WORD_ORDERS)[number];

export const REGISTERS_PER_TYPE: Readonly<Record<ModbusDataType, number>> = {
  float32: 2,
  float64: 4,
  int16: 1,
  uint16: 1,
  int32: 2,
  uint32: 2,
  int64: 4,
  uint64: 4,
};

const INT_RANGE: Partial<Record<ModbusDataType, readonly [number, number]>> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
};
const BIG_RANGE: Partial<Record<ModbusDataType, readonly [bigint, bigint]>> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

export interface RegisterFormat {
  dataType: ModbusDataType | Extract<PointDataType, 'bool' | 'string'>;
  wordOrder: WordOrder;
  byteOrder?: WordOrder;
  scale: number;
  offset?: number;
  /** Registers of a string. */
  length?: number;
  /** Bit of the register holding a bool. */
  bit?: number;
  /** Text → number for string points; otherwise the text must parse as a number. */
  enumValues?: Readonly<Record<string, number>>;
}

/** Registers a value of this format occupies. */
export function registersOf(format: Pick<RegisterFormat, 'dataType' | 'length'>): number {
  if (format.dataType === 'bool') return 1;
  if (format.dataType === 'string') return format.length ?? 1;
  return REGISTERS_PER_TYPE[format.dataType];
}

const swap16 = (w: number) => ((w & 0xff) << 8) | (w >> 8);

/** Registers (as the device holds them) → big-endian bytes of the value. */
/** Numeric values are at most 4 registers: decoded through one scratch view (read at once, never kept). */
const SCRATCH = new DataView(new ArrayBuffer(8));

function toView(words: ArrayLike<number>, offset: number, n: number, format: RegisterFormat, scratch?: DataView): DataView {
  if (offset < 0 || offset + n > words.length) throw new RangeError(`need ${n} registers at offset ${offset}, have ${words.length}`);
  const view = scratch && n * 2 <= scratch.byteLength ? scratch : new DataView(new ArrayBuffer(n * 2));
  for (let i = 0; i < n; i++) {
    const w = words[format.wordOrder === 'little' && format.dataType !== 'string' ? offset + n - 1 - i : offset + i] as number;
    view.setUint16(i * 2, format.byteOrder === 'little' ? swap16(w) : w);
  }
  return view;
}

function fromView(view: DataView, format: RegisterFormat): number[] {
  const n = view.byteLength / 2;
  const words: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const w = view.getUint16(i * 2);
    words[i] = format.byteOrder === 'little' ? swap16(w) : w;
  }
  return format.wordOrder === 'little' && format.dataType !== 'string' ? words.reverse() : words;
}

/**
 * Encodes an engineering value into registers. Integers are rounded and saturate at their
 * range (a meter register cannot hold more either); floats are IEEE 754.
 */
export function encodeRegisters(value: number, format: RegisterFormat): number[] {
  const n = registersOf(format);
  const view = new DataView(new ArrayBuffer(n * 2));
  const raw = (value - (format.offset ?? 0)) / format.scale;
  const finite = Number.isFinite(raw) ? raw : 0;
  const range = INT_RANGE[format.dataType as ModbusDataType];
  const int = range ? Math.min(range[1], Math.max(range[0], Math.round(finite))) : 0;
  switch (format.dataType) {
    case 'float32':
      view.setFloat32(0, raw);
      break;
    case 'float64':
      view.setFloat64(0, raw);
      break;
    case 'int16':
      view.setInt16(0, int);
      break;
    case 'uint16':
      view.setUint16(0, int);
      break;
    case 'int32':
      view.setInt32(0, int);
      break;
    case 'uint32':
      view.setUint32(0, int);
      break;
    case 'int64':
    case 'uint64': {
      const [lo, hi] = BIG_RANGE[format.dataType] as [bigint, bigint];
      let big = BigInt(Math.round(finite));
      big = big < lo ? lo : big > hi ? hi : big;
      if (format.dataType === 'int64') view.setBigInt64(0, big);
      else view.setBigUint64(0, big);
      break;
    }
    case 'bool':
      view.setUint16(0, value !== 0 ? (format.bit === undefined ? 1 : 1 << format.bit) : 0);
      break;
    case 'string':
      return encodeString(String(value), n);
  }
  return fromView(view, format);
}

/** Decodes the registers of one numeric or bool value starting at `offset` of `words`. */
export function decodeRegisters(words: ArrayLike<number>, offset: number, format: RegisterFormat): number {
  if (format.dataType === 'string') {
    const text = decodeString(words, offset, format);
    const mapped = format.enumValues?.[text];
    if (mapped !== undefined) return mapped;
    return text.trim() === '' ? Number.NaN : Number(text) * format.scale + (format.offset ?? 0);
  }
  const view = toView(words, offset, registersOf(format), format, SCRATCH);
  let raw: number;
  switch (format.dataType) {
    case 'float32':
      raw = view.getFloat32(0);
      break;
    case 'float64':
      raw = view.getFloat64(0);
      break;
    case 'int16':
      raw = view.getInt16(0);
      break;
    case 'uint16':
      raw = view.getUint16(0);
      break;
    case 'int32':
      raw = view.getInt32(0);
      break;
    case 'uint32':
      raw = view.getUint32(0);
      break;
    case 'int64':
      raw = Number(view.getBigInt64(0));
      break;
    case 'uint64':
      raw = Number(view.getBigUint64(0));
      break;
    case 'bool': {
      const w = view.getUint16(0);
      return (format.bit === undefined ? w !== 0 : ((w >> format.bit) & 1) === 1) ? 1 : 0;
    }
  }
  return raw * format.scale + (format.offset ?? 0);
}

/** ASCII text of a string point: 2 characters per register, trailing NULs and spaces cut. */
export function decodeString(words: ArrayLike<number>, offset: number, format: Pick<RegisterFormat, 'length' | 'byteOrder'>): string {
  const n = format.length ?? 1;
  const view = toView(words, offset, n, { ...format, dataType: 'string', wordOrder: 'big', scale: 1 });
  let text = '';
  for (let i = 0; i < n * 2; i++) {
    const c = view.getUint8(i);
    if (c === 0) break;
    text += String.fromCharCode(c);
  }
  return text.replace(/[\s\0]+$/, '');
}

/** Text → `registers` registers of ASCII, NUL padded (longer text is cut). */
export function encodeString(text: string, registers: number, byteOrder: WordOrder = 'big'): number[] {
  const words: number[] = [];
  for (let i = 0; i < registers; i++) {
    const hi = text.charCodeAt(2 * i) & 0xff || 0;
    const lo = text.charCodeAt(2 * i + 1) & 0xff || 0;
    const w = (hi << 8) | lo;
    words.push(byteOrder === 'little' ? swap16(w) : w);
  }
  return words;
}
