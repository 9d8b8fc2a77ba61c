import { describe, expect, it } from 'vitest';
import { ConfigError, loadRelayConfig } from './config.js';

describe('loadRelayConfig', () => {
  it('has embedded defaults when nothing is set', () => {
    const c = loadRelayConfig({});
    expect(c).toMatchObject({ port: 8080, databaseUrl: undefined, natsUrl: undefined, dataDir: '.data/pglite' });
  });

  it('takes real servers from the environment', () => {
    const c = loadRelayConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/db', NATS_URL: 'nats://127.0.0.1:4222', DATA_DIR: 'memory', PORT: '0' });
    expect(c).toMatchObject({ databaseUrl: 'postgres://u@127.0.0.1:5432/db', natsUrl: 'nats://127.0.0.1:4222', dataDir: undefined, port: 0 });
  });

  it('storage, retention and rollup settings: defaults and overrides', () => {
    expect(loadRelayConfig({})).toMatchObject({
      storageWorkers: 2,
      retention: { rawDays: 30, minuteDays: 90, hourDays: 1095 },
      partitionMaintenanceMs: 3_600_000,
      rollup: { intervalMs: 5000, graceMs: 5000, quietMs: 3000 },
    });
    const c = loadRelayConfig({ STORAGE_WORKERS: '4', RAW_RETENTION_DAYS: '7', ROLLUP_1M_RETENTION_DAYS: '30', ROLLUP_QUIET_MS: '0' });
    expect(c).toMatchObject({ storageWorkers: 4, retention: { rawDays: 7, minuteDays: 30 }, rollup: { quietMs: 0 } });
    expect(() => loadRelayConfig({ STORAGE_WORKERS: '0' })).toThrow(/STORAGE_WORKERS/);
  });

  it('lists every invalid variable in one error', () => {
    try {
      loadRelayConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', NATS_URL: 'localhost', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const issues = (e as ConfigError).issues.join('\n');
      for (const v of ['PORT', 'DATABASE_URL', 'NATS_URL', 'LOG_LEVEL']) expect(issues).toContain(v);
    }
  });

  it('refuses the development IdP in production, and OIDC without its issuer, audience and JWKS (issue 7)', () => {
    expect(loadRelayConfig({}).auth).toMatchObject({ mode: 'dev', production: false });
    expect(() => loadRelayConfig({ ZCP_ENV: 'production' })).toThrow(/AUTH_MODE.*refused when ZCP_ENV=production/);
    expect(() => loadRelayConfig({ AUTH_MODE: 'oidc' })).toThrow(/OIDC_ISSUER[\s\S]*OIDC_AUDIENCE[\s\S]*OIDC_JWKS_URL/);
    const c = loadRelayConfig({
      ZCP_ENV: 'production',
      AUTH_MODE: 'oidc',
      OIDC_ISSUER: 'https://sso.example.com/realms/park',
      OIDC_AUDIENCE: 'zcp',
      OIDC_JWKS_URL: 'https://sso.example.com/realms/park/protocol/openid-connect/certs',
      AUTH_ROLES_CLAIM: 'realm_access.roles',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(c.auth).toMatchObject({
      mode: 'oidc',
      production: true,
      oidc: { audience: 'zcp' },
      claims: { roles: 'realm_access.roles' },
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
  });
});
