import { describe, expect, it } from 'vitest';
import { getField, parseFieldPath, parseTimestamp, toNumber, unitFactor } from './json-payload.js';

describe('JSON payload helpers', () => {
  it('reads dot paths and array indices', () => {
    const doc = { data: { power: { value: 12.5 } }, values: [1, { v: 7 }] };
    expect(getField(doc, parseFieldPath('data.power.value'))).toBe(12.5);
    expect(getField(doc, parseFieldPath('values[1].v'))).toBe(7);
    expect(getField(doc, parseFieldPath('data.missing.value'))).toBeUndefined();
    expect(getField(42, parseFieldPath('a'))).toBeUndefined();
    expect(() => parseFieldPath('')).toThrow();
  });

  it('accepts numbers, numeric strings and booleans as values, nothing else', () => {
    expect(toNumber(3)).toBe(3);
    expect(toNumber('3.5')).toBe(3.5);
    expect(toNumber(true)).toBe(1);
    expect(toNumber('abc')).toBeUndefined();
    expect(toNumber('')).toBeUndefined();
    expect(toNumber(null)).toBeUndefined();
    expect(toNumber({})).toBeUndefined();
  });

  it('parses epoch ms, epoch s and ISO timestamps', () => {
    const ms = Date.UTC(2025, 6, 7, 4, 0, 0, 250);
    expect(parseTimestamp(ms)).toBe(ms);
    expect(parseTimestamp(ms / 1000)).toBe(ms);
    expect(parseTimestamp(String(ms))).toBe(ms);
    expect(parseTimestamp('2025-07-07T04:00:00.250Z')).toBe(ms);
    expect(parseTimestamp('2025-07-07T12:00:00.250+08:00')).toBe(ms);
    expect(parseTimestamp(1751860800, 'ms')).toBe(1751860800);
    expect(parseTimestamp('yesterday')).toBeUndefined();
    expect(parseTimestamp(-5)).toBeUndefined();
    expect(parseTimestamp(ms, 'iso')).toBeUndefined();
  });

  it('converts units within a family only', () => {
    expect(unitFactor('W', 'kW')).toBe(0.001);
    expect(unitFactor('MWh', 'kWh')).toBe(1000);
    expect(unitFactor('MJ', 'GJ')).toBe(0.001);
    expect(unitFactor('kW', 'kW')).toBe(1);
    expect(unitFactor('W', 'kWh')).toBeUndefined();
    expect(unitFactor('furlong', 'kW')).toBeUndefined();
  });
});
