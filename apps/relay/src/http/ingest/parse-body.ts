/**
 * Parsing of push-ingest bodies (JSON batch or CSV) into raw rows. Only the envelope can make
 * a whole request fail (400); each row is judged on its own later, so one bad row never
 * costs the good ones beside it.
 */

/** A row as the device sent it, before any validation. */
export interface RawRow {
  point: unknown;
  ts: unknown;
  value: unknown;
  quality: unknown;
  /** Set when the row could not even be split into fields (CSV). */
  malformed?: string;
}

export type ParseResult = { ok: true; rows: RawRow[] } | { ok: false; code: string; reason: string };

export const INGEST_CSV_COLUMNS = ['point', 'ts', 'value', 'quality'] as const;

/** `{ readings: [{ point, ts?, value, quality? }, …] }` */
export function parseJsonBody(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, code: 'invalid_json', reason: `body is not valid JSON: ${(e as Error).message}` };
  }
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { readings?: unknown }).readings)) {
    return { ok: false, code: 'invalid_body', reason: 'body must be an object with a `readings` array' };
  }
  const rows = (json as { readings: unknown[] }).readings.map((r): RawRow => {
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      return { point: undefined, ts: undefined, value: undefined, quality: undefined, malformed: 'row is not an object' };
    const o = r as Record<string, unknown>;
    return { point: o.point, ts: o.ts, value: o.value, quality: o.quality };
  });
  return { ok: true, rows };
}

/** Strips one pair of surrounding double quotes; commas inside fields are not supported. */
const unquote = (s: string) => {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
};

/** `point,ts,value[,quality]` header (any order), one reading per line; empty ts = receive time. */
export function parseCsvBody(text: string): ParseResult {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && (lines[lines.length - 1] as string).trim() === '') lines.pop();
  const headerLine = lines.shift();
  if (headerLine === undefined || headerLine.trim() === '')
    return { ok: false, code: 'invalid_csv', reason: 'CSV body is empty: expected a header `point,ts,value[,quality]`' };
  const header = headerLine
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((h) => unquote(h).toLowerCase());
  const unknown = header.filter((h) => !(INGEST_CSV_COLUMNS as readonly string[]).includes(h));
  const missing = (['point', 'ts', 'value'] as const).filter((c) => !header.includes(c));
  if (unknown.length > 0 || missing.length > 0 || new Set(header).size !== header.length) {
    const why =
      [missing.length && `missing ${missing.join(', ')}`, unknown.length && `unknown ${unknown.join(', ')}`].filter(Boolean).join('; ') || 'duplicate column';
    return { ok: false, code: 'invalid_csv', reason: `CSV header must be point,ts,value[,quality] (${why})` };
  }
  const col = (name: string) => header.indexOf(name);
  const [ip, it, iv, iq] = [col('point'), col('ts'), col('value'), col('quality')];
  const rows = lines.map((line): RawRow => {
    const f = line.split(',').map(unquote);
    if (f.length !== header.length) {
      return { point: undefined, ts: undefined, value: undefined, quality: undefined, malformed: `expected ${header.length} fields, got ${f.length}` };
    }
    const point = f[ip] as string;
    return {
      point: /^\d+$/.test(point) ? Number(point) : point,
      ts: f[it] === '' ? undefined : f[it],
      value: f[iv],
      quality: iq < 0 || f[iq] === '' ? undefined : f[iq],
    };
  });
  return { ok: true, rows };
}
