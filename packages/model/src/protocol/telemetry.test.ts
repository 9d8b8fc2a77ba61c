import { describe, expect, it } from 'vitest';
import type { Reading } from '../park/schema.js';
import { decodeTelemetryBatch, encodeTelemetryBatch, readingsOf, TelemetryBatchV1Schema, telemetryBatch } from './telemetry.js';

const readings: Reading[] = [
  { pointId: 1, ts: 1_700_000_000_000, value: 12.5, quality: 'good' },
  { pointId: 2, ts: 1_700_000_000_000, value: -3, quality: 'bad' },
];
const meta = { batchId: 'c1:pv1:1', parkId: 'demo', assetId: 'pv1', source: 'c1' };

describe('telemetry batch codec', () => {
  it('round-trips readings', () => {
    const decoded = decodeTelemetryBatch(encodeTelemetryBatch(telemetryBatch(meta, readings)));
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect(readingsOf(decoded.value)).toEqual(readings);
  });

  it('reports bad input instead of throwing', () => {
    const enc = new TextEncoder();
    const notJson = decodeTelemetryBatch(enc.encode('{oops'));
    expect(notJson).toMatchObject({ ok: false });
    const ragged = decodeTelemetryBatch(enc.encode(JSON.stringify({ ...telemetryBatch(meta, readings), x: [1] })));
    expect(ragged.ok).toBe(false);
    if (!ragged.ok) expect(ragged.error).toMatch(/same length/);
    const badPark = decodeTelemetryBatch(enc.encode(JSON.stringify({ ...telemetryBatch(meta, readings), parkId: 'a.b' })));
    expect(badPark.ok).toBe(false);
  });

  it('carries optional receive timestamps (rt) compatibly with producers that omit them', () => {
    const withRt = telemetryBatch(meta, readings, [1_700_000_000_250, 1_700_000_000_300]);
    const decoded = decodeTelemetryBatch(encodeTelemetryBatch(withRt));
    expect(decoded).toMatchObject({ ok: true, value: { rt: [1_700_000_000_250, 1_700_000_000_300] } });
    const old = decodeTelemetryBatch(encodeTelemetryBatch(telemetryBatch(meta, readings)));
    expect(old.ok && old.value.rt).toBeUndefined();
    const ragged = decodeTelemetryBatch(new TextEncoder().encode(JSON.stringify({ ...withRt, rt: [1] })));
    expect(ragged.ok).toBe(false);
    if (!ragged.ok) expect(ragged.error).toMatch(/rt/);
    expect(() => telemetryBatch(meta, readings, [1])).toThrow(RangeError);
  });

  it('decodes exactly what the schema accepts, value for value (fast path vs zod, 60 variants)', () => {
    const base = { ...telemetryBatch(meta, readings), rt: [1, 2] } as Record<string, unknown>;
    const bad: unknown[] = [0, -1, 1.5, '1', null, true, 2 ** 53, [], {}];
    const variants: unknown[] = [base, { ...base, rt: undefined }, { ...base, extra: 'dropped' }, [], null, 'x', 1];
    for (const key of ['v', 'batchId', 'parkId', 'assetId', 'source']) {
      variants.push({ ...base, [key]: undefined }, { ...base, [key]: 7 }, { ...base, [key]: '' }, { ...base, [key]: 'a'.repeat(201) });
    }
    for (const col of ['p', 't', 'x', 'q', 'rt']) {
      for (const v of bad) variants.push({ ...base, [col]: [(base[col] as unknown[])[0], v] });
      variants.push({ ...base, [col]: 'not an array' });
    }
    variants.push({ ...base, q: [0, 4] }, { ...base, t: [-1, 0] }, { ...base, parkId: 'a.b' }, { ...base, p: [1], t: [1], x: [1], q: [0], rt: undefined });
    expect(variants.length).toBeGreaterThanOrEqual(60);
    for (const v of variants) {
      const fromCodec = decodeTelemetryBatch(new TextEncoder().encode(JSON.stringify(v) ?? 'null'));
      const fromSchema = TelemetryBatchV1Schema.safeParse(JSON.parse(JSON.stringify(v) ?? 'null'));
      expect(fromCodec.ok, JSON.stringify(v)).toBe(fromSchema.success);
      if (fromCodec.ok && fromSchema.success) expect(fromCodec.value).toEqual(fromSchema.data);
    }
  });
});
