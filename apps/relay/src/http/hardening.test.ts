import { demoPark } from '@zcp/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevIdp, DEV_AUDIENCE, DEV_ISSUER } from '../auth/dev-idp.js';
import { createJwtVerifier } from '../auth/jwt-verifier.js';
import { ParkRegistry } from '../parks/park-registry.js';
import { createPgliteStore } from '../storage/index.js';
import type { ReadingStore } from '../storage/reading-store.js';
import { createApiApp, JSON_BODY_MAX_BYTES } from './api-app.js';
import { createRateLimiter } from './rate-limit.js';

const park = demoPark();
let store: ReadingStore;
let app: ReturnType<typeof createApiApp>;
let token: string;

beforeAll(async () => {
  store = await createPgliteStore({});
  await store.migrate();
  const idp = await createDevIdp([park]);
  const verifier = createJwtVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: idp.jwks });
  app = createApiApp({
    parks: new ParkRegistry([park]),
    store,
    now: Date.now,
    corsOrigins: ['https://portal.example.com'],
    rateLimiter: createRateLimiter({ sign_in: { perMinute: 3, burst: 3 }, write: { perMinute: 2, burst: 2 }, ingest: { perMinute: 60, burst: 10 } }),
    auth: { verify: (t) => verifier.verify(t), devIdp: idp },
  });
  token = (await idp.issue('operator'))?.token ?? '';
}, 120_000);
afterAll(async () => store.close());

describe('hardening', () => {
  it('sends security headers; API answers may load nothing; the login page runs only its own nonce script', async () => {
    const res = await app.request(`/api/parks/${park.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const login = await app.request('/api/auth/dev/login');
    const csp = login.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(await login.text()).toContain(`<script nonce="${nonce}">`);
  });

  it('answers CORS preflights only for configured origins', async () => {
    const ok = await app.request(`/api/parks/${park.id}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.example.com', 'access-control-request-method': 'GET' },
    });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://portal.example.com');
    const other = await app.request(`/api/parks/${park.id}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a JSON body over the limit with 413 problem+json', async () => {
    const res = await app.request(`/api/carbon/parks/${park.id}/activity`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rows: [], pad: 'x'.repeat(JSON_BODY_MAX_BYTES) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('limits sign-ins per client and writes per principal with 429 and Retry-After', async () => {
    const signIn = () =>
      app.request('/api/auth/dev/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
        body: '{"user":"operator"}',
      });
    expect([(await signIn()).status, (await signIn()).status, (await signIn()).status]).toEqual([200, 200, 200]);
    const limited = await signIn();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const write = () =>
      app.request(`/api/carbon/parks/${park.id}/ledger/compute`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"period":"bad"}',
      });
    expect([(await write()).status, (await write()).status]).toEqual([400, 400]);
    expect((await write()).status).toBe(429);
  });
});
