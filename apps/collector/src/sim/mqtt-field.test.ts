import { demoPark, parseDeviceConfig, type Reading } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { registerMqttFactory } from '../adapters/mqtt/mqtt-factory.js';
import { recordingLogger } from '../adapters/mqtt/mqtt-test-kit.js';
import { createAdapterRegistry } from '../devices/adapter-registry.js';
import { startSimulatedMqttField } from './mqtt-field.js';
import { createParkSimulator } from './park-simulator.js';

const park = demoPark();
const NOON_MS = Date.UTC(2025, 6, 7, 4);

describe('simulated MQTT field (embedded broker) read through the device-config factory', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('logs that the broker is embedded; every point of both sections arrives good; the battery setpoint writes through Sparkplug DCMD', async () => {
    const simulator = createParkSimulator({ park, seed: 3, sky: 'clear' });
    simulator.step(NOON_MS);
    const logger = recordingLogger();
    const jsonAssets = new Set(park.assets.filter((a) => a.enterpriseId === park.enterprises[1]?.id).map((a) => a.id));
    const sparkplugAssets = new Set(['bess1', 'grid', ...park.assets.filter((a) => a.enterpriseId === park.enterprises[2]?.id).map((a) => a.id)]);
    const field = await startSimulatedMqttField({ simulator, jsonAssets, sparkplugAssets, tickMs: 100, clock: () => NOON_MS, logger });
    cleanups.push(() => field.close());
    expect(field.embedded).toBe(true);
    expect(logger.lines.some((l) => l.obj.broker === 'aedes' && /embedded/.test(l.msg ?? ''))).toBe(true);

    const registry = createAdapterRegistry();
    registerMqttFactory(registry);
    const config = parseDeviceConfig(field.section);
    const { adapters } = await registry.build(config, { park, logger, clock: () => NOON_MS, random: () => 0.5, secrets: {} });
    const latest = new Map<number, Reading>();
    for (const a of adapters) {
      cleanups.push(() => a.stop());
      await a.start((rs) => {
        for (const r of rs) latest.set(r.pointId, r);
      });
    }
    const expected = park.points.filter((p) => jsonAssets.has(p.assetId) || sparkplugAssets.has(p.assetId));
    await waitFor(() => expected.every((p) => latest.get(p.id)?.quality === 'good'), { what: 'every point good' });
    for (const p of expected) expect(latest.get(p.id)?.value).toBe(simulator.value(p.id));

    const setpoint = park.points.find((p) => p.tag === 'bess1.setpoint_kw')?.id as number;
    const sparkplug = adapters.find((a) => a.id === 'sim-mqtt-sparkplug');
    expect(await sparkplug?.write?.(setpoint, -420)).toEqual({ ok: true, readBack: -420 });
    expect(simulator.value(setpoint)).toBe(-420);
  });
});
