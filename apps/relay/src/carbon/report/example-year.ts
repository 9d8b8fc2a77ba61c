import type { CarbonActivityInputRaw } from '@zcp/model';

/** Seasonal profile in whole percent, so scaled quantities stay exact decimal text. */
const SEASON_PERCENT = [104, 96, 100, 97, 99, 106, 112, 114, 103, 98, 101, 110] as const;

/**
 * Spreads a one-period example across the twelve months of `year` with a seasonal profile:
 * returns one input per month (for the trend) and the year input holding every month's
 * items. Demonstration data only, for the example script and tests.
 */
export function exampleYearInputs(base: CarbonActivityInputRaw, year: number): { year: CarbonActivityInputRaw; months: CarbonActivityInputRaw[] } {
  const months = SEASON_PERCENT.map((pct, i) => {
    const month = `${year}-${String(i + 1).padStart(2, '0')}`;
    return {
      ...base,
      period: { from: month, to: month },
      enterprises: base.enterprises.map((e) => ({
        ...e,
        activities: e.activities.map((a) => ({
          ...a,
          id: `${a.id ?? 'item'}-${month}`,
          month,
          ...('quantity' in a ? { quantity: scaled(a.quantity, pct) } : {}),
        })),
      })),
      // A certificate is retired once: only January's input carries them.
      certificates: i === 0 ? base.certificates : [],
    } as CarbonActivityInputRaw;
  });
  const yearInput = {
    ...base,
    period: { from: `${year}-01`, to: `${year}-12` },
    enterprises: base.enterprises.map((e) => ({ ...e, activities: months.flatMap((m) => m.enterprises.find((x) => x.id === e.id)?.activities ?? []) })),
  } as CarbonActivityInputRaw;
  return { year: yearInput, months };
}

function scaled(q: unknown, pct: number): string {
  const text = String(q);
  const [i = '0', f = ''] = text.split('.');
  const n = BigInt(`${i}${f}`) * BigInt(pct);
  const scale = f.length + 2;
  const s = n.toString().padStart(scale + 1, '0');
  return `${s.slice(0, -scale)}.${s.slice(-scale)}`.replace(/\.?0+$/, '');
}
