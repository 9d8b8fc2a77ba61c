/** An accounting period of a ledger: a month, a quarter or a year, in the park's local time. */
export interface LedgerPeriod {
  kind: 'month' | 'quarter' | 'year';
  /** `2025-01`, `2025-Q1` or `2025`. */
  id: string;
  /** First and last month, `YYYY-MM`. */
  from: string;
  to: string;
  /** Every month from `from` to `to`. */
  months: string[];
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const YEAR = /^(\d{4})$/;

const monthText = (year: number, month: number): string => `${year}-${String(month).padStart(2, '0')}`;
const span = (year: number, first: number, count: number): string[] => Array.from({ length: count }, (_, i) => monthText(year, first + i));

/**
 * Reads a period id; undefined when it is none of `YYYY-MM`, `YYYY-Qn`, `YYYY`.
 *
 * @example
 * parseLedgerPeriod('2025-Q2') // { kind: 'quarter', id: '2025-Q2', from: '2025-04', to: '2025-06', months: [...] }
 */
export function parseLedgerPeriod(id: string): LedgerPeriod | undefined {
  let m = MONTH.exec(id);
  if (m) return { kind: 'month', id, from: id, to: id, months: [id] };
  m = QUARTER.exec(id);
  if (m) {
    const months = span(Number(m[1]), (Number(m[2]) - 1) * 3 + 1, 3);
    return { kind: 'quarter', id, from: months[0] as string, to: months[2] as string, months };
  }
  m = YEAR.exec(id);
  if (m) {
    const months = span(Number(m[1]), 1, 12);
    return { kind: 'year', id, from: months[0] as string, to: months[11] as string, months };
  }
  return undefined;
}

/**
 * Start and end (exclusive) of a month in epoch ms, for a park `utcOffsetH` hours ahead of UTC.
 *
 * @example
 * monthRangeMs('2025-01', 8) // [Date.UTC(2024, 11, 31, 16), Date.UTC(2025, 0, 31, 16)]
 */
export function monthRangeMs(month: string, utcOffsetH: number): [number, number] {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const offsetMs = Math.round(utcOffsetH * 3_600_000);
  return [Date.UTC(year, m - 1, 1) - offsetMs, Date.UTC(year, m, 1) - offsetMs];
}
