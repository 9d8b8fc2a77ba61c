import { demoPark } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadCollectorConfig } from '../config.js';
import { SIM_ALL_PROTOCOLS } from './field-protocols.js';
import { assignAssetsToProtocols } from './simulated-field.js';

describe('assignAssetsToProtocols', () => {
  const park = demoPark();

  it('serves every asset exactly once, park-level assets over Modbus TCP', () => {
    const byProtocol = assignAssetsToProtocols(park, SIM_ALL_PROTOCOLS);
    const all = [...byProtocol.values()].flatMap((s) => [...s]);
    expect(all.length).toBe(park.assets.length);
    expect(new Set(all).size).toBe(park.assets.length);
    for (const a of park.assets.filter((x) => x.enterpriseId === null)) expect(byProtocol.get('modbus-tcp')?.has(a.id)).toBe(true);
    for (const p of SIM_ALL_PROTOCOLS) expect(byProtocol.get(p)?.size, p).toBeGreaterThan(0);
  });

  it('keeps an enterprise on one protocol', () => {
    const byProtocol = assignAssetsToProtocols(park, SIM_ALL_PROTOCOLS);
    for (const e of park.enterprises) {
      const protocols = new Set([...byProtocol].filter(([, ids]) => park.assets.some((a) => a.enterpriseId === e.id && ids.has(a.id))).map(([p]) => p));
      expect(protocols.size, e.id).toBe(1);
    }
  });

  it('puts everything on Modbus TCP when it is the only protocol', () => {
    expect(assignAssetsToProtocols(park, ['modbus-tcp']).get('modbus-tcp')?.size).toBe(park.assets.length);
  });
});

describe('SIM_PROTOCOLS, MQTT_URL', () => {
  it('defaults to Modbus TCP and expands `all`', () => {
    expect(loadCollectorConfig({}).sim.protocols).toEqual(['modbus-tcp']);
    expect(loadCollectorConfig({ SIM_PROTOCOLS: 'all' }).sim.protocols).toEqual([...SIM_ALL_PROTOCOLS]);
    expect(loadCollectorConfig({ SIM_PROTOCOLS: 'opc-ua, mqtt-json' }).sim.protocols).toEqual(['opc-ua', 'mqtt-json']);
  });

  it('lists an unknown protocol and a bad broker URL without echoing the URL', () => {
    try {
      loadCollectorConfig({ SIM_PROTOCOLS: 'modbus-tcp,bacnet', MQTT_URL: 'http://user:secret@x' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const text = (e as ConfigError).issues.join('\n');
      expect(text).toContain('SIM_PROTOCOLS');
      expect(text).toContain('MQTT_URL');
      expect(text).not.toContain('secret');
    }
  });
});
