import { readFileSync } from 'node:fs';
import type { AdapterFactory, AdapterRegistry, DeviceOf } from '../../devices/adapter-registry.js';
import { resolveDevicePoints } from '../../devices/resolve-points.js';
import { CollectorError } from '../../errors.js';
import { createMqttJsonAdapter, DEFAULT_WRITE_TIMEOUT_MS } from './mqtt-json-adapter.js';
import type { MqttConnectionOptions } from './mqtt-session.js';
import { DEFAULT_FLUSH_INTERVAL_MS } from './push-core.js';
import { parseSparkplugTopic, SPARKPLUG_NAMESPACE } from './sparkplug.js';
import { createSparkplugAdapter } from './sparkplug-adapter.js';

/** A JSON device silent for this many expected publish intervals (`pollIntervalMs`) → its points `stale`. */
export const STALE_AFTER_INTERVALS = 3;

/** Suffix of the command topic of a writable JSON point: `<point topic>/cmd` carries `{ "value": v }`. */
export const JSON_COMMAND_TOPIC_SUFFIX = '/cmd';

export interface MqttFactoryOptions {
  /** Reads TLS files named in the config (injected for tests). */
  readFile?: (path: string) => Buffer;
}

/**
 * Device config `mqtt` section → the JSON or Sparkplug B adapter. Points resolve to the park by
 * id or tag. JSON: `jsonPath` is the field, `scale`/`offset` apply (the config's `unit` is
 * documentation only, so no unit conversion here); a `writable` point is commanded on
 * `<topic>/cmd`. Sparkplug B: the group comes from `topics` (`spBv1.0/<group>/#`, one group per
 * device), each point's `topic` names its edge node and device (`spBv1.0/<group>/DDATA/<node>/<device>`
 * or `…/NDATA/<node>`), `metric` the metric name.
 *
 * @example
 * registerMqttFactory(registry)
 */
export function createMqttAdapterFactory(options: MqttFactoryOptions = {}): AdapterFactory<'mqtt'> {
  const readFile = options.readFile ?? ((p: string) => readFileSync(p));
  return (device, ctx) => {
    const { points } = resolveDevicePoints(device.id, device.points, ctx.park);
    const connection = connectionOf(device, ctx.secrets, readFile);
    const common = {
      id: device.id,
      connection,
      flushIntervalMs: Math.min(device.pollIntervalMs, DEFAULT_FLUSH_INTERVAL_MS),
      writeTimeoutMs: Math.max(device.timeoutMs, DEFAULT_WRITE_TIMEOUT_MS),
      logger: ctx.logger,
      clock: ctx.clock,
      random: ctx.random,
    };
    if (device.format === 'json') {
      return createMqttJsonAdapter({
        ...common,
        subscriptions: device.topics,
        staleAfterMs: STALE_AFTER_INTERVALS * device.pollIntervalMs,
        points: points.map(({ ref, point }) => ({
          pointId: point.id,
          assetId: point.assetId,
          topic: ref.topic,
          field: ref.jsonPath as string, // the schema requires jsonPath for json devices
          scale: ref.scale,
          offset: ref.offset,
          ...(ref.writable ? { command: { topic: `${ref.topic}${JSON_COMMAND_TOPIC_SUFFIX}` } } : {}),
        })),
      });
    }
    const groups = new Set(device.topics.map((t) => t.split('/')[1]));
    const group = [...groups][0];
    if (groups.size !== 1 || group === undefined || !device.topics.every((t) => t.startsWith(`${SPARKPLUG_NAMESPACE}/`))) {
      throw new CollectorError('config_invalid', `device ${device.id}: sparkplug-b topics must all be ${SPARKPLUG_NAMESPACE}/<one group>/…`);
    }
    return createSparkplugAdapter({
      ...common,
      group,
      points: points.map(({ ref, point }, i) => {
        const t = parseSparkplugTopic(ref.topic);
        if (!t || t.group !== group || (t.type !== 'DDATA' && t.type !== 'NDATA')) {
          throw new CollectorError(
            'config_invalid',
            `device ${device.id}: points[${i}].topic must be ${SPARKPLUG_NAMESPACE}/${group}/DDATA/<node>/<device> or …/NDATA/<node>`,
          );
        }
        return {
          pointId: point.id,
          assetId: point.assetId,
          edgeNode: t.edgeNode,
          device: t.device,
          metric: ref.metric as string, // required by the schema for sparkplug-b devices
          writable: ref.writable,
          scale: ref.scale,
          offset: ref.offset,
        };
      }),
    });
  };
}

function connectionOf(device: DeviceOf<'mqtt'>, secrets: Readonly<Record<string, string | undefined>>, readFile: (p: string) => Buffer): MqttConnectionOptions {
  const e = device.endpoint;
  const password = e.password ?? (e.passwordEnv ? secrets[e.passwordEnv] : undefined);
  if (e.passwordEnv && password === undefined) throw new CollectorError('config_invalid', `device ${device.id}: the ${e.passwordEnv} variable is not set`);
  const read = (p: string | undefined) => {
    if (p === undefined) return undefined;
    try {
      return readFile(p);
    } catch (err) {
      throw new CollectorError('config_invalid', `device ${device.id}: cannot read ${p}`, { cause: err });
    }
  };
  return {
    url: e.url,
    clientId: e.clientId,
    username: e.username,
    password,
    ...(e.tls ? { tls: { ca: read(e.tls.caFile), cert: read(e.tls.certFile), key: read(e.tls.keyFile), rejectUnauthorized: e.tls.rejectUnauthorized } } : {}),
    // Sparkplug B (v3.0) requires clean sessions; for JSON a fixed client id means a persistent session.
    cleanSession: device.format === 'sparkplug-b' || e.clientId === undefined,
    connectTimeoutMs: Math.max(device.timeoutMs, 5000),
    reconnect: device.reconnect,
  };
}

/** Registers the `mqtt` factory (JSON and Sparkplug B) on a registry. */
export function registerMqttFactory(registry: AdapterRegistry, options?: MqttFactoryOptions): void {
  registry.register('mqtt', createMqttAdapterFactory(options));
}
