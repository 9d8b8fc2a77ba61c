import sparkplugPayload from 'sparkplug-payload';
import type { TypeStr, UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';

/**
 * Sparkplug B (v3.0) wire helpers: topics `spBv1.0/<group>/<type>/<edge node>[/<device>]` and
 * the protobuf payload via Eclipse Tahu's `sparkplug-payload` codec, with its Long values
 * turned into plain numbers at this boundary.
 */
export const SPARKPLUG_NAMESPACE = 'spBv1.0';
export const REBIRTH_METRIC = 'Node Control/Rebirth';
export const BDSEQ_METRIC = 'bdSeq';
/** Sequence numbers run 0…255 and wrap. */
export const SEQ_MODULO = 256;

export const SPARKPLUG_MESSAGE_TYPES = ['NBIRTH', 'NDEATH', 'NDATA', 'NCMD', 'DBIRTH', 'DDEATH', 'DDATA', 'DCMD'] as const;
export type SparkplugMessageType = (typeof SPARKPLUG_MESSAGE_TYPES)[number];
export type SparkplugDataType = TypeStr;

export interface SparkplugTopic {
  group: string;
  type: SparkplugMessageType;
  edgeNode: string;
  device?: string;
}

export interface SparkplugMetric {
  name?: string;
  alias?: number;
  type?: SparkplugDataType;
  /** Numbers for every numeric type (Int64 as a double), booleans, strings; null when `is_null`. */
  value: number | boolean | string | null | unknown;
  timestamp?: number;
}

export interface SparkplugPayload {
  timestamp?: number;
  seq?: number;
  metrics: SparkplugMetric[];
}

// The package is CommonJS (`exports.get`); under NodeNext the default import is module.exports.
const maybeCodec = sparkplugPayload.get(SPARKPLUG_NAMESPACE);
if (!maybeCodec) throw new Error(`sparkplug-payload does not know ${SPARKPLUG_NAMESPACE}`);
const codec = maybeCodec;

export function parseSparkplugTopic(topic: string): SparkplugTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== SPARKPLUG_NAMESPACE || parts.length < 4 || parts.length > 5) return undefined;
  const [, group, type, edgeNode, device] = parts as [string, string, string, string, string | undefined];
  if (!(SPARKPLUG_MESSAGE_TYPES as readonly string[]).includes(type)) return undefined;
  const isDevice = type.startsWith('D');
  if (isDevice !== (device !== undefined)) return undefined;
  return { group, type: type as SparkplugMessageType, edgeNode, ...(device !== undefined ? { device } : {}) };
}

export function sparkplugTopic(t: SparkplugTopic): string {
  return [SPARKPLUG_NAMESPACE, t.group, t.type, t.edgeNode, ...(t.device !== undefined ? [t.device] : [])].join('/');
}

interface LongLike {
  toNumber(): number;
  toSigned(): LongLike;
}
const isLong = (v: unknown): v is LongLike => v !== null && typeof v === 'object' && typeof (v as { toNumber?: unknown }).toNumber === 'function';
/**
 * Long → number. Int64 travels as an unsigned long; Tahu's decoder makes it signed only when
 * the value is an instance of *its* copy of `long`, which protobufjs's copy is not — so a
 * negative Int64 came out as 2^64 − n. Sign it here.
 */
const toPlain = (v: unknown, type?: string): unknown => {
  if (!isLong(v)) return v;
  return (type === 'Int64' ? v.toSigned() : v).toNumber();
};

/** Decodes a payload (throws on bytes that are not a Sparkplug B payload). */
export function decodeSparkplugPayload(bytes: Uint8Array): SparkplugPayload {
  const p = codec.decodePayload(bytes);
  return {
    ...(p.timestamp != null ? { timestamp: toPlain(p.timestamp) as number } : {}),
    ...(p.seq != null ? { seq: toPlain(p.seq) as number } : {}),
    metrics: (p.metrics ?? []).map((m) => ({
      ...(m.name != null ? { name: m.name } : {}),
      ...(m.alias != null ? { alias: toPlain(m.alias) as number } : {}),
      ...(m.type != null ? { type: m.type } : {}),
      ...(m.timestamp != null ? { timestamp: toPlain(m.timestamp) as number } : {}),
      value: m.isNull ? null : toPlain(m.value, m.type),
    })),
  };
}

export function encodeSparkplugPayload(p: SparkplugPayload): Uint8Array {
  const payload: UPayload = {
    timestamp: p.timestamp,
    seq: p.seq,
    metrics: p.metrics.map(
      (m) =>
        ({
          name: m.name,
          alias: m.alias,
          timestamp: m.timestamp,
          type: m.type ?? 'Double',
          value: m.value as UMetric['value'],
        }) as UMetric,
    ),
  };
  return codec.encodePayload(payload);
}

/** A metric value as a number (booleans 1/0); undefined for null, strings and other types. */
export function metricNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** What a value becomes when stored as `type` (float32 rounding, integer truncation). */
export function storedAs(type: SparkplugDataType | undefined, value: number): number {
  if (type === 'Float') return Math.fround(value);
  if (type === 'Double' || type === undefined) return value;
  if (type === 'Boolean') return value ? 1 : 0;
  return Math.trunc(value);
}
