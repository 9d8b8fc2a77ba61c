import type { MqttClient } from 'mqtt';
import { type MqttConnectionOptions, type MqttSession, openMqttSession } from '../adapters/mqtt/mqtt-session.js';
import { errorInfo } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { jsonAssetTopic, jsonCommandTopic, pointsByAsset } from './mqtt-park-mapping.js';
import type { ParkSimulator } from './park-simulator.js';

export interface MqttJsonPublisherOptions {
  simulator: ParkSimulator;
  connection: MqttConnectionOptions;
  /** Publish every asset this often; 0 = only when `publishAll` is called. */
  tickMs: number;
  prefix?: string;
  /** Only these assets (default all). */
  assetIds?: ReadonlySet<string>;
  qos?: 0 | 1;
  logger?: Logger;
}

export interface MqttJsonPublisher {
  /** Publishes every asset once (resolves when the broker has them, at QoS 1). */
  publishAll(): Promise<void>;
  /** Messages published so far. */
  published(): number;
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The simulated park as JSON-over-MQTT devices: each asset publishes
 * `{ ts, values: { <metric>: value } }` on `zcp/<parkId>/<assetId>`, and a battery takes a
 * setpoint `{ value }` on `…/cmd`, applies it to the simulator and republishes at once (so the
 * collector can confirm the write by read-back). Values come from the simulator as it is
 * stepped by its owner; this only reads.
 *
 * @example
 * const pub = await startMqttJsonPublisher({ simulator, connection: { url }, tickMs: 1000 })
 */
export async function startMqttJsonPublisher(options: MqttJsonPublisherOptions): Promise<MqttJsonPublisher> {
  const { simulator } = options;
  const logger = (options.logger ?? silentLogger).child({ component: 'mqtt-json-publisher' });
  const park = simulator.park;
  const byAsset = pointsByAsset(park, options.assetIds);
  const qos = options.qos ?? 1;
  let count = 0;
  let client: MqttClient | undefined;
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((r) => {
    readyResolve = r;
  });

  const payloadOf = (assetId: string): string => {
    const values: Record<string, number> = {};
    for (const p of byAsset.get(assetId) ?? []) values[p.metric] = simulator.value(p.id) ?? 0;
    return JSON.stringify({ ts: simulator.timeMs() ?? 0, values });
  };
  const publishAsset = async (c: MqttClient, assetId: string) => {
    await c.publishAsync(jsonAssetTopic(park.id, assetId, options.prefix), payloadOf(assetId), { qos });
    count++;
  };
  const publishAll = async () => {
    const c = client;
    if (!c?.connected) return;
    await Promise.all([...byAsset.keys()].map((a) => publishAsset(c, a)));
  };

  const commandFilter = jsonCommandTopic(park.id, '+', options.prefix);
  const session: MqttSession = openMqttSession({
    connection: options.connection,
    clientIdPrefix: 'zcp-sim-json',
    logger,
    hooks: {
      connected: (c) => {
        client = c;
        c.subscribe(commandFilter, { qos: 1 }, () => readyResolve());
      },
      disconnected: () => {},
      message: (topic, payload) => {
        const assetId = topic.split('/').at(-2) ?? '';
        try {
          const body = JSON.parse(payload.toString('utf8')) as { value?: unknown };
          if (typeof body.value !== 'number') throw new TypeError('command without a numeric value');
          simulator.setSetpoint(assetId, body.value);
          logger.info({ assetId, kw: body.value }, 'setpoint command applied');
          if (client) void publishAsset(client, assetId).catch(() => {});
        } catch (e) {
          logger.warn({ topic, err: errorInfo(e).message }, 'setpoint command refused');
        }
      },
    },
  });
  const timer =
    options.tickMs > 0
      ? setInterval(() => {
          publishAll().catch((e) => logger.warn({ err: errorInfo(e).message }, 'json publish failed'));
        }, options.tickMs)
      : undefined;

  return {
    publishAll,
    published: () => count,
    ready: () => ready,
    async close() {
      clearInterval(timer);
      await session.close();
    },
  };
}
