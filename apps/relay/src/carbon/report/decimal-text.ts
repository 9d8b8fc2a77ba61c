/**
 * Display rounding on decimal text (the engine's DecimalString). Exact: BigInt on the
 * digits, half away from zero, so a reported figure is never a binary-float artefact.
 */
export function roundDecimalText(value: string, places: number): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(value.trim());
  if (!m) return value;
  const [, sign, intPart, fracPart = '', exp] = m;
  let digits = `${intPart}${fracPart}`;
  let scale = fracPart.length - Number(exp ?? 0);
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  let n = BigInt(digits);
  if (scale > places) {
    const div = 10n ** BigInt(scale - places);
    const q = n / div;
    n = (n % div) * 2n >= div ? q + 1n : q;
  } else {
    n *= 10n ** BigInt(places - scale);
  }
  const s = n.toString().padStart(places + 1, '0');
  const body = places > 0 ? `${s.slice(0, -places)}.${s.slice(-places)}` : s;
  return n === 0n ? body : `${sign}${body}`;
}

/** Groups the integer part with thin commas for tables (1234567.8 → 1,234,567.8). */
export function groupDigits(text: string): string {
  const [i = '', f] = text.split('.');
  const g = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return f === undefined ? g : `${g}.${f}`;
}

/** A fraction as a percentage with `places` decimals ("0.915" → "91.5%"). */
export function percentText(fraction: string, places = 1): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(fraction);
  if (!m) return fraction;
  const [, sign, i, f = ''] = m;
  const shifted = `${sign}${i}${f.padEnd(2, '0').slice(0, 2)}.${f.slice(2) || '0'}`;
  return `${roundDecimalText(shifted, places)}%`;
}

/** Divides two decimal texts exactly enough for display (BigInt, `places` decimals). */
export function divideDecimalText(num: string, den: string, places: number): string | undefined {
  const a = toScaled(num);
  const b = toScaled(den);
  if (!a || !b || b.n === 0n) return undefined;
  // num/den = (a.n/10^a.s)/(b.n/10^b.s); keep two guard digits then round.
  const extra = places + 2;
  const top = a.n * 10n ** BigInt(b.s + extra);
  const bottom = b.n * 10n ** BigInt(a.s);
  const q = top / bottom;
  const neg = q < 0n;
  const abs = neg ? -q : q;
  const s = abs.toString().padStart(extra + 1, '0');
  return roundDecimalText(`${neg ? '-' : ''}${s.slice(0, -extra)}.${s.slice(-extra)}`, places);
}

/** Adds two decimal texts exactly; undefined when either is not a plain decimal. */
export function addDecimalText(a: string, b: string): string | undefined {
  const x = toScaled(a);
  const y = toScaled(b);
  if (!x || !y) return undefined;
  const s = Math.max(x.s, y.s);
  const n = x.n * 10n ** BigInt(s - x.s) + y.n * 10n ** BigInt(s - y.s);
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(s + 1, '0');
  const text = s > 0 ? `${digits.slice(0, -s)}.${digits.slice(-s)}`.replace(/\.?0+$/, '') : digits;
  return `${neg ? '-' : ''}${text}`;
}

function toScaled(text: string): { n: bigint; s: number } | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const [, sign, i, f = ''] = m;
  return { n: BigInt(`${sign}${i}${f}`), s: f.length };
}
