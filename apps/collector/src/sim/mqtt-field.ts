import type { DeviceConfigInput } from '@zcp/model';
import { type Logger, silentLogger } from '../logger.js';
import type { Clock } from '../system.js';
import { startEmbeddedMqttBroker } from './mqtt-broker.js';
import { startMqttJsonPublisher } from './mqtt-json-publisher.js';
import { DEMO_JSON_TOPIC_PREFIX, DEMO_SPARKPLUG_GROUP, parkJsonPoints, parkSparkplugPoints } from './mqtt-park-mapping.js';
import { startSparkplugEdgeNodes } from './mqtt-sparkplug-edge.js';
import type { ParkSimulator } from './park-simulator.js';

export interface SimulatedMqttFieldOptions {
  simulator: ParkSimulator;
  /** A real broker (Mosquitto); unset → an embedded aedes broker on port 0 (logged as such). */
  mqttUrl?: string;
  /** Assets published as JSON devices / as Sparkplug B devices (disjoint from what Modbus serves). */
  jsonAssets?: ReadonlySet<string>;
  sparkplugAssets?: ReadonlySet<string>;
  tickMs: number;
  clock: Clock;
  /** The devices' expected publish interval in the generated config. */
  pollIntervalMs?: number;
  logger?: Logger;
}

export interface SimulatedMqttField {
  readonly url: string;
  readonly embedded: boolean;
  /** Device config for the collector: one `mqtt` json device and one `sparkplug-b` device. */
  readonly section: DeviceConfigInput;
  close(): Promise<void>;
}

/**
 * Simulated MQTT devices for the demo park plus the matching device-config section: chosen
 * assets publish JSON on `zcp/<parkId>/<assetId>`, others act as Sparkplug B devices of edge
 * nodes in group `zcp`. Pass the section to the collector app (`simulatedSections`) with the
 * same assets left out of the Modbus section — a point can be mapped once only.
 *
 * @example
 * const field = await startSimulatedMqttField({ simulator, jsonAssets: new Set(['ev01']), tickMs: 1000, clock: Date.now })
 * await field.close()
 */
export async function startSimulatedMqttField(options: SimulatedMqttFieldOptions): Promise<SimulatedMqttField> {
  const { simulator } = options;
  const logger = options.logger ?? silentLogger;
  const park = simulator.park;
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  try {
    let url = options.mqttUrl;
    if (!url) {
      const broker = await startEmbeddedMqttBroker({ logger });
      cleanups.push(() => broker.close());
      url = broker.url;
    } else logger.info({ url: url.replace(/\/\/[^@/]*@/, '//***@') }, 'simulated MQTT devices publish to the configured broker');
    const devices: DeviceConfigInput['devices'] = [];
    const pollIntervalMs = options.pollIntervalMs ?? Math.max(options.tickMs, 1000);
    if (options.jsonAssets && options.jsonAssets.size > 0) {
      const pub = await startMqttJsonPublisher({ simulator, connection: { url }, tickMs: options.tickMs, assetIds: options.jsonAssets, logger });
      cleanups.push(() => pub.close());
      devices.push({
        id: 'sim-mqtt-json',
        protocol: 'mqtt',
        endpoint: { url },
        format: 'json',
        topics: [`${DEMO_JSON_TOPIC_PREFIX}/${park.id}/+`],
        pollIntervalMs,
        points: parkJsonPoints(park, { assetIds: options.jsonAssets }).map((p) => ({
          pointId: p.pointId,
          topic: p.topic,
          jsonPath: p.field,
          writable: p.command !== undefined,
        })),
      });
    }
    if (options.sparkplugAssets && options.sparkplugAssets.size > 0) {
      const edge = await startSparkplugEdgeNodes({
        simulator,
        connection: { url },
        tickMs: options.tickMs,
        assetIds: options.sparkplugAssets,
        clock: options.clock,
        logger,
      });
      cleanups.push(() => edge.close());
      devices.push({
        id: 'sim-mqtt-sparkplug',
        protocol: 'mqtt',
        endpoint: { url },
        format: 'sparkplug-b',
        topics: [`spBv1.0/${DEMO_SPARKPLUG_GROUP}/#`],
        pollIntervalMs,
        points: parkSparkplugPoints(park, { assetIds: options.sparkplugAssets }).map((p) => ({
          pointId: p.pointId,
          topic: `spBv1.0/${DEMO_SPARKPLUG_GROUP}/DDATA/${p.edgeNode}/${p.device}`,
          metric: p.metric,
          writable: p.writable ?? false,
        })),
      });
    }
    return { url, embedded: !options.mqttUrl, section: { version: 1, devices }, close };
  } catch (e) {
    await close();
    throw e;
  }
}
