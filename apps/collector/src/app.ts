import { createServer, type Server } from 'node:http';
import { type Bus, connectNatsBus, createMemoryBus } from '@zcp/bus';
import { demoPark, type Park } from '@zcp/model';
import { Registry } from 'prom-client';
import { createModbusTcpAdapter } from './adapters/modbus/modbus-tcp-adapter.js';
import { type Collector, createCollector } from './collector.js';
import { type CollectorConfig, redactUrl } from './config.js';
import { toCollectorError } from './errors.js';
import type { Logger } from './logger.js';
import { type SimulatedPark, startSimulatedPark } from './sim/simulated-park.js';
import { type Clock, systemClock } from './system.js';

export interface CollectorApp {
  readonly collector: Collector;
  readonly simulatedPark: SimulatedPark;
  readonly bus: Bus;
  /** Port of the /metrics endpoint when one was configured. */
  readonly metricsPort: number | undefined;
  stop(): Promise<void>;
}

/**
 * The collector process without the process: the demo park simulated and served over
 * Modbus TCP, read back by the Modbus adapter, published to NATS (NATS_URL) or the
 * in-process bus. `main.ts` adds signals; tests call this with port 0.
 *
 * @example
 * const app = await startCollectorApp(loadCollectorConfig(process.env), { logger })
 * await app.stop()
 */
export async function startCollectorApp(config: CollectorConfig, deps: { logger: Logger; clock?: Clock; park?: Park; bus?: Bus }): Promise<CollectorApp> {
  const { logger } = deps;
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

    const registry = new Registry();
    const adapter = createModbusTcpAdapter({
      id: 'sim-modbus',
      host: simulatedPark.host,
      port: simulatedPark.port,
      registerMap: simulatedPark.registerMap,
      pollIntervalMs: config.modbus.pollIntervalMs,
      timeoutMs: config.modbus.timeoutMs,
      logger,
      clock,
    });
    const collector = createCollector({
      park,
      bus,
      logger,
      adapters: [adapter],
      source: config.source,
      metrics: registry,
      clock,
      publishConcurrency: config.publishConcurrency,
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
        registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
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
    return { collector, simulatedPark, bus, metricsPort, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
