import { type Bus, connectNatsBus, createMemoryBus } from '@zcp/bus';
import { type CollectorApp, startCollectorApp } from '@zcp/collector';
import { demoPark, type Park } from '@zcp/model';
import { createRelay, type Relay } from '@zcp/relay';
import type { Logger } from 'pino';
import type { StackConfig } from './config.js';

export interface Stack {
  readonly park: Park;
  readonly relay: Relay;
  /** Available after start(). */
  readonly collector: CollectorApp;
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole twin in one process: the simulated park behind its Modbus TCP server, the
 * collector reading it, and the relay storing, fanning out and serving the web app. With no
 * NATS_URL the collector and relay share one in-process bus — which is why they must share
 * a process in embedded mode.
 *
 * @example
 * const stack = createStack(loadStackConfig(process.env), { logger }); await stack.start()
 */
export function createStack(config: StackConfig, deps: { logger: Logger; parkId?: string }): Stack {
  const { logger } = deps;
  const park = demoPark(deps.parkId ? { id: deps.parkId } : {});
  let bus: Bus | undefined;
  let relay: Relay | undefined;
  let collector: CollectorApp | undefined;

  const stack: Stack = {
    park,
    get relay() {
      if (!relay) throw new Error('stack not started');
      return relay;
    },
    get collector() {
      if (!collector) throw new Error('stack not started');
      return collector;
    },
    get port() {
      return relay?.port ?? config.relay.port;
    },
    async start() {
      const t0 = performance.now();
      if (config.relay.natsUrl) {
        bus = await connectNatsBus({ url: config.relay.natsUrl, name: 'zcp-standalone', logger: logger.child({ component: 'bus' }) });
        logger.info({ url: config.relay.natsUrl }, 'bus: NATS JetStream');
      } else {
        bus = createMemoryBus({ logger: logger.child({ component: 'bus' }) });
        logger.info('bus: in-process, NATS subject semantics (NATS_URL not set) — embedded mode');
      }
      if (!config.relay.databaseUrl) logger.info({ dataDir: config.relay.dataDir ?? 'memory' }, 'database: embedded PGlite (DATABASE_URL not set)');
      // The collector's registry is created inside startCollectorApp; the relay serves it via a
      // late-bound merge, so start the relay after the collector exists.
      collector = await startCollectorApp(config.collector, { logger: logger.child({ app: 'collector' }), park, bus });
      relay = createRelay(config.relay, { parks: [park], bus, logger: logger.child({ app: 'relay' }), extraMetrics: [collector.collector.registry] });
      await relay.start();
      logger.info(
        { url: `http://localhost:${relay.port}/`, startMs: Math.round(performance.now() - t0), points: park.points.length },
        'twin is up with the simulated park',
      );
    },
    async stop() {
      await collector?.stop();
      await relay?.stop();
      await bus?.close();
    },
  };
  return stack;
}
