import { describe, expect, it } from 'vitest';
import { whToKwhText } from './metered-activity.js';
import { monthRangeMs, parseLedgerPeriod } from './periods.js';

describe('ledger periods', () => {
  it('reads months, quarters and years and rejects anything else', () => {
    expect(parseLedgerPeriod('2025-02')).toEqual({ kind: 'month', id: '2025-02', from: '2025-02', to: '2025-02', months: ['2025-02'] });
    expect(parseLedgerPeriod('2025-Q4')).toEqual({ kind: 'quarter', id: '2025-Q4', from: '2025-10', to: '2025-12', months: ['2025-10', '2025-11', '2025-12'] });
    const year = parseLedgerPeriod('2024');
    expect(year).toMatchObject({ kind: 'year', from: '2024-01', to: '2024-12' });
    expect(year?.months).toHaveLength(12);
    for (const bad of ['2025-13', '2025-Q5', '2025-Q0', '25', '2025-1', '2025-01-01', '']) expect(parseLedgerPeriod(bad), bad).toBeUndefined();
  });

  it('gives local months as UTC ranges: January in UTC+8 starts 16:00 UTC on 31 December', () => {
    expect(monthRangeMs('2025-01', 8)).toEqual([Date.UTC(2024, 11, 31, 16), Date.UTC(2025, 0, 31, 16)]);
    expect(monthRangeMs('2024-12', 0)).toEqual([Date.UTC(2024, 11, 1), Date.UTC(2025, 0, 1)]);
    expect(monthRangeMs('2024-02', 5.5)[1] - monthRangeMs('2024-02', 5.5)[0]).toBe(29 * 86_400_000);
  });

  it('writes thousandths as exact decimal text', () => {
    expect(whToKwhText(1_234_567)).toBe('1234.567');
    expect(whToKwhText(1_234_500)).toBe('1234.5');
    expect(whToKwhText(2_000)).toBe('2');
    expect(whToKwhText(7)).toBe('0.007');
    expect(whToKwhText(0)).toBe('0');
  });
});
