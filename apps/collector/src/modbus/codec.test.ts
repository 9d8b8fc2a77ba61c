import { describe, expect, it } from 'vitest';
import { decodeRegisters, decodeString, encodeRegisters, encodeString, MODBUS_DATA_TYPES, REGISTERS_PER_TYPE } from './codec.js';

describe('register codec', () => {
  it('puts the most significant word first in big word order (ABCD)', () => {
    // 1.0f = 0x3F800000
    expect(encodeRegisters(1, { dataType: 'float32', wordOrder: 'big', scale: 1 })).toEqual([0x3f80, 0x0000]);
    expect(encodeRegisters(1, { dataType: 'float32', wordOrder: 'little', scale: 1 })).toEqual([0x0000, 0x3f80]);
    expect(encodeRegisters(0x12345678, { dataType: 'uint32', wordOrder: 'big', scale: 1 })).toEqual([0x1234, 0x5678]);
  });

  it('round-trips every type and word order at an offset', () => {
    for (const dataType of MODBUS_DATA_TYPES) {
      for (const wordOrder of ['big', 'little'] as const) {
        const format = { dataType, wordOrder, scale: dataType.startsWith('float') ? 1 : 0.1 };
        const value = dataType.startsWith('u') ? 1234.5 : -1234.5;
        const words = [0xdead, ...encodeRegisters(value, format), 0xbeef];
        expect(words).toHaveLength(REGISTERS_PER_TYPE[dataType] + 2);
        expect(decodeRegisters(words, 1, format)).toBeCloseTo(value, 6);
      }
    }
  });

  it('keeps float32 to single precision and float64 exactly', () => {
    const v = 123_456_789.123;
    expect(
      decodeRegisters(encodeRegisters(v, { dataType: 'float32', wordOrder: 'big', scale: 1 }), 0, { dataType: 'float32', wordOrder: 'big', scale: 1 }),
    ).toBe(Math.fround(v));
    expect(
      decodeRegisters(encodeRegisters(v, { dataType: 'float64', wordOrder: 'big', scale: 1 }), 0, { dataType: 'float64', wordOrder: 'big', scale: 1 }),
    ).toBe(v);
  });

  it('saturates integers at their range and applies the scale', () => {
    expect(encodeRegisters(100_000, { dataType: 'int16', wordOrder: 'big', scale: 1 })).toEqual([0x7fff]);
    expect(encodeRegisters(-5, { dataType: 'uint16', wordOrder: 'big', scale: 1 })).toEqual([0]);
    expect(decodeRegisters([2315], 0, { dataType: 'uint16', wordOrder: 'big', scale: 0.01 })).toBeCloseTo(23.15, 12);
  });

  it('refuses to read past the end', () => {
    expect(() => decodeRegisters([1], 0, { dataType: 'float32', wordOrder: 'big', scale: 1 })).toThrow(RangeError);
  });
});

describe('register codec: 64-bit, byte order, offset, bits and strings', () => {
  it('encodes 64-bit integers exactly up to 2^53, in both word orders', () => {
    const big = { dataType: 'int64', wordOrder: 'big', scale: 1 } as const;
    expect(encodeRegisters(-2, big)).toEqual([0xffff, 0xffff, 0xffff, 0xfffe]);
    expect(encodeRegisters(0x0001_0002_0003_0004, { ...big, dataType: 'uint64' })).toEqual([0x0001, 0x0002, 0x0003, 0x0004]);
    expect(encodeRegisters(0x0001_0002_0003_0004, { ...big, dataType: 'uint64', wordOrder: 'little' })).toEqual([0x0004, 0x0003, 0x0002, 0x0001]);
    for (const v of [2 ** 53, -(2 ** 53), 123_456_789_012_345]) expect(decodeRegisters(encodeRegisters(v, big), 0, big)).toBe(v);
  });

  it('swaps the bytes inside each register for byteOrder little (BA / BADC)', () => {
    // 1.0f = 0x3F80_0000 → big/big ABCD = [3F80, 0000]; little bytes, big words BADC = [803F, 0000].
    expect(encodeRegisters(1, { dataType: 'float32', wordOrder: 'big', byteOrder: 'little', scale: 1 })).toEqual([0x803f, 0x0000]);
    expect(encodeRegisters(1, { dataType: 'float32', wordOrder: 'little', byteOrder: 'little', scale: 1 })).toEqual([0x0000, 0x803f]);
    expect(decodeRegisters([0x3412], 0, { dataType: 'uint16', wordOrder: 'big', byteOrder: 'little', scale: 1 })).toBe(0x1234);
  });

  it('applies value = raw × scale + offset both ways', () => {
    const format = { dataType: 'int16', wordOrder: 'big', scale: 0.1, offset: -40 } as const;
    expect(decodeRegisters([652], 0, format)).toBeCloseTo(25.2, 12);
    expect(encodeRegisters(25.2, format)).toEqual([652]);
  });

  it('reads a bool as register ≠ 0, or as one bit of it', () => {
    expect(decodeRegisters([0x0004], 0, { dataType: 'bool', wordOrder: 'big', scale: 1 })).toBe(1);
    expect(decodeRegisters([0x0004], 0, { dataType: 'bool', wordOrder: 'big', scale: 1, bit: 2 })).toBe(1);
    expect(decodeRegisters([0x0004], 0, { dataType: 'bool', wordOrder: 'big', scale: 1, bit: 1 })).toBe(0);
  });

  it('reads strings as ASCII, 2 characters per register, as numbers or through enumValues', () => {
    const words = encodeString('RUN', 3);
    expect(words).toEqual([0x5255, 0x4e00, 0x0000]);
    expect(decodeString(words, 0, { length: 3 })).toBe('RUN');
    expect(decodeString(encodeString('AB', 1, 'little'), 0, { length: 1, byteOrder: 'little' })).toBe('AB');
    expect(decodeRegisters(words, 0, { dataType: 'string', length: 3, wordOrder: 'big', scale: 1, enumValues: { RUN: 1, STOP: 0 } })).toBe(1);
    expect(decodeRegisters(encodeString('12.5', 2), 0, { dataType: 'string', length: 2, wordOrder: 'big', scale: 2 })).toBe(25);
    expect(decodeRegisters(encodeString('FAULT', 3), 0, { dataType: 'string', length: 3, wordOrder: 'big', scale: 1 })).toBeNaN();
  });
});
