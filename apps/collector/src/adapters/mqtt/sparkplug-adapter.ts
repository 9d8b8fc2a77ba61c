import type { MqttClient } from 'mqtt';
import { CollectorError, errorInfo } from '../../errors.js';
import { type Logger, silentLogger } from '../../logger.js';
import { type Clock, type Random, systemClock, systemRandom } from '../../system.js';
import type { ProtocolAdapter, WriteResult } from '../adapter.js';
import { DEFAULT_WRITE_TIMEOUT_MS } from './mqtt-json-adapter.js';
import { type MqttConnectionOptions, type MqttSession, openMqttSession } from './mqtt-session.js';
import { createPushCore, DEFAULT_FLUSH_INTERVAL_MS } from './push-core.js';
import {
  encodeSparkplugPayload,
  REBIRTH_METRIC,
  SPARKPLUG_NAMESPACE,
  type SparkplugDataType,
  type SparkplugMetric,
  sparkplugTopic,
  storedAs,
} from './sparkplug.js';
import { createSparkplugTracker, type SparkplugEvent } from './sparkplug-tracker.js';

/** Rebirth requests to one edge node are at least this far apart. */
export const DEFAULT_REBIRTH_MIN_INTERVAL_MS = 5000;

/** A model point as a Sparkplug metric: on a device (DBIRTH/DDATA) or on the node itself. */
export interface SparkplugPointMapping {
  pointId: number;
  assetId: string;
  edgeNode: string;
  /** Absent for node-level metrics (NBIRTH/NDATA). */
  device?: string;
  /** The metric name from the birth certificate. */
  metric: string;
  /** Accepts setpoints via DCMD (NCMD for node metrics). */
  writable?: boolean;
  /** value = metric × scale + offset. Defaults 1 and 0. */
  scale?: number;
  offset?: number;
}

export interface SparkplugAdapterOptions {
  /** Default `sparkplug:${group}`. */
  id?: string;
  connection: MqttConnectionOptions;
  /** Sparkplug group id; the adapter subscribes `spBv1.0/<group>/#`. */
  group: string;
  points: readonly SparkplugPointMapping[];
  flushIntervalMs?: number;
  writeTimeoutMs?: number;
  rebirthMinIntervalMs?: number;
  logger?: Logger;
  clock?: Clock;
  random?: Random;
}

export const pointKey = (edgeNode: string, device: string | undefined, metric: string): string => `${edgeNode}\u0000${device ?? ''}\u0000${metric}`;

/**
 * A Sparkplug B host (v3.0, non-primary): subscribes to a group, tracks each edge node's birth
 * certificates (metric names, aliases, datatypes), bdSeq and seq (0–255, wrapping), resolves
 * aliases in NDATA/DDATA and maps metrics to model points by (node, device, metric name).
 * NDEATH/DDEATH mark the points bad. A seq gap, data before a birth or an unknown alias makes
 * it ask the node for a rebirth (NCMD `Node Control/Rebirth` = true), at most once per
 * `rebirthMinIntervalMs`. Writes go out as DCMD and are confirmed when the device republishes
 * the value.
 *
 * @example
 * const adapter = createSparkplugAdapter({ connection: { url }, group: 'zcp', points })
 * await adapter.start(sink)
 */
export function createSparkplugAdapter(options: SparkplugAdapterOptions): ProtocolAdapter {
  const { group } = options;
  const id = options.id ?? `sparkplug:${group}`;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const logger = (options.logger ?? silentLogger).child({ adapter: id });
  const writeTimeoutMs = options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;
  const rebirthMinIntervalMs = options.rebirthMinIntervalMs ?? DEFAULT_REBIRTH_MIN_INTERVAL_MS;
  if (group.length === 0 || /[+#/]/.test(group)) throw new CollectorError('config_invalid', `invalid Sparkplug group '${group}'`);

  const byKey = new Map<string, SparkplugPointMapping>();
  const byPoint = new Map<number, SparkplugPointMapping>();
  const assetOf = new Map<number, string>();
  const ofNode = new Map<string, number[]>();
  const ofDevice = new Map<string, number[]>();
  for (const m of options.points) {
    const key = pointKey(m.edgeNode, m.device, m.metric);
    if (m.scale === 0) throw new CollectorError('config_invalid', `point ${m.pointId}: scale must not be 0`);
    if (byPoint.has(m.pointId) || byKey.has(key))
      throw new CollectorError('config_invalid', `point ${m.pointId} (${m.edgeNode}/${m.device ?? ''}/${m.metric}) is mapped twice`);
    byKey.set(key, m);
    byPoint.set(m.pointId, m);
    assetOf.set(m.pointId, m.assetId);
    ofNode.set(m.edgeNode, [...(ofNode.get(m.edgeNode) ?? []), m.pointId]);
    const dk = `${m.edgeNode}/${m.device ?? ''}`;
    ofDevice.set(dk, [...(ofDevice.get(dk) ?? []), m.pointId]);
  }

  const core = createPushCore({ id, protocol: 'mqtt', assetOf, flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS, clock, logger });
  const tracker = createSparkplugTracker({ group });
  const lastRebirthAt = new Map<string, number>();
  let session: MqttSession | undefined;

  const requestRebirth = (edgeNode: string, reason: string) => {
    const client = session?.client;
    const now = clock();
    const last = lastRebirthAt.get(edgeNode);
    if (!client?.connected || (last !== undefined && now - last < rebirthMinIntervalMs)) return;
    lastRebirthAt.set(edgeNode, now);
    logger.info({ edgeNode, reason }, 'sparkplug: requesting rebirth');
    const payload = encodeSparkplugPayload({ timestamp: now, metrics: [{ name: REBIRTH_METRIC, type: 'Boolean', value: true }] });
    client.publish(sparkplugTopic({ group, type: 'NCMD', edgeNode }), Buffer.from(payload), { qos: 0 }, (err) => {
      if (err) logger.warn({ edgeNode, err: err.message }, 'sparkplug: rebirth request failed');
    });
  };

  const record = (e: Extract<SparkplugEvent, { kind: 'metrics' }>) => {
    for (const m of e.metrics) {
      const mapping = byKey.get(pointKey(e.edgeNode, e.device, m.name));
      if (!mapping) continue;
      if (m.value === undefined) {
        logger.warn({ edgeNode: e.edgeNode, device: e.device, metric: m.name, pointId: mapping.pointId }, 'sparkplug: metric value not numeric; marked bad');
        core.record(mapping.pointId, 0, 'bad', m.ts);
      } else core.record(mapping.pointId, m.value * (mapping.scale ?? 1) + (mapping.offset ?? 0), 'good', m.ts);
    }
  };

  const onMessage = (topic: string, payload: Buffer) => {
    if (core.isStopped()) return;
    core.countMessage();
    for (const e of tracker.handle(topic, payload, clock())) {
      switch (e.kind) {
        case 'metrics':
          record(e);
          break;
        case 'death': {
          const pts = e.device === undefined ? ofNode.get(e.edgeNode) : ofDevice.get(`${e.edgeNode}/${e.device}`);
          logger.warn({ edgeNode: e.edgeNode, device: e.device, points: pts?.length ?? 0 }, 'sparkplug: death certificate; points marked bad');
          core.markBad(pts ?? []);
          break;
        }
        case 'rebirth-needed':
          requestRebirth(e.edgeNode, e.reason);
          break;
        case 'invalid':
          core.status.requestErrors++;
          logger.warn({ topic, edgeNode: e.edgeNode, device: e.device, problem: e.problem }, 'sparkplug: message ignored');
          if (e.edgeNode !== undefined) core.markBad(ofDevice.get(`${e.edgeNode}/${e.device ?? ''}`) ?? []);
          break;
      }
    }
  };

  const subscribe = (client: MqttClient, reconnected: boolean) => {
    client.subscribe(`${SPARKPLUG_NAMESPACE}/${group}/#`, { qos: 1 }, (err, granted) => {
      if (err || granted?.some((g) => g.qos === 128)) {
        const e = new CollectorError('config_invalid', `subscription refused: ${err?.message ?? 'broker returned 0x80'}`);
        core.noteError(errorInfo(e));
        logger.error({ group, err: e.message }, 'sparkplug subscribe failed');
        return;
      }
      // Messages were lost while away: every known node must re-send its births.
      if (reconnected) for (const node of tracker.knownNodes()) requestRebirth(node, 'reconnected');
    });
  };

  return {
    id,
    protocol: 'mqtt',
    handles: (pointId) => byPoint.has(pointId),

    async start(sink, observer) {
      core.begin(sink, observer);
      session = openMqttSession({
        connection: options.connection,
        clientIdPrefix: 'zcp-sparkplug-host',
        logger,
        random,
        hooks: {
          connected: (client, { reconnected }) => {
            if (reconnected) {
              tracker.forgetSequences();
              lastRebirthAt.clear();
            }
            subscribe(client, reconnected);
            core.setConnected(true);
          },
          disconnected: (err) => core.setConnected(false, err),
          message: onMessage,
        },
      });
    },

    async stop() {
      if (core.isStopped()) return;
      core.end();
      await session?.close();
    },

    async write(pointId, value): Promise<WriteResult> {
      const m = byPoint.get(pointId);
      if (!m) return { ok: false, error: { code: 'unknown_point', message: `point ${pointId} is not mapped by ${id}` } };
      if (!m.writable) return { ok: false, error: { code: 'not_writable', message: `point ${pointId} is read-only` } };
      const client = session?.client;
      if (!client || !session?.isConnected() || core.isStopped()) return { ok: false, error: { code: 'not_connected', message: `${id} is not connected` } };
      let type: SparkplugDataType | undefined = tracker.metricType(m.edgeNode, m.device, m.metric);
      if (!type) {
        // Not born yet (we joined late, or it just died): ask for a birth and give it the write timeout.
        requestRebirth(m.edgeNode, 'write_before_birth');
        await core.waitForValue(pointId, () => true, writeTimeoutMs);
        type = tracker.metricType(m.edgeNode, m.device, m.metric);
      }
      if (!type) return { ok: false, error: { code: 'not_connected', message: `${m.edgeNode}/${m.device ?? ''} has not sent its birth certificate` } };
      const scale = m.scale ?? 1;
      const offset = m.offset ?? 0;
      const raw = storedAs(type, (value - offset) / scale);
      // What the read-back will be once the device holds `raw` (same arithmetic as on receipt).
      const expected = raw * scale + offset;
      const metric: SparkplugMetric = { name: m.metric, type, value: type === 'Boolean' ? raw !== 0 : raw };
      const topic = sparkplugTopic({ group, type: m.device === undefined ? 'NCMD' : 'DCMD', edgeNode: m.edgeNode, device: m.device });
      const readBack = core.waitForValue(pointId, (v) => v === expected, writeTimeoutMs);
      try {
        await client.publishAsync(topic, Buffer.from(encodeSparkplugPayload({ timestamp: clock(), metrics: [metric] })), { qos: 0 });
      } catch (e) {
        const err = errorInfo(e);
        core.noteError(err);
        return { ok: false, error: err };
      }
      const v = await readBack;
      logger.info({ pointId, value, readBack: v }, 'sparkplug write');
      if (v === undefined) {
        const last = core.lastValue(pointId);
        return {
          ok: false,
          ...(last === undefined ? {} : { readBack: last }),
          error: { code: 'timeout', message: `no read-back of ${expected} within ${writeTimeoutMs} ms` },
        };
      }
      return { ok: true, readBack: v };
    },

    status: () => core.snapshot(),
  };
}
