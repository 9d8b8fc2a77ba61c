import { describe, expect, it } from 'vitest';
import { decodeRegisters, encodeRegisters, MODBUS_DATA_TYPES, REGISTERS_PER_TYPE } from './codec.js';

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
