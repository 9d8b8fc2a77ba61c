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
});
