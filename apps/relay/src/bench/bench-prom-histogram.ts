/**
 * Reads Prometheus text exposition (what GET /metrics answers) far enough for the ingest
 * bench: one histogram's cumulative buckets and one counter's value, each summed over every
 * label set (a relay may label by park; several relays are merged by adding their buckets).
 *
 * @example
 * const h = parsePromHistogram(text, 'zcp_relay_ingest_latency_seconds');
 * const p99 = h && histogramQuantile(0.99, h)?.value; // seconds
 */

export interface HistogramBucket {
  /** Upper bound (`le`), seconds or whatever the histogram measures; `Infinity` for +Inf. */
  le: number;
  /** Cumulative count of observations ≤ le. */
  count: number;
}

export interface HistogramSnapshot {
  name: string;
  /** Sorted by `le`, cumulative, the last one +Inf. */
  buckets: HistogramBucket[];
  count: number;
  sum: number;
}

/** Splits one sample line into metric name, label text and value; undefined for comments and blanks. */
function parseSampleLine(line: string): { name: string; labels: string; value: number } | undefined {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const brace = trimmed.indexOf('{');
  const space = trimmed.indexOf(' ');
  let name: string;
  let labels = '';
  let rest: string;
  if (brace !== -1 && (space === -1 || brace < space)) {
    const close = trimmed.lastIndexOf('}');
    if (close < brace) return undefined;
    name = trimmed.slice(0, brace);
    labels = trimmed.slice(brace + 1, close);
    rest = trimmed.slice(close + 1).trim();
  } else {
    if (space === -1) return undefined;
    name = trimmed.slice(0, space);
    rest = trimmed.slice(space + 1).trim();
  }
  // An optional timestamp may follow the value.
  const valueText = rest.split(/\s+/)[0] ?? '';
  return { name, labels, value: parsePromNumber(valueText) };
}

function parsePromNumber(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function leOf(labels: string): number | undefined {
  const m = /(?:^|,)\s*le="([^"]*)"/.exec(labels);
  return m?.[1] === undefined ? undefined : parsePromNumber(m[1]);
}

/** The histogram `name` summed over its label sets; undefined when the text has no such histogram. */
export function parsePromHistogram(text: string, name: string): HistogramSnapshot | undefined {
  const byLe = new Map<number, number>();
  let count = 0;
  let sum = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    const s = parseSampleLine(line);
    if (!s) continue;
    if (s.name === `${name}_bucket`) {
      const le = leOf(s.labels);
      if (le === undefined || Number.isNaN(le)) continue;
      byLe.set(le, (byLe.get(le) ?? 0) + s.value);
      seen = true;
    } else if (s.name === `${name}_count`) {
      count += s.value;
      seen = true;
    } else if (s.name === `${name}_sum`) {
      sum += s.value;
    }
  }
  if (!seen || byLe.size === 0) return undefined;
  const buckets = [...byLe.entries()].map(([le, c]) => ({ le, count: c })).sort((a, b) => a.le - b.le);
  return { name, buckets, count, sum };
}

/** The counter (or gauge) `name` summed over its label sets; undefined when absent. */
export function parsePromCounter(text: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const s = parseSampleLine(line);
    if (s && s.name === name) total = (total ?? 0) + s.value;
  }
  return total;
}

/** Adds histograms from several processes; they must share bucket bounds. */
export function mergeHistograms(parts: readonly HistogramSnapshot[]): HistogramSnapshot | undefined {
  const [first, ...rest] = parts;
  if (!first) return undefined;
  const buckets = first.buckets.map((b) => ({ ...b }));
  let { count, sum } = first;
  for (const h of rest) {
    if (h.buckets.length !== buckets.length || h.buckets.some((b, i) => b.le !== buckets[i]?.le)) {
      throw new RangeError(`histogram ${h.name}: bucket bounds differ between processes`);
    }
    h.buckets.forEach((b, i) => {
      (buckets[i] as HistogramBucket).count += b.count;
    });
    count += h.count;
    sum += h.sum;
  }
  return { name: first.name, buckets, count, sum };
}

export interface QuantileEstimate {
  value: number;
  /**
   * True when the quantile lies in the +Inf bucket: `value` is then the last finite bound,
   * a lower bound of the true quantile (Prometheus' histogram_quantile does the same).
   */
  beyondLastBucket: boolean;
}

/**
 * The q-quantile by linear interpolation inside the bucket that holds it, as Prometheus'
 * `histogram_quantile` computes it (the first bucket's lower bound is 0). Undefined when the
 * histogram is empty.
 */
export function histogramQuantile(q: number, h: HistogramSnapshot): QuantileEstimate | undefined {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is not in [0, 1]`);
  const last = h.buckets.at(-1);
  const total = last?.count ?? 0;
  if (!last || total <= 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (let i = 0; i < h.buckets.length; i++) {
    const b = h.buckets[i] as HistogramBucket;
    if (b.count >= rank && b.count > prevCount) {
      if (b.le === Number.POSITIVE_INFINITY) {
        const lastFinite = h.buckets[i - 1]?.le ?? 0;
        return { value: lastFinite, beyondLastBucket: true };
      }
      if (i === 0 && b.le <= 0) return { value: b.le, beyondLastBucket: false };
      const inBucket = b.count - prevCount;
      return { value: prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket, beyondLastBucket: false };
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return { value: h.buckets.findLast((b) => Number.isFinite(b.le))?.le ?? 0, beyondLastBucket: true };
}
