import type { MqttClient } from 'mqtt';
import { CollectorError, errorInfo } from '../../errors.js';
import { type Logger, silentLogger } from '../../logger.js';
import { type Clock, type Random, systemClock, systemRandom } from '../../system.js';
import type { ProtocolAdapter, WriteResult } from '../adapter.js';
import { baseUnit, type FieldPath, getField, parseFieldPath, parseTimestamp, type TimestampFormat, toNumber, unitFactor } from './json-payload.js';
import { type MqttConnectionOptions, type MqttSession, openMqttSession } from './mqtt-session.js';
import { createPushCore, DEFAULT_FLUSH_INTERVAL_MS } from './push-core.js';
import { isExactTopic, isValidTopicFilter, topicMatches } from './topic-filter.js';

export const DEFAULT_WRITE_TIMEOUT_MS = 5000;

/** Where one model point sits in which device's JSON messages. */
export interface MqttJsonPointMapping {
  pointId: number;
  assetId: string;
  /** The topic (or a filter with + / #) whose messages carry the point. */
  topic: string;
  /** Dot path of the value: `data.power.value`, `values.p_kw`, `readings[0]`. */
  field: string;
  /** Dot path of the timestamp; absent → the adapter's `timestampField`, else receive time. */
  timestampField?: string;
  timestampFormat?: TimestampFormat;
  /** Unit the device sends (`W`, `kWh`, …), converted to `pointUnit` (default: its family's base, e.g. kW). */
  unit?: string;
  /** Dot path of a unit string sent beside the value; wins over `unit`. */
  unitField?: string;
  pointUnit?: string;
  /** value = (raw × scale + offset), then unit conversion. Defaults 1 and 0. */
  scale?: number;
  offset?: number;
  /** A setpoint: `write` publishes `{ [field]: raw }` (default field `value`) here, then waits for the read-back. */
  command?: { topic: string; field?: string };
}

export interface MqttJsonAdapterOptions {
  /** Default `mqtt-json:${url}`. */
  id?: string;
  connection: MqttConnectionOptions;
  points: readonly MqttJsonPointMapping[];
  /** Filters to subscribe; default the distinct point topics. */
  subscriptions?: readonly string[];
  timestampField?: string;
  timestampFormat?: TimestampFormat;
  qos?: 0 | 1 | 2;
  flushIntervalMs?: number;
  /** No message for a point this long (while connected) → delivered once as `stale`. Off by default. */
  staleAfterMs?: number;
  writeTimeoutMs?: number;
  logger?: Logger;
  clock?: Clock;
  random?: Random;
}

interface CompiledPoint {
  m: MqttJsonPointMapping;
  field: FieldPath;
  ts?: FieldPath;
  tsFormat: TimestampFormat;
  unitField?: FieldPath;
  targetUnit?: string;
  staticFactor: number;
  scale: number;
  offset: number;
}

type Problem = 'malformed_json' | 'missing_field' | 'not_a_number' | 'unknown_unit' | 'bad_timestamp';

/**
 * Reads devices that publish JSON over MQTT: each point is mapped to a topic (filters allowed)
 * and a field path; a timestamp field, unit, scale and offset are optional. A malformed message
 * or a missing field marks the affected points bad and logs once (device, topic, point,
 * problem) until they recover — good fields beside a bad one are kept. Subscriptions are QoS 1
 * by default; the connection reconnects with backoff and resubscribes.
 *
 * @example
 * const adapter = createMqttJsonAdapter({ connection: { url: 'mqtt://127.0.0.1:1883' },
 *   points: [{ pointId: 7, assetId: 'bess1', topic: 'site/bess1', field: 'data.p.value', unit: 'W' }] })
 * await adapter.start((readings, { assetId }) => publish(assetId, readings))
 */
export function createMqttJsonAdapter(options: MqttJsonAdapterOptions): ProtocolAdapter {
  const id = options.id ?? `mqtt-json:${options.connection.url}`;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const logger = (options.logger ?? silentLogger).child({ adapter: id });
  const qos = options.qos ?? 1;
  const writeTimeoutMs = options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;

  const compiled = new Map<number, CompiledPoint>();
  const exact = new Map<string, CompiledPoint[]>();
  const patterns: CompiledPoint[] = [];
  const assetOf = new Map<number, string>();
  for (const m of options.points) {
    if (compiled.has(m.pointId)) throw new CollectorError('config_invalid', `point ${m.pointId} is mapped twice`);
    if (!isValidTopicFilter(m.topic)) throw new CollectorError('config_invalid', `point ${m.pointId}: invalid topic '${m.topic}'`);
    const targetUnit = m.pointUnit ?? (m.unit ? baseUnit(m.unit) : undefined);
    const staticFactor = m.unit && targetUnit ? unitFactor(m.unit, targetUnit) : 1;
    if (staticFactor === undefined) throw new CollectorError('config_invalid', `point ${m.pointId}: cannot convert ${m.unit} to ${targetUnit}`);
    const tsField = m.timestampField ?? options.timestampField;
    const c: CompiledPoint = {
      m,
      field: parseFieldPath(m.field),
      ts: tsField ? parseFieldPath(tsField) : undefined,
      tsFormat: m.timestampFormat ?? options.timestampFormat ?? 'auto',
      unitField: m.unitField ? parseFieldPath(m.unitField) : undefined,
      targetUnit,
      staticFactor,
      scale: m.scale ?? 1,
      offset: m.offset ?? 0,
    };
    compiled.set(m.pointId, c);
    assetOf.set(m.pointId, m.assetId);
    if (isExactTopic(m.topic)) exact.set(m.topic, [...(exact.get(m.topic) ?? []), c]);
    else patterns.push(c);
  }
  const subscriptions = [...new Set(options.subscriptions ?? options.points.map((p) => p.topic))];
  if (subscriptions.length === 0) throw new CollectorError('config_invalid', 'no topics to subscribe');
  for (const s of subscriptions) if (!isValidTopicFilter(s)) throw new CollectorError('config_invalid', `invalid subscription '${s}'`);

  const core = createPushCore({
    id,
    protocol: 'mqtt',
    assetOf,
    flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
    staleAfterMs: options.staleAfterMs,
    clock,
    logger,
  });
  const problems = new Map<number, Problem>();
  let session: MqttSession | undefined;

  const problem = (c: CompiledPoint, topic: string, p: Problem, detail?: string) => {
    core.status.requestErrors++;
    if (problems.get(c.m.pointId) === p) return;
    problems.set(c.m.pointId, p);
    logger.warn({ device: c.m.assetId, topic, pointId: c.m.pointId, field: c.m.field, problem: p, detail }, 'mqtt json: point unreadable; marked bad');
  };
  const recovered = (c: CompiledPoint, topic: string) => {
    if (problems.delete(c.m.pointId)) logger.info({ device: c.m.assetId, topic, pointId: c.m.pointId }, 'mqtt json: point readable again');
  };

  const pointsFor = (topic: string): CompiledPoint[] => {
    const hit = exact.get(topic) ?? [];
    if (patterns.length === 0) return hit;
    return [...hit, ...patterns.filter((c) => topicMatches(c.m.topic, topic))];
  };

  const onMessage = (topic: string, payload: Buffer) => {
    if (core.isStopped()) return;
    core.countMessage();
    const points = pointsFor(topic);
    if (points.length === 0) return;
    const receivedAt = clock();
    let doc: unknown;
    try {
      doc = JSON.parse(payload.toString('utf8'));
    } catch (e) {
      for (const c of points) {
        problem(c, topic, 'malformed_json', errorInfo(e).message);
        core.record(c.m.pointId, 0, 'bad', receivedAt);
      }
      return;
    }
    for (const c of points) {
      const rawField = getField(doc, c.field);
      const raw = toNumber(rawField);
      if (raw === undefined) {
        problem(c, topic, rawField === undefined ? 'missing_field' : 'not_a_number');
        core.record(c.m.pointId, 0, 'bad', receivedAt);
        continue;
      }
      let factor = c.staticFactor;
      if (c.unitField) {
        const u = getField(doc, c.unitField);
        if (typeof u === 'string') {
          const f = unitFactor(u, c.targetUnit ?? baseUnit(u));
          if (f === undefined) {
            problem(c, topic, 'unknown_unit', u);
            core.record(c.m.pointId, 0, 'bad', receivedAt);
            continue;
          }
          factor = f;
        }
      }
      let ts = receivedAt;
      if (c.ts) {
        const t = parseTimestamp(getField(doc, c.ts), c.tsFormat);
        if (t === undefined) problem(c, topic, 'bad_timestamp');
        else ts = t;
      }
      recovered(c, topic);
      core.record(c.m.pointId, (raw * c.scale + c.offset) * factor, 'good', ts);
    }
  };

  const subscribe = (client: MqttClient) => {
    client.subscribe(subscriptions, { qos }, (err, granted) => {
      if (err || granted?.some((g) => g.qos === 128)) {
        const e = new CollectorError('config_invalid', `subscription refused: ${err?.message ?? 'broker returned 0x80'}`);
        core.noteError(errorInfo(e));
        logger.error({ subscriptions, err: e.message }, 'mqtt subscribe failed');
      }
    });
  };

  return {
    id,
    protocol: 'mqtt',
    handles: (pointId) => compiled.has(pointId),

    async start(sink, observer) {
      core.begin(sink, observer);
      session = openMqttSession({
        connection: options.connection,
        clientIdPrefix: 'zcp-json',
        logger,
        random,
        hooks: {
          connected: (client) => {
            subscribe(client);
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
      const c = compiled.get(pointId);
      if (!c) return { ok: false, error: { code: 'unknown_point', message: `point ${pointId} is not mapped by ${id}` } };
      if (!c.m.command) return { ok: false, error: { code: 'not_writable', message: `point ${pointId} has no command topic` } };
      const client = session?.client;
      if (!client || !session?.isConnected() || core.isStopped()) return { ok: false, error: { code: 'not_connected', message: `${id} is not connected` } };
      const raw = (value / c.staticFactor - c.offset) / c.scale;
      const close = (v: number) => Math.abs(v - value) <= 1e-9 * Math.max(1, Math.abs(value));
      // Listen before publishing: a fast device may republish before our PUBACK arrives.
      const readBack = core.waitForValue(pointId, close, writeTimeoutMs);
      try {
        await client.publishAsync(c.m.command.topic, JSON.stringify({ [c.m.command.field ?? 'value']: raw }), { qos });
      } catch (e) {
        const err = errorInfo(e);
        core.noteError(err);
        logger.warn({ pointId, value, err: err.message }, 'mqtt json command publish failed');
        return { ok: false, error: err };
      }
      const v = await readBack;
      logger.info({ pointId, value, readBack: v }, 'mqtt json write');
      if (v === undefined) {
        const last = core.lastValue(pointId);
        return {
          ok: false,
          ...(last === undefined ? {} : { readBack: last }),
          error: { code: 'timeout', message: `no read-back of ${value} within ${writeTimeoutMs} ms` },
        };
      }
      return { ok: true, readBack: v };
    },

    status: () => core.snapshot(),
  };
}
