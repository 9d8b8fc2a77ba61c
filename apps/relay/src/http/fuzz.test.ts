import { createMemoryBus } from '@zcp/bus';
import { demoPark, telemetryStream } from '@zcp/model';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevIdp, DEV_AUDIENCE, DEV_ISSUER } from '../auth/dev-idp.js';
import { createJwtVerifier } from '../auth/jwt-verifier.js';
import { ParkRegistry } from '../parks/park-registry.js';
import { createPgliteStore } from '../storage/index.js';
import type { ReadingStore } from '../storage/reading-store.js';
import { createApiApp } from './api-app.js';
import { createStaticDeviceAuthenticator, sha256Hex } from './ingest/index.js';

/**
 * Property-based fuzzing (issue 7) of push ingest and the main write endpoints with malformed
 * payloads: whatever arrives, the answer is never a 500, and in a mixed batch the good rows
 * are kept. Seeded, so a failure reproduces.
 */
const park = demoPark();
const gauge = park.points.find((p) => p.kind === 'gauge' && p.unit === 'kW');
if (!gauge) throw new Error('demo park has no kW gauge');
const DEVICE_TOKEN = 'fuzz-device-token-0123456789';
let store: ReadingStore;
let app: ReturnType<typeof createApiApp>;
let token: string;
const bus = createMemoryBus();
const unexpected: unknown[] = [];

beforeAll(async () => {
  store = await createPgliteStore({});
  await store.migrate();
  await bus.ensureStream(telemetryStream(park.id));
  const idp = await createDevIdp([park]);
  const verifier = createJwtVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: idp.jwks });
  app = createApiApp({
    parks: new ParkRegistry([park]),
    store,
    now: Date.now,
    onUnexpectedError: (err) => unexpected.push(err),
    ingest: {
      bus,
      devices: createStaticDeviceAuthenticator([{ deviceId: 'fuzz', tokenSha256: await sha256Hex(DEVICE_TOKEN), assets: [gauge.assetId], points: [] }]),
    },
    auth: { verify: (t) => verifier.verify(t), devIdp: idp },
  });
  token = (await idp.issue('operator'))?.token ?? '';
}, 120_000);
afterAll(async () => {
  await store.close();
  await bus.close();
});

/** Any JSON value, with the odd shapes that break parsers: deep nesting, huge numbers, strings where numbers belong. */
const anyJson = fc.jsonValue({ maxDepth: 4 });
const weirdScalar = fc.oneof(
  fc.constant(null),
  fc.constant(Number.MAX_SAFE_INTEGER),
  fc.constant(-1),
  fc.constant('NaN'),
  fc.constant(''),
  fc.constant('1e309'),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.boolean(),
);

const SEED = 20261125;
const RUNS = 60;

describe('fuzzing: malformed payloads never give a 500', () => {
  it('POST /api/ingest: random bodies and content types', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          anyJson.map((v) => JSON.stringify(v)),
          fc.string({ maxLength: 300 }),
        ),
        fc.constantFrom('application/json', 'text/csv', 'text/plain', ''),
        async (body, type) => {
          const res = await app.request('/api/ingest', { method: 'POST', body, headers: { authorization: `Bearer ${DEVICE_TOKEN}`, 'content-type': type } });
          expect(res.status, `${type} ${body.slice(0, 80)}`).toBeLessThan(500);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  }, 60_000);

  it('POST /api/ingest: in a batch of good and malformed rows, every good row is accepted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ point: weirdScalar, value: weirdScalar, ts: fc.option(weirdScalar, { nil: undefined }) }), { maxLength: 8 }),
        fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 1, maxLength: 5 }),
        async (bad, goodValues) => {
          // Distinct timestamps: two readings of one point at one instant are one reading.
          const t0 = Date.now() - 60_000;
          const good = goodValues.map((value, i) => ({ point: gauge.id, value, ts: t0 + i * 1000 }));
          const rows = [...good.slice(0, 1), ...bad, ...good.slice(1)];
          const res = await app.request('/api/ingest', {
            method: 'POST',
            body: JSON.stringify({ readings: rows }),
            headers: { authorization: `Bearer ${DEVICE_TOKEN}`, 'content-type': 'application/json' },
          });
          expect(res.status).toBe(200);
          const body = (await res.json()) as { accepted: number; results: { status: string }[] };
          expect(body.accepted).toBeGreaterThanOrEqual(good.length);
          expect(body.results).toHaveLength(rows.length);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  }, 60_000);

  it('carbon writes: manual rows, ledger computation and attachments take any payload without a 500', async () => {
    const paths = [`/api/carbon/parks/${park.id}/activity`, `/api/carbon/parks/${park.id}/ledger/compute`, `/api/parks/${park.id}/devices/credentials`];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.oneof(
          anyJson.map((v) => JSON.stringify(v)),
          fc.string({ maxLength: 200 }),
          anyJson.map((v) => JSON.stringify({ rows: [v] })),
        ),
        async (path, body) => {
          const res = await app.request(path, { method: 'POST', body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
          expect(res.status, `${path} ${body.slice(0, 80)}`).toBeLessThan(500);
          expect(res.headers.get('content-type') ?? '').toMatch(/json/);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    const uploads = await fc.sample(fc.uint8Array({ maxLength: 64 }), { seed: SEED, numRuns: 20 });
    for (const bytes of uploads) {
      const res = await app.request(`/api/parks/${park.id}/attachments`, {
        method: 'POST',
        body: bytes as Uint8Array<ArrayBuffer>,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
      });
      expect(res.status).toBeLessThan(500);
    }
  }, 120_000);

  it('logged no unexpected error while fuzzing', () => {
    expect(unexpected).toEqual([]);
  });
});
