import { createMemoryBus } from '@zcp/bus';
import { type Action, decide, demoPark, enterpriseOfAsset, type Principal, type Target } from '@zcp/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditLog, createAuditLog } from '../auth/audit-log.js';
import { createDevIdp, DEV_AUDIENCE, DEV_ISSUER, type DevIdp } from '../auth/dev-idp.js';
import { createJwtVerifier } from '../auth/jwt-verifier.js';
import { ParkRegistry } from '../parks/park-registry.js';
import { createPgliteStore } from '../storage/index.js';
import type { ReadingStore } from '../storage/reading-store.js';
import { createApiApp, routeTableOf } from './api-app.js';
import { createStaticDeviceAuthenticator } from './ingest/index.js';

/**
 * The access matrix (issue 7), generated from the route table: every route × every demo role
 * (and no token) is requested, and the answer must be what THE policy says — 401 without a
 * principal, 403 when `decide` refuses, anything else when it allows. A route added without a
 * policy cannot even be registered, so this covers new routes by construction.
 */
const park = demoPark();
const need = <T>(x: T | undefined, what: string): T => {
  if (x === undefined) throw new Error(`demo park needs ${what}`);
  return x;
};
const e1 = need(park.enterprises[0], 'an enterprise');
const e2 = need(park.enterprises[1], 'a second enterprise');
const pointOf = (enterpriseId: string) => {
  const asset = park.assets.find((a) => enterpriseOfAsset(park, a) === enterpriseId);
  const point = park.points.find((p) => p.assetId === asset?.id);
  if (!point) throw new Error(`no point of ${enterpriseId}`);
  return point.id;
};
/**
 * The permission matrix of docs/SECURITY.md, written out independently of route-policies.ts:
 * what each route requires. A route whose policy differs from this, or a new route not listed
 * here, fails the test.
 */
const REQUIRED: Record<string, Action | 'public' | 'signed_in' | 'device'> = {
  'GET /api/openapi.json': 'public',
  'GET /api/auth/me': 'public',
  'GET /api/auth/dev/jwks.json': 'public',
  'GET /api/auth/dev/login': 'public',
  'POST /api/auth/dev/token': 'public',
  'POST /api/auth/logout': 'public',
  'GET /api/parks': 'signed_in',
  'GET /api/carbon/parameters': 'signed_in',
  'GET /api/carbon/factors': 'signed_in',
  'GET /api/parks/:parkId': 'park.read',
  'GET /api/parks/:parkId/state': 'park.read',
  'GET /api/points/:pointId/history': 'readings.read',
  'GET /api/parks/:parkId/energy': 'carbon.read',
  'GET /api/carbon/parks/:parkId/activity': 'carbon.read',
  'POST /api/carbon/parks/:parkId/activity': 'carbon.write',
  'GET /api/carbon/parks/:parkId/activity/metered': 'carbon.read',
  'GET /api/carbon/parks/:parkId/activity/template': 'carbon.read',
  'POST /api/carbon/parks/:parkId/activity/import': 'carbon.write',
  'GET /api/carbon/parks/:parkId/ledger': 'carbon.read',
  'GET /api/carbon/parks/:parkId/ledger/entries': 'carbon.read',
  'POST /api/carbon/parks/:parkId/ledger/compute': 'carbon.write',
  'POST /api/carbon/parks/:parkId/ledger/entries/:entryId/reproduce': 'carbon.read',
  'GET /api/carbon/parks/:parkId/report': 'carbon.read',
  'POST /api/parks/:parkId/attachments': 'annotation.write',
  'GET /api/attachments/:attachmentId': 'annotation.read',
  'GET /api/parks/:parkId/devices/credentials': 'config.write',
  'POST /api/parks/:parkId/devices/credentials': 'config.write',
  'DELETE /api/parks/:parkId/devices/credentials/:credentialId': 'config.write',
  'POST /api/ingest': 'device',
  'GET /api/audit': 'audit.read',
};

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

let store: ReadingStore;
let idp: DevIdp;
let audit: AuditLog;
let app: ReturnType<typeof createApiApp>;
let attachmentId: string;
const tokens = new Map<string, { token: string; principal: Principal }>();

beforeAll(async () => {
  store = await createPgliteStore({});
  await store.migrate();
  idp = await createDevIdp([park]);
  const verifier = createJwtVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: idp.jwks });
  audit = createAuditLog(() => store.sql);
  app = createApiApp({
    parks: new ParkRegistry([park]),
    store,
    now: Date.now,
    ingest: { bus: createMemoryBus(), devices: createStaticDeviceAuthenticator([]) },
    auth: { verify: (t) => verifier.verify(t), audit, devIdp: idp },
  });
  for (const u of idp.users) {
    const issued = await idp.issue(u.id);
    if (!issued) throw new Error(u.id);
    tokens.set(u.id, { token: issued.token, principal: await verifier.verify(issued.token) });
  }
  const up = await app.request(`/api/parks/${park.id}/attachments`, {
    method: 'POST',
    body: PNG,
    headers: { 'content-type': 'image/png', authorization: `Bearer ${tokens.get('operator')?.token}` },
  });
  attachmentId = ((await up.json()) as { id: string }).id;
}, 120_000);
afterAll(async () => store.close());

/** The concrete request for a route, and the target the test itself knows it is about. */
function requestFor(key: string, principal: Principal | undefined): { path: string; init: RequestInit; target: Target } {
  const [method, pattern] = key.split(' ') as [string, string];
  const path = pattern
    .replace(':parkId', park.id)
    .replace(':pointId', String(pointOf(e1.id)))
    .replace(':attachmentId', attachmentId)
    .replace(':entryId', '999999')
    .replace(':credentialId', '999999');
  const scoped = principal && principal.enterpriseIds.length > 0 && principal.role !== 'platform_admin' && principal.role !== 'park_operator';
  let target: Target = { parkId: park.id };
  if (pattern === '/api/points/:pointId/history') target = { parkId: park.id, enterpriseId: e1.id };
  if (key === 'POST /api/carbon/parks/:parkId/activity' || key === 'POST /api/carbon/parks/:parkId/activity/import')
    target = { parkId: park.id, enterpriseId: scoped ? (principal?.enterpriseIds[0] ?? null) : null };
  if (pattern === '/api/audit') target = { parkId: principal?.parkIds.find((p) => p !== '*') ?? '*' };
  const init: RequestInit = { method };
  if (method === 'POST') {
    init.body = pattern.endsWith('/attachments') ? PNG : '{}';
    init.headers = { 'content-type': pattern.endsWith('/attachments') ? 'image/png' : 'application/json' };
  }
  return { path, init, target };
}

describe('access matrix: every route × every role', () => {
  it('covers every route the API serves, each with the policy the matrix requires', () => {
    const table = routeTableOf(app);
    expect(table.map((r) => r.key).sort()).toEqual(Object.keys(REQUIRED).sort());
    for (const { key, policy } of table) expect(policy.kind === 'action' ? policy.action : policy.kind, key).toBe(REQUIRED[key]);
  });

  it('answers each role as the policy decides (401 without a token, 403 refused, otherwise served)', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { key, policy } of routeTableOf(app)) {
      if (policy.kind === 'device') continue; // push ingest: device tokens, tested in ingest/
      for (const who of [undefined, ...idp.users.map((u) => u.id)]) {
        const t = who ? tokens.get(who) : undefined;
        const { path, init, target } = requestFor(key, t?.principal);
        const headers = new Headers(init.headers);
        if (t) headers.set('authorization', `Bearer ${t.token}`);
        const res = await app.request(path, { ...init, headers });
        const required = REQUIRED[key];
        if (!required) throw new Error(`${key} is not in the matrix`);
        const expected =
          required === 'public'
            ? 'served'
            : !t
              ? 401
              : required === 'signed_in'
                ? 'served'
                : decide(t.principal, required as Action, target).allow
                  ? 'served'
                  : 403;
        const ok = expected === 'served' ? res.status !== 401 && res.status !== 403 : res.status === expected;
        checked++;
        if (!ok) failures.push(`${key} as ${who ?? 'anonymous'}: expected ${expected}, got ${res.status} ${await res.text()}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  }, 120_000);

  it('denies cross-tenant reads by id and audits each denial with who, what and why', async () => {
    const other = tokens.get(`manager-${e2.id}`);
    if (!other) throw new Error('no manager of e2');
    const res = await app.request(`/api/points/${pointOf(e1.id)}/history`, { headers: { authorization: `Bearer ${other.token}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { detail: string }).detail).toContain(e1.id);
    const own = await app.request(`/api/points/${pointOf(e2.id)}/history`, { headers: { authorization: `Bearer ${other.token}` } });
    expect(own.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const events = await audit.list({ event: 'access_denied', actorSub: other.principal.sub });
    expect(events.find((e) => e.resource.includes(`/api/points/${pointOf(e1.id)}/history`))).toMatchObject({
      outcome: 'denied',
      enterpriseId: e1.id,
      actorRole: 'enterprise_manager',
    });
  });

  it('shows an enterprise manager its own assets and readings only; the park model keeps public assets', async () => {
    const m = tokens.get(`manager-${e1.id}`);
    const res = await app.request(`/api/parks/${park.id}`, { headers: { authorization: `Bearer ${m?.token}` } });
    const seen = (await res.json()) as typeof park;
    const owners = new Set(seen.assets.map((a) => enterpriseOfAsset(park, a)));
    expect([...owners].sort()).toEqual([e1.id, null].sort());
    expect(seen.enterprises.length).toBe(park.enterprises.length); // tenants are not secret, their devices are
    const exec = tokens.get('executive');
    const x = (await (await app.request(`/api/parks/${park.id}`, { headers: { authorization: `Bearer ${exec?.token}` } })).json()) as typeof park;
    expect(x.assets.every((a) => enterpriseOfAsset(park, a) === null)).toBe(true);
  });

  it('refuses forged, foreign and expired tokens with 401 and the reason code', async () => {
    const good = tokens.get('operator')?.token ?? '';
    const forged = `${good.slice(0, -4)}${good.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const expired = (await idp.issue('operator', new Date(Date.now() - 48 * 3600_000)))?.token;
    for (const [token, code] of [
      [forged, 'bad_signature'],
      [expired, 'expired_token'],
      ['garbage', 'invalid_token'],
    ] as const) {
      const res = await app.request(`/api/parks/${park.id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(((await res.json()) as { code: string }).code).toBe(code);
    }
  });
});

describe('doors that check row by row', () => {
  it('keeps an enterprise manager’s own rows and refuses its rows for another enterprise, row by row', async () => {
    const m = tokens.get(`manager-${e1.id}`);
    const row = (enterpriseId: string) => ({
      enterpriseId,
      month: '2025-03',
      item: { kind: 'fuel', fuel: 'diesel', quantity: '2', unit: 't', use: 'end_use', source: { type: 'manual', note: 'invoice' } },
    });
    const res = await app.request(`/api/carbon/parks/${park.id}/activity`, {
      method: 'POST',
      headers: { authorization: `Bearer ${m?.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rows: [row(e1.id), row(e2.id)] }),
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { detail: string; errors: { path: string; message: string }[] };
    expect(problem.errors).toEqual([{ path: 'rows.1.enterpriseId', message: `forbidden: you may not enter data for enterprise ${e2.id}` }]);
    expect(problem.detail).toMatch(/the other 1 were stored/);
    const list = await app.request(`/api/carbon/parks/${park.id}/activity?period=2025-03`, { headers: { authorization: `Bearer ${m?.token}` } });
    const items = ((await list.json()) as { items: { enterpriseId: string }[] }).items;
    expect(items.map((i) => i.enterpriseId)).toEqual([e1.id]);
  });
});

describe('securedApp', () => {
  it('refuses to register a route that has no access policy', async () => {
    const { Hono } = await import('hono');
    const { securedApp } = await import('./secured-app.js');
    const api = securedApp(new Hono(), { policies: {}, enforce: true });
    expect(() => api.get('/api/new-thing', (c) => c.text('x'))).toThrow(/no access policy/);
  });
});
