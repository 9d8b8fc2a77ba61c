import { join } from 'node:path';
import type { Park } from '@zcp/model';
import { loadOpcua } from '../adapters/opcua/load-opcua.js';
import type { SimulatedSection } from '../app.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../system.js';
import type { SimFieldProtocol } from './field-protocols.js';
import { startModbusRtuOverTcpServer, startSimulatedModbusRtuField } from './modbus-rtu-servers.js';
import { startSimulatedMqttField } from './mqtt-field.js';
import { simulatedOpcuaDeviceConfig } from './opcua-field/opcua-device-config.js';
import type { SimulatedPark } from './simulated-park.js';

/**
 * Which assets each protocol serves: enterprises are dealt round-robin over the chosen
 * protocols (as a real park's tenants bring different kit); park-level assets stay on Modbus
 * TCP. Deterministic, disjoint, and every asset is served exactly once.
 */
export function assignAssetsToProtocols(park: Park, protocols: readonly SimFieldProtocol[]): Map<SimFieldProtocol, Set<string>> {
  const chosen: SimFieldProtocol[] = ['modbus-tcp', ...protocols.filter((p) => p !== 'modbus-tcp')];
  const out = new Map<SimFieldProtocol, Set<string>>(chosen.map((p) => [p, new Set<string>()]));
  const ofEnterprise = new Map(park.enterprises.map((e, i) => [e.id, chosen[i % chosen.length] as SimFieldProtocol]));
  for (const a of park.assets) out.get(a.enterpriseId === null ? 'modbus-tcp' : (ofEnterprise.get(a.enterpriseId) ?? 'modbus-tcp'))?.add(a.id);
  return out;
}

export interface SimulatedFieldOptions {
  protocols: readonly SimFieldProtocol[];
  /** A real broker for the MQTT devices (Mosquitto); unset → embedded aedes. */
  mqttUrl: string | undefined;
  /** PKI folder of the simulated OPC UA server. */
  opcuaPkiDir: string;
  tickMs: number;
  pollIntervalMs: number;
  clock: Clock;
  logger: Logger;
}

/**
 * Device-config sections (with their servers) for every protocol besides Modbus TCP, as
 * `simulatedSections` of `startCollectorApp`: the app leaves their points out of the Modbus
 * TCP section, so the park is read over all protocols at once, each point by one device.
 */
export function simulatedFieldSections(o: SimulatedFieldOptions): ((sim: SimulatedPark) => Promise<SimulatedSection>)[] {
  const starters: ((sim: SimulatedPark) => Promise<SimulatedSection>)[] = [];
  const assetsOf = (sim: SimulatedPark) => assignAssetsToProtocols(sim.simulator.park, o.protocols);
  const log = o.logger.child({ component: 'simulated-field' });

  for (const transport of ['modbus-rtu-over-tcp', 'modbus-rtu'] as const) {
    if (!o.protocols.includes(transport)) continue;
    starters.push(async (sim) => {
      const assets = assetsOf(sim).get(transport);
      const rtu = await startSimulatedModbusRtuField({
        simulator: sim.simulator,
        registerMap: sim.registerMap,
        transport: transport === 'modbus-rtu' ? 'rtu' : 'rtu-over-tcp',
        ...(assets ? { assets } : {}),
        pollIntervalMs: o.pollIntervalMs,
        logger: log,
      });
      log.info({ protocol: transport, endpoint: rtu.endpoint, assets: assets?.size }, 'simulated Modbus RTU devices up');
      return { section: { ...rtu.section, devices: rtu.section.devices.map((d) => ({ ...d, id: `sim-${transport}` })) }, close: rtu.close };
    });
  }

  if (o.protocols.includes('opc-ua')) {
    starters.push(async (sim) => {
      const park = sim.simulator.park;
      const assets = assetsOf(sim).get('opc-ua') ?? new Set<string>();
      const { startOpcuaFieldServer } = await loadOpcua();
      const server = await startOpcuaFieldServer({ simulator: sim.simulator, pkiDir: join(o.opcuaPkiDir, 'server'), logger: log });
      const pointIds = park.points.filter((p) => assets.has(p.assetId)).map((p) => p.id);
      log.info({ protocol: 'opc-ua', endpoint: server.endpointUrl, assets: assets.size }, 'simulated OPC UA server up');
      return {
        section: simulatedOpcuaDeviceConfig(park, { endpointUrl: server.endpointUrl, pointIds, pollIntervalMs: o.pollIntervalMs }),
        close: () => server.close(),
      };
    });
  }

  if (o.protocols.includes('mqtt-json') || o.protocols.includes('mqtt-sparkplug')) {
    starters.push(async (sim) => {
      const byProtocol = assetsOf(sim);
      const field = await startSimulatedMqttField({
        simulator: sim.simulator,
        ...(o.mqttUrl ? { mqttUrl: o.mqttUrl } : {}),
        jsonAssets: byProtocol.get('mqtt-json') ?? new Set(),
        sparkplugAssets: byProtocol.get('mqtt-sparkplug') ?? new Set(),
        tickMs: o.tickMs,
        clock: o.clock,
        pollIntervalMs: o.pollIntervalMs,
        logger: log,
      });
      log.info({ protocol: 'mqtt', url: field.embedded ? field.url : '(MQTT_URL)', embedded: field.embedded }, 'simulated MQTT devices up');
      return { section: field.section, close: () => field.close() };
    });
  }
  return starters;
}
