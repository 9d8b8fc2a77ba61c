import { createMemoryBus } from '@zcp/bus';
import { demoPark, type Park, type PointHistory, type Problem } from '@zcp/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevIdp, DEV_AUDIENCE, DEV_ISSUER } from '../auth/dev-idp.js';
import { createJwtVerifier } from '../auth/jwt-verifier.js';
import { ParkRegistry } from '../parks/park-registry.js';
import { createPgliteStore } from '../storage/index.js';
import type { ReadingStore } from '../storage/reading-store.js';
import { createApiApp } from './api-app.js';
import { createStaticDeviceAuthenticator } from './ingest/index.js';
import { openApiDocument } from './openapi.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const park = demoPark();
let store: ReadingStore;
let app: ReturnType<typeof createApiApp>;
let parks: ParkRegistry;

beforeAll(async () => {
  store = await createPgliteStore({});
  await store.migrate();
  parks = new ParkRegistry([park]);
  app = createApiApp({ parks, store, now: () => NOW });
  // One reading a minute for two hours on point 1, values 0..119.
  await store.insertReadings(Array.from({ length: 120 }, (_, i) => ({ pointId: 1, ts: NOW - 7200_000 + i * 60_000, value: i, quality: 'good' as const })));
});
afterAll(async () => store.close());

const problemOf = async (res: Response): Promise<Problem> => {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return (await res.json()) as Problem;
};

describe('API', () => {
  it('lists parks and serves the full model', async () => {
    const list = await (await app.request('/api/parks')).json();
    expect(list).toEqual([expect.objectContaining({ id: 'demo', points: park.points.length })]);
    const model = (await (await app.request('/api/parks/demo')).json()) as Park;
    expect(model.points.length).toBe(park.points.length);
  });

  it('serves live state from the live view', async () => {
    parks.get('demo')?.live.apply([{ pointId: 7, ts: NOW, value: 42.5, quality: 'good' }]);
    const state = (await (await app.request('/api/parks/demo/state')).json()) as { values: unknown[] };
    expect(state.values).toContainEqual([7, NOW, 42.5, 0]);
  });

  it('returns downsampled history with exact bucket figures', async () => {
    const res = await app.request(`/api/points/1/history?from=${new Date(NOW - 7200_000).toISOString()}&to=${new Date(NOW).toISOString()}`);
    expect(res.status).toBe(200);
    const h = (await res.json()) as PointHistory;
    expect(h.bucketMs).toBe(10_000);
    expect(h.buckets).toHaveLength(120);
    expect(h.buckets[5]).toEqual({ t: NOW - 7200_000 + 5 * 60_000, avg: 5, min: 5, max: 5, last: 5, n: 1 });
    const wide = (await (
      await app.request(`/api/points/1/history?from=${new Date(NOW - 30 * 86400_000).toISOString()}&to=${new Date(NOW).toISOString()}`)
    ).json()) as PointHistory;
    expect(wide.buckets.length).toBeLessThanOrEqual(1000);
    expect(wide.buckets.reduce((s, b) => s + b.n, 0)).toBe(120);
  });

  it.each([
    ['/api/points/abc/history', 400, 'invalid_point_id'],
    ['/api/points/-1/history', 400, 'invalid_point_id'],
    ['/api/points/99999999/history', 404, 'point_not_found'],
    ['/api/points/1/history?from=yesterday', 400, 'invalid_query'],
    ['/api/points/1/history?from=2026-11-25T12:00:00Z&to=2026-11-25T11:00:00Z', 400, 'invalid_range'],
    ['/api/parks/nope', 404, 'park_not_found'],
    ['/api/parks/a.b', 400, 'invalid_park_id'],
    ['/api/nothing-here', 404, 'not_found'],
  ])('%s → %i %s as problem+json', async (path, status, code) => {
    const res = await app.request(path);
    expect(res.status).toBe(status);
    const p = await problemOf(res);
    expect(p).toMatchObject({ status, code });
    expect(p.detail).toBeTruthy();
  });

  it('turns an unexpected failure into a 500 problem without internals', async () => {
    const errors: unknown[] = [];
    const broken = createApiApp({
      parks,
      store: { ...store, history: () => Promise.reject(new Error('secret connection string')) } as ReadingStore,
      now: () => NOW,
      onUnexpectedError: (e) => errors.push(e),
    });
    const res = await broken.request('/api/points/1/history');
    expect(res.status).toBe(500);
    const p = await problemOf(res);
    expect(p.code).toBe('internal');
    expect(JSON.stringify(p)).not.toContain('secret');
    expect(errors).toHaveLength(1);
  });

  it('documents exactly the routes and methods it serves (OpenAPI cannot drift)', async () => {
    const devIdp = await createDevIdp([park]);
    const verifier = createJwtVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: devIdp.jwks });
    const withIngest = createApiApp({
      parks,
      store,
      now: () => NOW,
      ingest: { bus: createMemoryBus(), devices: createStaticDeviceAuthenticator([]) },
      auth: { verify: (t) => verifier.verify(t), devIdp },
    });
    const served = new Set(
      withIngest.routes
        .filter((r) => ['GET', 'POST', 'PUT', 'DELETE'].includes(r.method) && !r.path.includes('*'))
        .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`),
    );
    const documented = new Set(
      Object.entries(openApiDocument.paths)
        .filter(([p]) => p.startsWith('/api/'))
        .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)),
    );
    expect([...served].sort()).toEqual([...documented].sort());
    expect(served).toContain('POST /api/ingest');
  });
});
