import { type Bus, createMemoryBus, type PublishAck } from '@zcp/bus';
import { decodeTelemetryBatch, demoPark, type Problem, type TelemetryBatch, telemetryStream } from '@zcp/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParkRegistry } from '../../parks/park-registry.js';
import type { ReadingStore } from '../../storage/reading-store.js';
import { createApiApp } from '../api-app.js';
import { createStaticDeviceAuthenticator, INGEST_REJECT_REASONS, type IngestResponse, type IngestSummary, parseDeviceTokens, sha256Hex } from './index.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const park = demoPark();
const TOKEN = 'gw1-secret-token';
const OTHER_TOKEN = 'gw2-secret-token';
// grid (points 1–6) and point 8 (bess1.soc_pct) for gw1; gw2 may write bess1 only.
const devices = createStaticDeviceAuthenticator(
  parseDeviceTokens(
    JSON.stringify([
      { deviceId: 'gw1', tokenSha256: await sha256Hex(TOKEN), assets: ['grid'], points: [8] },
      { deviceId: 'gw2', tokenSha256: (await sha256Hex(OTHER_TOKEN)).toUpperCase(), assets: ['bess1'] },
    ]),
  ),
);

interface Published {
  subject: string;
  msgId: string | undefined;
  batch: TelemetryBatch;
  ack: PublishAck;
}
let bus: Bus;
let published: Published[];
let failPublish = false;

let summaries: IngestSummary[] = [];
const makeApp = (opts: { maxBodyBytes?: number; maxRows?: number } = {}) => {
  const spy: Bus = Object.assign(Object.create(bus) as Bus, {
    async publish(subject: string, data: Uint8Array, o?: { msgId?: string }) {
      if (failPublish) throw new Error('bus down');
      const ack = await bus.publish(subject, data, o);
      const decoded = decodeTelemetryBatch(data);
      if (!decoded.ok) throw new Error(decoded.error);
      published.push({ subject, msgId: o?.msgId, batch: decoded.value, ack });
      return ack;
    },
  });
  return createApiApp({
    parks: new ParkRegistry([park]),
    store: {} as ReadingStore,
    now: () => NOW,
    // No database here: only the configured (static) device tokens exist.
    deviceCredentials: {
      authenticate: async () => undefined,
      issue: () => Promise.reject(new Error('no database')),
      revoke: () => Promise.reject(new Error('no database')),
      list: () => Promise.reject(new Error('no database')),
    },
    ingest: { bus: spy, devices, onIngest: (s) => summaries.push(s), ...opts },
  });
};

beforeEach(async () => {
  bus = createMemoryBus();
  await bus.ensureStream(telemetryStream(park.id));
  published = [];
  summaries = [];
  failPublish = false;
});
afterEach(async () => bus.close());

const post = (app: ReturnType<typeof makeApp>, body: string, headers: Record<string, string> = {}) =>
  app.request('/api/ingest', {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
  });
const json = (readings: unknown[]) => JSON.stringify({ readings });
const problemOf = async (res: Response): Promise<Problem> => {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return (await res.json()) as Problem;
};

describe('POST /api/ingest: authentication', () => {
  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer nope' }],
    ['a non-bearer scheme', { authorization: `Basic ${TOKEN}` }],
  ])('answers 401 problem+json for %s', async (_what, headers) => {
    const app = makeApp();
    const res = await app.request('/api/ingest', {
      method: 'POST',
      body: json([{ point: 1, value: 1 }]),
      headers: { 'content-type': 'application/json', ...headers },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await problemOf(res)).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(published).toHaveLength(0);
  });

  it('accepts a token whose hash was configured in upper-case hex', async () => {
    const res = await post(makeApp(), json([{ point: 'bess1.p_kw', value: 5 }]), { authorization: `Bearer ${OTHER_TOKEN}` });
    expect(res.status).toBe(200);
    expect(((await res.json()) as IngestResponse).deviceId).toBe('gw2');
  });
});

describe('POST /api/ingest: whole-request errors', () => {
  it.each([
    ['not JSON', '{"readings": [', 'application/json', 400, 'invalid_json'],
    ['no readings array', '{"rows": []}', 'application/json', 400, 'invalid_body'],
    ['an empty batch', '{"readings": []}', 'application/json', 400, 'empty_batch'],
    ['a CSV without the point column', 'ts,value\n2026-11-25T12:00:00Z,1', 'text/csv', 400, 'invalid_csv'],
    ['an empty CSV', '', 'text/csv', 400, 'invalid_csv'],
    ['an unsupported content type', 'point=1', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
  ])('%s → %i %s', async (_what, body, type, status, code) => {
    const res = await post(makeApp(), body, { 'content-type': type });
    expect(res.status).toBe(status);
    const p = await problemOf(res);
    expect(p).toMatchObject({ status, code });
    expect(p.detail).toBeTruthy();
  });

  it('refuses a body over the limit with 413 (declared or streamed)', async () => {
    const app = makeApp({ maxBodyBytes: 2048 });
    const big = json(Array.from({ length: 100 }, (_, i) => ({ point: 1, ts: NOW - i * 1000, value: i })));
    expect(big.length).toBeGreaterThan(2048);
    const res = await post(app, big);
    expect(res.status).toBe(413);
    expect(await problemOf(res)).toMatchObject({ code: 'payload_too_large' });
    // Without a content-length: the limit holds while streaming.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res2 = await app.request(
      new Request('http://x/api/ingest', {
        method: 'POST',
        body: stream,
        duplex: 'half',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      } as RequestInit),
    );
    expect(res2.status).toBe(413);
    expect(published).toHaveLength(0);
  });

  it('refuses more rows than allowed with 413 too_many_rows', async () => {
    const res = await post(makeApp({ maxRows: 3 }), json([1, 2, 3, 4].map((i) => ({ point: 1, ts: NOW - i, value: i }))));
    expect(res.status).toBe(413);
    expect(await problemOf(res)).toMatchObject({ code: 'too_many_rows' });
  });

  it('answers 503 when the bus cannot take the batch, and a retry then succeeds exactly once', async () => {
    const app = makeApp();
    const body = json([{ point: 1, ts: NOW, value: 1 }]);
    failPublish = true;
    const res = await post(app, body);
    expect(res.status).toBe(503);
    expect(await problemOf(res)).toMatchObject({ code: 'bus_unavailable' });
    failPublish = false;
    expect((await post(app, body)).status).toBe(200);
    expect(published).toHaveLength(1);
  });
});

describe('POST /api/ingest: per-row results', () => {
  /** One row per rejection reason, with good rows between them. */
  const mixed = [
    { point: 'grid.p_kw', ts: '2026-11-25T11:59:00Z', value: 1200.5 }, // 0 ok, by tag, ISO
    'not an object', // 1 malformed_row
    { point: 999_999, ts: NOW, value: 1 }, // 2 unknown_point
    { point: 'nope.p_kw', ts: NOW, value: 1 }, // 3 unknown_point (tag)
    { point: 7, ts: NOW, value: 1 }, // 4 point_not_allowed (bess1.p_kw)
    { point: 1, ts: 'yesterday', value: 1 }, // 5 bad_timestamp
    { point: 1, ts: '2026-11-25T12:00:00', value: 1 }, // 6 bad_timestamp (no zone)
    { point: 1, ts: 5, value: 1 }, // 7 bad_timestamp (1970)
    { point: 1, ts: NOW + 3600_000, value: 1 }, // 8 timestamp_in_future
    { point: 1, ts: NOW - 1000, value: 'abc' }, // 9 bad_value
    { point: 1, ts: NOW - 2000, value: 'NaN' }, // 10 non_finite_value
    { point: 1, ts: NOW - 3000, value: 1e300 }, // 11 value_out_of_range
    { point: 1, ts: NOW - 4000, value: 1, quality: 'great' }, // 12 bad_quality
    { point: 2, ts: NOW - 5000, value: 3.25, quality: 'uncertain' }, // 13 ok
    { point: 2, ts: NOW - 5000, value: 3.5 }, // 14 duplicate_in_request
    { point: 8, ts: NOW - 6000, value: 150 }, // 15 accepted, marked bad (SOC > 100)
    { point: 'grid.f_hz', value: 50.01 }, // 16 ok, no ts → receive time
  ];

  it('judges every row on its own, keeps the good ones and names each rejection reason', async () => {
    const res = await post(makeApp(), json(mixed));
    expect(res.status).toBe(200);
    const body = (await res.json()) as IngestResponse;
    expect(body).toMatchObject({ deviceId: 'gw1', received: mixed.length, accepted: 4, rejected: mixed.length - 4 });
    const reasons = body.results.map((r) => (r.status === 'accepted' ? 'ok' : r.reason));
    expect(reasons).toEqual([
      'ok',
      'malformed_row',
      'unknown_point',
      'unknown_point',
      'point_not_allowed',
      'bad_timestamp',
      'bad_timestamp',
      'bad_timestamp',
      'timestamp_in_future',
      'bad_value',
      'non_finite_value',
      'value_out_of_range',
      'bad_quality',
      'ok',
      'duplicate_in_request',
      'ok',
      'ok',
    ]);
    // Every reason code the route knows is exercised above.
    expect(new Set(reasons.filter((r) => r !== 'ok'))).toEqual(new Set(INGEST_REJECT_REASONS));
    for (const r of body.results) if (r.status === 'rejected') expect(r.detail.length).toBeGreaterThan(0);
    expect(body.results[15]).toMatchObject({ status: 'accepted', pointId: 8, quality: 'bad', flag: 'above_max' });
    expect(body.results[16]).toMatchObject({ status: 'accepted', pointId: 4, ts: NOW });

    // Published: one batch per asset, with device and receive timestamps.
    const byAsset = Object.fromEntries(published.map((p) => [p.batch.assetId, p]));
    expect(Object.keys(byAsset).sort()).toEqual(['bess1', 'grid']);
    expect(byAsset.grid?.subject).toBe(`park.${park.id}.telemetry.grid`);
    expect(byAsset.grid?.batch).toMatchObject({
      source: 'http-ingest',
      p: [1, 2, 4],
      t: [Date.parse('2026-11-25T11:59:00Z'), NOW - 5000, NOW],
      x: [1200.5, 3.25, 50.01],
      q: [0, 1, 0],
      rt: [NOW, NOW, NOW],
    });
    expect(byAsset.bess1?.batch).toMatchObject({ p: [8], x: [150], q: [2] });
    expect(summaries).toEqual([
      {
        deviceId: 'gw1',
        requestId: body.requestId,
        accepted: 4,
        rejected: 13,
        reasons: expect.objectContaining({ bad_timestamp: 3, unknown_point: 2, above_max: 1, duplicate_in_request: 1 }),
      },
    ]);
    expect(byAsset.grid?.msgId).toBe(`ingest:gw1:${body.requestId}:0`);
    expect(byAsset.bess1?.msgId).toBe(`ingest:gw1:${body.requestId}:15`);
  });

  it('takes CSV with the same rules (columns in any order, empty ts = receive time)', async () => {
    const csv = [
      'value,point,ts,quality',
      '10.5,grid.p_kw,2026-11-25T11:00:00Z,good',
      '11,1,,',
      'x,1,1764068400000,',
      '12,grid.p_kw',
      '13,5,2026-11-25T11:00:00+08:00,2',
      '',
    ].join('\r\n');
    const res = await post(makeApp(), csv, { 'content-type': 'text/csv; charset=utf-8' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as IngestResponse;
    expect(body.results.map((r) => (r.status === 'accepted' ? 'ok' : r.reason))).toEqual(['ok', 'ok', 'bad_value', 'malformed_row', 'ok']);
    expect(body.results[1]).toMatchObject({ ts: NOW });
    expect(body.results[4]).toMatchObject({ pointId: 5, ts: Date.parse('2026-11-25T03:00:00Z'), quality: 'bad' });
  });

  it('de-duplicates a retried request on the bus (same body → same message ids)', async () => {
    const app = makeApp();
    const body = json([
      { point: 1, ts: NOW - 1000, value: 1 },
      { point: 8, ts: NOW - 1000, value: 50 },
    ]);
    const first = (await (await post(app, body)).json()) as IngestResponse;
    const second = (await (await post(app, body)).json()) as IngestResponse;
    expect(second.requestId).toBe(first.requestId);
    expect(published.map((p) => p.ack.duplicate)).toEqual([false, false, true, true]);
    // An Idempotency-Key replaces the body hash as the request id.
    const keyed = (await (await post(app, body, { 'idempotency-key': 'job-42' })).json()) as IngestResponse;
    expect(keyed.requestId).toBe('job-42');
    expect(published.at(-1)?.msgId).toMatch(/^ingest:gw1:job-42:/);
    expect((await post(app, body, { 'idempotency-key': 'bad key!' })).status).toBe(400);
  });
});
