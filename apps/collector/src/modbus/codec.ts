/**
 * Values ↔ 16-bit Modbus registers. Bytes inside a register are always big-endian (the
 * Modbus spec); the order of the registers of a multi-register value is not standardised,
 * so it is a per-point setting: `big` = most significant word first (ABCD, "Modicon
 * order"), `little` = least significant word first (CDAB, word-swapped).
 *
 * `scale` maps the raw number to engineering units: value = raw × scale (so an int16 of
 * 2315 with scale 0.01 reads 23.15). Floats normally use scale 1.
 */
export const MODBUS_DATA_TYPES = ['float32', 'float64', 'int16', 'uint16', 'int32', 'uint32'] as const;
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
};

const INT_RANGE: Partial<Record<ModbusDataType, readonly [number, number]>> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
};

export interface RegisterFormat {
  dataType: ModbusDataType;
  wordOrder: WordOrder;
  scale: number;
}

/**
 * Encodes an engineering value into registers. Integers are rounded and saturate at their
 * range (a meter register cannot hold more either); floats are IEEE 754.
 */
export function encodeRegisters(value: number, format: RegisterFormat): number[] {
  const n = REGISTERS_PER_TYPE[format.dataType];
  const view = new DataView(new ArrayBuffer(n * 2));
  const raw = value / format.scale;
  const range = INT_RANGE[format.dataType];
  const int = range ? Math.min(range[1], Math.max(range[0], Math.round(Number.isFinite(raw) ? raw : 0))) : 0;
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
  }
  const words: number[] = new Array(n);
  for (let i = 0; i < n; i++) words[i] = view.getUint16(i * 2);
  return format.wordOrder === 'little' ? words.reverse() : words;
}

/** Decodes the registers of one value starting at `offset` of `words`. */
export function decodeRegisters(words: ArrayLike<number>, offset: number, format: RegisterFormat): number {
  const n = REGISTERS_PER_TYPE[format.dataType];
  if (offset < 0 || offset + n > words.length) throw new RangeError(`need ${n} registers at offset ${offset}, have ${words.length}`);
  const view = new DataView(new ArrayBuffer(n * 2));
  for (let i = 0; i < n; i++) {
    const w = words[format.wordOrder === 'little' ? offset + n - 1 - i : offset + i] as number;
    view.setUint16(i * 2, w);
  }
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
  }
  return raw * format.scale;
}
