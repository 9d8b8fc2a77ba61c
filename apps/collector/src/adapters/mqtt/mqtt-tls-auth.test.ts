import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reading } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { connectAsync } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedMqttBroker, startEmbeddedMqttBroker } from '../../sim/mqtt-broker.js';
import { createMqttJsonAdapter } from './mqtt-json-adapter.js';
import type { MqttConnectionOptions } from './mqtt-session.js';

// A throw-away self-signed certificate for 127.0.0.1 (openssl is on the machine and in CI).
let dir = '';
let key: Buffer;
let cert: Buffer;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zcp-mqtt-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  key = readFileSync(join(dir, 'key.pem'));
  cert = readFileSync(join(dir, 'cert.pem'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('MQTT over TLS with username/password (embedded broker)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const topic = 'secure/meter';

  const startBroker = async (): Promise<EmbeddedMqttBroker> => {
    const broker = await startEmbeddedMqttBroker({ tls: { key, cert }, users: { collector: 'right', device: 'dev' } });
    cleanups.push(() => broker.close());
    return broker;
  };
  const startAdapter = async (connection: MqttConnectionOptions) => {
    const adapter = createMqttJsonAdapter({
      flushIntervalMs: 40,
      connection: { reconnect: { initialDelayMs: 50, maxDelayMs: 100 }, ...connection },
      points: [{ pointId: 1, assetId: 'm', topic, field: 'p' }],
    });
    cleanups.push(() => adapter.stop());
    const latest = new Map<number, Reading>();
    await adapter.start((rs) => {
      for (const r of rs) latest.set(r.pointId, r);
    });
    return { adapter, latest };
  };

  it('connects with the CA and the right credentials, and data flows', async () => {
    const broker = await startBroker();
    expect(broker.url).toMatch(/^mqtts:/);
    const { adapter, latest } = await startAdapter({ url: broker.url, username: 'collector', password: 'right', tls: { ca: cert, rejectUnauthorized: true } });
    await waitFor(() => adapter.status().state === 'connected', { what: 'connected over TLS' });
    await new Promise((r) => setTimeout(r, 50));
    const device = await connectAsync(broker.url, { username: 'device', password: 'dev', ca: cert });
    cleanups.push(() => device.endAsync());
    await device.publishAsync(topic, JSON.stringify({ p: 7.5 }), { qos: 1 });
    await waitFor(() => latest.get(1)?.quality === 'good', { what: 'data' });
    expect(latest.get(1)?.value).toBe(7.5);
  });

  it('a wrong password: never connected, points bad, the refusal in lastError', async () => {
    const broker = await startBroker();
    const { adapter, latest } = await startAdapter({ url: broker.url, username: 'collector', password: 'wrong', tls: { ca: cert } });
    await waitFor(() => adapter.status().lastError, { what: 'an error' });
    await waitFor(() => latest.get(1)?.quality === 'bad', { what: 'bad' });
    expect(adapter.status().state).not.toBe('connected');
    expect(adapter.status().lastError?.message).toMatch(/user name or password|Not authorized|bad/i);
  });

  it('an untrusted certificate is refused with rejectUnauthorized, accepted without it', async () => {
    const broker = await startBroker();
    const strict = await startAdapter({ url: broker.url, username: 'collector', password: 'right', tls: { rejectUnauthorized: true } });
    await waitFor(() => strict.adapter.status().lastError, { what: 'a TLS error' });
    expect(strict.adapter.status().state).not.toBe('connected');
    expect(strict.adapter.status().lastError?.message).toMatch(/self.signed|certificate/i);
    const lax = await startAdapter({ url: broker.url, username: 'collector', password: 'right', tls: { rejectUnauthorized: false } });
    await waitFor(() => lax.adapter.status().state === 'connected', { what: 'connected without verification' });
  });
});
