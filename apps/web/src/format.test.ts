import { describe, expect, it } from 'vitest';
import { formatPower, formatValue } from './format.js';

describe('formatPower', () => {
  it('switches to MW at 1000 kW and keeps the sign', () => {
    expect(formatPower(850, 'en')).toEqual({ text: '850', unit: 'kW' });
    expect(formatPower(-1234, 'en')).toEqual({ text: '-1.23', unit: 'MW' });
    expect(formatPower(12_345, 'en')).toEqual({ text: '12.35', unit: 'MW' });
    expect(formatPower(null, 'en').text).toBe('—');
  });
});

describe('formatValue', () => {
  it('scales precision by magnitude', () => {
    expect(formatValue(1.23456, 'en')).toBe('1.23');
    expect(formatValue(123.456, 'en')).toBe('123.5');
    expect(formatValue(1_234_567.8, 'en', true)).toBe('1,234,568');
    expect(formatValue(undefined, 'en')).toBe('—');
  });
});
