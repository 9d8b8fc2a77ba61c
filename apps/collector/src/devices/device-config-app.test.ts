import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceConfigError, decodeTelemetryBatch, subjects } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProtocolAdapter } from '../adapters/adapter.js';
import { registerModbusFactories } from '../adapters/modbus/modbus-factory.js';
import { startCollectorApp } from '../app.js';
import { loadCollectorConfig } from '../config.js';
import { silentLogger } from '../logger.js';
import { createAdapterRegistry } from './adapter-registry.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('collector app built from a device config', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const tempFile = async (name: string, text: string) => {
    const dir = await mkdtemp(join(tmpdir(), 'zcp-devices-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it("uses the simulated park's own config by default, through the registry (one Modbus TCP device)", async () => {
    const fake: ProtocolAdapter[] = [];
    const registry = createAdapterRegistry();
    registerModbusFactories(registry);
    // Another protocol plugs in by registering a factory: here a do-nothing HTTP-push stand-in.
    registry.register('http-push', (device) => {
      const adapter: ProtocolAdapter = {
        id: device.id,
        protocol: 'http-push',
        handles: () => false,
        start: async () => {},
        stop: async () => {},
        status: () => ({
          id: device.id,
          protocol: 'http-push',
          state: 'connected',
          polls: 0,
          overruns: 0,
          requests: 0,
          requestErrors: 0,
          pointsRead: 0,
          pointsBad: 0,
          reconnects: 0,
        }),
      };
      fake.push(adapter);
      return adapter;
    });
    const config = loadCollectorConfig({ MODBUS_PORT: '0', POLL_INTERVAL_MS: '50', SIM_TICK_MS: '50' });
    const app = await startCollectorApp(config, {
      logger: silentLogger,
      adapterRegistry: registry,
      simulatedSections: [() => ({ version: 1, devices: [{ id: 'push-gw', protocol: 'http-push', points: [{ tag: 'ev1.p_kw', key: 'ev1' }] }] })],
    });
    cleanups.push(() => app.stop());
    expect(app.deviceConfig.devices.map((d) => [d.id, d.protocol])).toEqual([
      ['sim-modbus', 'modbus-tcp'],
      ['push-gw', 'http-push'],
    ]);
    expect(app.deviceConfig.devices[0]?.points).toHaveLength(app.simulatedPark.registerMap.entries.length);
    expect(fake).toHaveLength(1);
    expect(app.collector.stats().adapters.map((a) => a.id)).toEqual(['sim-modbus', 'push-gw']);
  });

  it('reads the devices of DEVICE_CONFIG_FILE (here one point of the simulated park) instead', async () => {
    const port = await freePort();
    const file = await tempFile(
      'devices.yaml',
      `version: 1
devices:
  - id: grid-gw
    protocol: modbus-tcp
    endpoint: { host: 127.0.0.1, port: ${port} }
    pollIntervalMs: 50
    timeoutMs: 500
    points:
      - { tag: grid.p_kw, unitId: 1, address: 0, dataType: float32 }
`,
    );
    const config = loadCollectorConfig({ MODBUS_PORT: String(port), POLL_INTERVAL_MS: '50', SIM_TICK_MS: '50', DEVICE_CONFIG_FILE: file });
    const app = await startCollectorApp(config, { logger: silentLogger });
    cleanups.push(() => app.stop());
    const gridEntry = app.simulatedPark.registerMap.entries.find((e) => e.tag === 'grid.p_kw');
    expect(gridEntry).toMatchObject({ unitId: 1, address: 0, dataType: 'float32' });
    const assets = new Set<string>();
    const sub = app.bus.subscribe(subjects.telemetryOfPark('demo'), (m) => {
      const decoded = decodeTelemetryBatch(m.data);
      if (decoded.ok) assets.add(decoded.value.assetId);
    });
    cleanups.push(async () => sub.unsubscribe());
    await waitFor(() => assets.size > 0, { what: 'a batch' });
    expect([...assets]).toEqual(['grid']);
    expect(app.collector.stats().adapters[0]).toMatchObject({ id: 'grid-gw', protocol: 'modbus-tcp', state: 'connected' });
  });

  it('refuses to start on an invalid file, listing every problem as file:path: reason', async () => {
    const file = await tempFile(
      'bad.yaml',
      'version: 1\ndevices:\n  - id: x\n    protocol: modbus-tcp\n    endpoint: { host: h, port: 0 }\n    points: [{ pointId: 1, address: -1 }]\n',
    );
    const config = loadCollectorConfig({ MODBUS_PORT: '0', DEVICE_CONFIG_FILE: file });
    const err = await startCollectorApp(config, { logger: silentLogger }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceConfigError);
    expect((err as DeviceConfigError).issues).toEqual([
      expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:devices\\[0\\]\\.endpoint\\.port: `)),
      expect.stringMatching(/:devices\[0\]\.points\[0\]\.address: /),
    ]);
  });

  it('refuses a config that maps a point the park does not have', async () => {
    const file = await tempFile(
      'ghost.json',
      JSON.stringify({ version: 1, devices: [{ id: 'g', protocol: 'modbus-tcp', endpoint: { host: 'h' }, points: [{ tag: 'nope.p_kw', address: 0 }] }] }),
    );
    const err = await startCollectorApp(loadCollectorConfig({ MODBUS_PORT: '0', DEVICE_CONFIG_FILE: file }), { logger: silentLogger }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/device g \(modbus-tcp\): device g: points\[0\]: tag nope\.p_kw is not a point of park demo/);
  });
});
