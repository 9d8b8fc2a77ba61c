import { describe, expect, it } from 'vitest';
import { ConfigError, loadCollectorConfig, redactUrl } from './config.js';

describe('loadCollectorConfig', () => {
  it('has working defaults for an empty environment (memory bus, simulated park)', () => {
    expect(loadCollectorConfig({})).toEqual({
      natsUrl: undefined,
      sim: { seed: 2025, tickMs: 1000, sky: 'variable', protocols: ['modbus-tcp'], mqttUrl: undefined, opcuaPkiDir: '.data/opcua-pki' },
      modbus: { host: '127.0.0.1', port: 5020, timeoutMs: 1000, pollIntervalMs: 1000 },
      source: 'collector',
      publishConcurrency: 8,
      metrics: undefined,
      logLevel: 'info',
    });
  });

  it('reads and coerces every variable; empty means unset', () => {
    const config = loadCollectorConfig({
      NATS_URL: 'nats://127.0.0.1:4222',
      SIM_SEED: '7',
      POLL_INTERVAL_MS: '250',
      MODBUS_PORT: '0',
      COLLECTOR_SOURCE: 'edge-3',
      METRICS_PORT: '9464',
      LOG_LEVEL: 'debug',
      SIM_TICK_MS: '',
    });
    expect(config).toMatchObject({
      natsUrl: 'nats://127.0.0.1:4222',
      sim: { seed: 7, tickMs: 1000 },
      modbus: { port: 0, pollIntervalMs: 250 },
      source: 'edge-3',
      metrics: { port: 9464 },
      logLevel: 'debug',
    });
  });

  it('lists every invalid variable in one error, without echoing secrets', () => {
    try {
      loadCollectorConfig({
        NATS_URL: 'http://user:secret@x',
        SIM_SEED: 'abc',
        POLL_INTERVAL_MS: '10',
        MODBUS_PORT: '70000',
        LOG_LEVEL: 'loud',
        COLLECTOR_SOURCE: 'a.b',
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const err = e as ConfigError;
      expect(err.code).toBe('config_invalid');
      expect(err.issues.map((i) => i.split(':')[0]).sort()).toEqual([
        'COLLECTOR_SOURCE',
        'LOG_LEVEL',
        'MODBUS_PORT',
        'NATS_URL',
        'POLL_INTERVAL_MS',
        'SIM_SEED',
      ]);
      expect(err.message).toContain('(got "10")');
      expect(err.message).not.toContain('secret');
    }
  });

  it('redacts credentials in URLs for logs', () => {
    expect(redactUrl('nats://user:pw@nats:4222')).toBe('nats://***@nats:4222');
    expect(redactUrl('nats://nats:4222')).toBe('nats://nats:4222');
  });
});
