import { createMemoryBus } from '@zcp/bus';
import { demoPark, enterpriseOfAsset, telemetryStream } from '@zcp/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditLog, createAuditLog } from '../auth/audit-log.js';
import { createDevIdp, DEV_AUDIENCE, DEV_ISSUER } from '../auth/dev-idp.js';
import { createJwtVerifier } from '../auth/jwt-verifier.js';
import { ParkRegistry } from '../parks/park-registry.js';
import { createPgliteStore } from '../storage/index.js';
import type { ReadingStore } from '../storage/reading-store.js';
import { createApiApp } from './api-app.js';
import { createDeviceCredentialStore } from './ingest/device-credentials.js';
import { createStaticDeviceAuthenticator } from './ingest/index.js';

const park = demoPark();
const [e1, e2] = park.enterprises;
const assetOf = (id: string | undefined) => park.assets.find((a) => a.kind === 'building_load' && enterpriseOfAsset(park, a) === id);
const pointOf = (assetId: string | undefined) => park.points.find((p) => p.assetId === assetId && p.metric === 'p_kw');

let store: ReadingStore;
let app: ReturnType<typeof createApiApp>;
let audit: AuditLog;
let operator: string;
let manager: string;

beforeAll(async () => {
  store = await createPgliteStore({});
  await store.migrate();
  const idp = await createDevIdp([park]);
  const verifier = createJwtVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: idp.jwks });
  audit = createAuditLog(() => store.sql);
  const bus = createMemoryBus();
  await bus.ensureStream(telemetryStream(park.id));
  app = createApiApp({
    parks: new ParkRegistry([park]),
    store,
    now: Date.now,
    ingest: { bus, devices: createStaticDeviceAuthenticator([]) },
    deviceCredentials: createDeviceCredentialStore(() => store.sql, { cacheMs: 0 }),
    auth: { verify: (t) => verifier.verify(t), audit, devIdp: idp },
  });
  operator = (await idp.issue('operator'))?.token ?? '';
  manager = (await idp.issue(`manager-${e1?.id}`))?.token ?? '';
}, 120_000);
afterAll(async () => store.close());

const call = (method: string, path: string, token: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

describe('device credentials (hashed, revocable) and push ingest', () => {
  it('issues a token once, ingests with it for its own assets only, and refuses it after revocation — all audited', async () => {
    const mine = assetOf(e1?.id);
    const theirs = pointOf(assetOf(e2?.id)?.id);
    const own = pointOf(mine?.id);
    if (!mine || !theirs || !own) throw new Error('demo park lacks loads');
    expect((await call('POST', `/api/parks/${park.id}/devices/credentials`, manager, { deviceId: 'gw-1', assets: [mine.id] })).status).toBe(403);
    const issued = await call('POST', `/api/parks/${park.id}/devices/credentials`, operator, { deviceId: 'gw-1', assets: [mine.id] });
    expect(issued.status).toBe(201);
    const { credential, token } = (await issued.json()) as { credential: { id: number }; token: string };
    expect(token).toMatch(/^zcpd_[A-Za-z0-9_-]{40,}$/);
    const listed = await (await call('GET', `/api/parks/${park.id}/devices/credentials`, operator)).text();
    expect(listed).not.toContain(token);
    expect(listed).toContain('gw-1');

    const push = (t: string) =>
      app.request('/api/ingest', {
        method: 'POST',
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          readings: [
            { point: own.id, value: 12.5 },
            { point: theirs.id, value: 99 },
          ],
        }),
      });
    const res = await push(token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; rejected: number; results: { status: string; reason?: string }[] };
    expect(body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(body.results[1]).toMatchObject({ status: 'rejected', reason: 'point_not_allowed' });
    await new Promise((r) => setTimeout(r, 50));
    expect((await audit.list({ event: 'access_denied', actorSub: 'device:gw-1' })).length).toBe(1);

    expect((await call('DELETE', `/api/parks/${park.id}/devices/credentials/${credential.id}`, operator)).status).toBe(204);
    expect((await push(token)).status).toBe(401);
    const changes = await audit.list({ event: 'config_change' });
    expect(changes.map((e) => e.detail?.change)).toEqual(['device_credential_revoked', 'device_credential_issued']);
    expect(JSON.stringify(changes)).not.toContain(token);
  });

  it('refuses credentials for assets outside the park', async () => {
    const res = await call('POST', `/api/parks/${park.id}/devices/credentials`, operator, { deviceId: 'gw-2', assets: ['nope'] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('unknown_targets');
  });
});
