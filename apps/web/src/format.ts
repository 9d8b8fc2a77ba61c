/** Power for humans: kW below 1 MW, MW (10 kW resolution, so live changes show) above; '—' when unknown. */
export function formatPower(kw: number | null | undefined, locale: string): { text: string; unit: 'kW' | 'MW' } {
  if (kw === null || kw === undefined || !Number.isFinite(kw)) return { text: '—', unit: 'kW' };
  const abs = Math.abs(kw);
  if (abs >= 1000) {
    const mw = kw / 1000;
    return { text: new Intl.NumberFormat(locale, { maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(mw), unit: 'MW' };
  }
  return { text: new Intl.NumberFormat(locale, { maximumFractionDigits: abs < 10 ? 1 : 0 }).format(kw), unit: 'kW' };
}

/** A point value with precision by magnitude (counters get thousands separators, no decimals). */
export function formatValue(v: number | null | undefined, locale: string, counter = false): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  const digits = counter || abs >= 1000 ? 0 : abs >= 100 ? 1 : 2;
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: counter ? 0 : Math.min(digits, 1) }).format(v);
}
