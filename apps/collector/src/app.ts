import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { type Bus, connectNatsBus, createMemoryBus } from '@zcp/bus';
import { type DeviceConfig, type DeviceConfigInput, demoPark, mergeDeviceConfigs, type Park } from '@zcp/model';
import { Registry } from 'prom-client';
import { registerModbusFactories } from './adapters/modbus/modbus-factory.js';
import { registerMqttFactory } from './adapters/mqtt/mqtt-factory.js';
import { registerLazyOpcuaFactory } from './adapters/opcua/load-opcua.js';
import { type Collector, createCollector } from './collector.js';
import { type CollectorConfig, redactUrl } from './config.js';
import { type AdapterRegistry, defaultAdapterRegistry } from './devices/adapter-registry.js';
import { loadDeviceConfigFile } from './devices/load-device-config.js';
import { toCollectorError } from './errors.js';
import type { Logger } from './logger.js';
import { simulatedModbusDeviceConfig } from './sim/modbus-device-config.js';
import { simulatedFieldSections } from './sim/simulated-field.js';
import { type SimulatedPark, startSimulatedPark } from './sim/simulated-park.js';
import { type Clock, systemClock, systemRandom } from './system.js';

export interface CollectorApp {
  readonly collector: Collector;
  readonly simulatedPark: SimulatedPark;
  readonly bus: Bus;
  /** The device configuration the adapters were built from. */
  readonly deviceConfig: DeviceConfig;
  /** Port of the /metrics endpoint when one was configured. */
  readonly metricsPort: number | undefined;
  stop(): Promise<void>;
}

export interface CollectorAppDeps {
  logger: Logger;
  clock?: Clock;
  park?: Park;
  bus?: Bus;
  /** Protocol → adapter factory. Default: the shared registry, with the Modbus factories added. */
  adapterRegistry?: AdapterRegistry;
  /**
   * More device config sections for the simulated park (other simulated protocols), merged with
   * its Modbus TCP section — which then leaves out the points these sections map (a point is
   * read by one device only). A section that started servers returns `{ section, close }`; the
   * app closes them on stop.
   */
  simulatedSections?: ((sim: SimulatedPark) => SimulatedSection | Promise<SimulatedSection>)[];
  /** Where `passwordEnv`/`tokenEnv` of the device config are looked up. */
  secrets?: Readonly<Record<string, string | undefined>>;
}

/** A simulated protocol's device-config section, with the servers behind it when it started any. */
export type SimulatedSection = DeviceConfigInput | { section: DeviceConfigInput; close(): Promise<void> };

/** Model point ids the sections map (by `pointId` or `tag`). */
function pointsMappedBy(sections: readonly DeviceConfigInput[], park: Park): Set<number> {
  const byTag = new Map(park.points.map((p) => [p.tag, p.id]));
  const ids = new Set<number>();
  for (const section of sections) {
    for (const device of section.devices) {
      for (const p of device.points) {
        const id = p.pointId ?? (p.tag === undefined ? undefined : byTag.get(p.tag));
        if (id !== undefined) ids.add(id);
      }
    }
  }
  return ids;
}

/**
 * The collector process without the process: the demo park simulated and served over
 * Modbus TCP; the adapters built from a device configuration (DEVICE_CONFIG_FILE, or the
 * simulated park's own) through the adapter registry; published to NATS (NATS_URL) or the
 * in-process bus. `main.ts` adds signals; tests call this with port 0.
 *
 * @example
 * const app = await startCollectorApp(loadCollectorConfig(process.env), { logger })
 * await app.stop()
 */
export async function startCollectorApp(config: CollectorConfig, deps: CollectorAppDeps): Promise<CollectorApp> {
  const { logger } = deps;
  const registry = deps.adapterRegistry ?? defaultAdapterRegistry;
  if (!registry.has('modbus-tcp')) registerModbusFactories(registry);
  if (!registry.has('mqtt')) registerMqttFactory(registry);
  if (!registry.has('opc-ua')) registerLazyOpcuaFactory(registry, { pkiDir: join(config.sim.opcuaPkiDir, 'client') });
  const clock = deps.clock ?? systemClock;
  const park = deps.park ?? demoPark();
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (e) {
        logger.error({ err: toCollectorError(e).message }, 'shutdown step failed');
      }
    }
  };
  try {
    const simulatedPark = await startSimulatedPark({
      park,
      seed: config.sim.seed,
      clock,
      host: config.modbus.host,
      port: config.modbus.port,
      tickMs: config.sim.tickMs,
      sky: config.sim.sky,
      logger: logger.child({ component: 'simulator' }),
    });
    cleanups.push(() => simulatedPark.stop());

    let bus: Bus;
    if (deps.bus) bus = deps.bus;
    else if (config.natsUrl) {
      bus = await connectNatsBus({ url: config.natsUrl, name: `zcp-collector-${config.source}`, logger: logger.child({ component: 'bus' }) });
      logger.info({ bus: 'nats', url: redactUrl(config.natsUrl) }, 'publishing to NATS JetStream');
    } else {
      bus = createMemoryBus({ logger: logger.child({ component: 'bus' }) });
      logger.info({ bus: 'memory' }, 'NATS_URL not set: publishing to the in-process memory bus (only this process sees the telemetry)');
    }
    if (!deps.bus) cleanups.push(() => bus.close());

    let deviceConfig: DeviceConfig;
    if (config.deviceConfigFile) {
      deviceConfig = await loadDeviceConfigFile(config.deviceConfigFile);
      logger.info({ file: config.deviceConfigFile, devices: deviceConfig.devices.length }, 'device configuration loaded');
    } else {
      const more: DeviceConfigInput[] = [];
      const fieldSections = simulatedFieldSections({
        protocols: config.sim.protocols,
        mqttUrl: config.sim.mqttUrl,
        opcuaPkiDir: config.sim.opcuaPkiDir,
        tickMs: config.sim.tickMs,
        pollIntervalMs: config.modbus.pollIntervalMs,
        clock,
        logger,
      });
      for (const start of [...fieldSections, ...(deps.simulatedSections ?? [])]) {
        const result = await start(simulatedPark);
        if ('section' in result) {
          cleanups.push(() => result.close());
          more.push(result.section);
        } else more.push(result);
      }
      const modbus = simulatedModbusDeviceConfig(simulatedPark.registerMap, {
        endpoint: { protocol: 'modbus-tcp', host: simulatedPark.host, port: simulatedPark.port },
        pollIntervalMs: config.modbus.pollIntervalMs,
        timeoutMs: config.modbus.timeoutMs,
        omitPoints: pointsMappedBy(more, park),
      });
      deviceConfig = mergeDeviceConfigs([modbus, ...more], 'simulated park');
    }
    const { adapters } = await registry.build(deviceConfig, {
      park,
      logger,
      clock,
      random: systemRandom,
      secrets: deps.secrets ?? {},
    });

    const metrics = new Registry();
    const collector = createCollector({
      park,
      bus,
      logger,
      adapters,
      source: config.source,
      metrics,
      clock,
      publishConcurrency: config.publishConcurrency,
      ...(config.spool ? { spool: config.spool } : {}),
    });
    await collector.start();
    cleanups.push(() => collector.stop());

    let metricsPort: number | undefined;
    if (config.metrics) {
      const server: Server = createServer((req, res) => {
        if (req.url !== '/metrics') {
          res.writeHead(404).end();
          return;
        }
        metrics.metrics().then(
          (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
          (e) => res.writeHead(500).end(toCollectorError(e).message),
        );
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.metrics?.port, config.metrics?.host, resolve);
      });
      metricsPort = (server.address() as { port: number }).port;
      cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
      logger.info({ port: metricsPort }, 'metrics at /metrics');
    }
    return { collector, simulatedPark, bus, deviceConfig, metricsPort, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
