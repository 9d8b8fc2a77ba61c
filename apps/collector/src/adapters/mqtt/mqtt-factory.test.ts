import { fileURLToPath } from 'node:url';
import { parseDeviceConfig, type Reading } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapterRegistry } from '../../devices/adapter-registry.js';
import { loadDeviceConfigFile } from '../../devices/load-device-config.js';
import { silentLogger } from '../../logger.js';
import { startEmbeddedMqttBroker } from '../../sim/mqtt-broker.js';
import { startMqttJsonPublisher } from '../../sim/mqtt-json-publisher.js';
import { startSparkplugEdgeNodes } from '../../sim/mqtt-sparkplug-edge.js';
import type { ProtocolAdapter } from '../adapter.js';
import { registerMqttFactory } from './mqtt-factory.js';
import { NOON_MS, park, setpointPointId, simulatorAtNoon } from './mqtt-test-kit.js';

const examples = fileURLToPath(new URL('../../../config/examples/', import.meta.url));
const ctx = (secrets: Record<string, string> = {}) => ({ park, logger: silentLogger, clock: () => NOON_MS, random: () => 0.5, secrets });

describe('mqtt device-config factory', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('builds adapters from the example configs (TLS files and the password from the environment)', async () => {
    const registry = createAdapterRegistry();
    const read: string[] = [];
    const readFile = (p: string) => {
      read.push(p);
      return Buffer.from('PEM');
    };
    registerMqttFactory(registry, { readFile });
    for (const file of ['mqtt-json.yaml', 'mqtt-sparkplug.yaml']) {
      const config = await loadDeviceConfigFile(examples + file);
      const { adapters } = await registry.build(config, ctx({ MQTT_PASSWORD: 's3cret' }));
      expect(adapters.map((a) => a.protocol)).toEqual(['mqtt']);
      expect(adapters[0]?.handles(park.points.find((p) => p.tag === config.devices[0]?.points[0]?.tag)?.id as number)).toBe(true);
    }
    expect(read).toEqual(['/etc/zcp/ca.pem']);
    const json = await loadDeviceConfigFile(`${examples}mqtt-json.yaml`);
    await expect(registry.build(json, ctx())).rejects.toThrow(/MQTT_PASSWORD/);
  });

  it('json and sparkplug-b devices from a config read the simulated park and write the battery setpoint', async () => {
    const broker = await startEmbeddedMqttBroker();
    cleanups.push(() => broker.close());
    const simulator = simulatorAtNoon();
    const config = parseDeviceConfig({
      version: 1,
      devices: [
        {
          id: 'bess-json',
          protocol: 'mqtt',
          endpoint: { url: broker.url },
          format: 'json',
          topics: ['zcp/demo/+'],
          pollIntervalMs: 50,
          points: [
            { tag: 'bess1.soc_pct', topic: 'zcp/demo/bess1', jsonPath: 'values.soc_pct' },
            { tag: 'bess1.setpoint_kw', topic: 'zcp/demo/bess1', jsonPath: 'values.setpoint_kw', writable: true },
          ],
        },
        {
          id: 'grid-sparkplug',
          protocol: 'mqtt',
          endpoint: { url: broker.url },
          format: 'sparkplug-b',
          topics: ['spBv1.0/zcp/#'],
          pollIntervalMs: 50,
          points: [{ tag: 'grid.p_kw', topic: 'spBv1.0/zcp/DDATA/park/grid', metric: 'p_kw', scale: 0.001 }],
        },
      ],
    });
    const registry = createAdapterRegistry();
    registerMqttFactory(registry);
    const { adapters } = await registry.build(config, ctx());
    const latest = new Map<number, Reading>();
    for (const a of adapters) {
      cleanups.push(() => a.stop());
      await a.start((rs) => {
        for (const r of rs) latest.set(r.pointId, r);
      });
    }
    await waitFor(() => adapters.every((a) => a.status().state === 'connected'), { what: 'connected' });
    await new Promise((r) => setTimeout(r, 50));
    const assetIds = new Set(['bess1', 'grid']);
    const pub = await startMqttJsonPublisher({ simulator, connection: { url: broker.url }, tickMs: 50, assetIds });
    cleanups.push(() => pub.close());
    const edge = await startSparkplugEdgeNodes({ simulator, connection: { url: broker.url }, tickMs: 50, assetIds, clock: () => NOON_MS });
    cleanups.push(() => edge.close());
    const grid = park.points.find((p) => p.tag === 'grid.p_kw')?.id as number;
    const soc = park.points.find((p) => p.tag === 'bess1.soc_pct')?.id as number;
    await waitFor(() => latest.get(grid)?.quality === 'good' && latest.get(soc)?.quality === 'good', { what: 'both devices' });
    expect(latest.get(grid)?.value).toBeCloseTo((simulator.value(grid) as number) * 0.001, 9);
    expect(latest.get(soc)?.value).toBe(simulator.value(soc));
    const json = adapters.find((a) => a.id === 'bess-json') as ProtocolAdapter;
    expect(await json.write?.(setpointPointId, 333)).toEqual({ ok: true, readBack: 333 });
  });
});
