import {
  BDSEQ_METRIC,
  decodeSparkplugPayload,
  metricNumber,
  parseSparkplugTopic,
  SEQ_MODULO,
  type SparkplugDataType,
  type SparkplugPayload,
} from './sparkplug.js';

export type RebirthReason = 'seq_gap' | 'data_before_birth' | 'unknown_alias' | 'reconnected';

/** What one Sparkplug message means for the host, in order. */
export type SparkplugEvent =
  | {
      kind: 'metrics';
      edgeNode: string;
      device?: string;
      /** `value` undefined: the metric is null or not numeric (strings, datasets…). */
      metrics: { name: string; value: number | undefined; ts: number }[];
    }
  | { kind: 'death'; edgeNode: string; device?: string }
  | { kind: 'rebirth-needed'; edgeNode: string; reason: RebirthReason }
  | { kind: 'invalid'; edgeNode?: string; device?: string; problem: 'undecodable_payload' | 'missing_seq' };

interface MetricTable {
  born: boolean;
  aliases: Map<number, string>;
  types: Map<string, SparkplugDataType>;
}

interface NodeState {
  born: boolean;
  bdSeq?: number;
  /** Last seq seen; undefined after a reconnect until the next message sets it. */
  seq?: number;
  node: MetricTable;
  devices: Map<string, MetricTable>;
}

export interface SparkplugTracker {
  /** Interprets one message of the group (other topics give no events). */
  handle(topic: string, payload: Uint8Array, receivedAt: number): SparkplugEvent[];
  knownNodes(): string[];
  /** After a reconnect, messages were missed: accept the next seq of each node as is. */
  forgetSequences(): void;
  /** The datatype a metric was born with; undefined before its birth. */
  metricType(edgeNode: string, device: string | undefined, metric: string): SparkplugDataType | undefined;
}

const table = (p: SparkplugPayload): MetricTable => {
  const t: MetricTable = { born: true, aliases: new Map(), types: new Map() };
  for (const m of p.metrics) {
    if (m.name === undefined) continue;
    if (m.alias !== undefined) t.aliases.set(m.alias, m.name);
    if (m.type !== undefined) t.types.set(m.name, m.type);
  }
  return t;
};

/**
 * The Sparkplug B host's session state per edge node (spec v3.0 §6–7): births, aliases,
 * datatypes, bdSeq and seq. Pure (no I/O) so the rules are unit-testable; the adapter acts on
 * the events.
 */
export function createSparkplugTracker(options: { group: string }): SparkplugTracker {
  const nodes = new Map<string, NodeState>();

  const metricsOf = (p: SparkplugPayload, t: MetricTable, receivedAt: number) => {
    let unknownAlias = false;
    const out: { name: string; value: number | undefined; ts: number }[] = [];
    for (const m of p.metrics) {
      const name = m.name ?? (m.alias !== undefined ? t.aliases.get(m.alias) : undefined);
      if (name === undefined) {
        unknownAlias = true;
        continue;
      }
      out.push({ name, value: metricNumber(m.value), ts: m.timestamp ?? p.timestamp ?? receivedAt });
    }
    return { out, unknownAlias };
  };

  return {
    handle(topic, bytes, receivedAt) {
      const t = parseSparkplugTopic(topic);
      if (!t || t.group !== options.group || t.type === 'NCMD' || t.type === 'DCMD') return [];
      const { edgeNode, device } = t;
      let p: SparkplugPayload;
      try {
        p = decodeSparkplugPayload(bytes);
      } catch {
        return [{ kind: 'invalid', edgeNode, device, problem: 'undecodable_payload' }];
      }
      const events: SparkplugEvent[] = [];

      if (t.type === 'NBIRTH') {
        const bd = metricNumber(p.metrics.find((m) => m.name === BDSEQ_METRIC)?.value);
        const n: NodeState = { born: true, bdSeq: bd, seq: p.seq ?? 0, node: table(p), devices: new Map() };
        nodes.set(edgeNode, n);
        const { out } = metricsOf(p, n.node, receivedAt);
        events.push({ kind: 'metrics', edgeNode, metrics: out });
        return events;
      }
      const n = nodes.get(edgeNode);
      if (t.type === 'NDEATH') {
        if (!n?.born) return [];
        const bd = metricNumber(p.metrics.find((m) => m.name === BDSEQ_METRIC)?.value);
        // A death certificate of an earlier session (its will fired late): not about the current one.
        if (bd !== undefined && n.bdSeq !== undefined && bd !== n.bdSeq) return [];
        n.born = false;
        n.devices.clear();
        return [{ kind: 'death', edgeNode }];
      }
      if (!n?.born) return [{ kind: 'rebirth-needed', edgeNode, reason: 'data_before_birth' }];
      if (p.seq === undefined) return [{ kind: 'invalid', edgeNode, device, problem: 'missing_seq' }];
      if (n.seq !== undefined && p.seq !== (n.seq + 1) % SEQ_MODULO) events.push({ kind: 'rebirth-needed', edgeNode, reason: 'seq_gap' });
      n.seq = p.seq;

      if (t.type === 'DBIRTH' && device !== undefined) {
        const d = table(p);
        n.devices.set(device, d);
        events.push({ kind: 'metrics', edgeNode, device, metrics: metricsOf(p, d, receivedAt).out });
        return events;
      }
      if (t.type === 'DDEATH' && device !== undefined) {
        const d = n.devices.get(device);
        if (d) d.born = false;
        events.push({ kind: 'death', edgeNode, device });
        return events;
      }
      const tableOf = device === undefined ? n.node : n.devices.get(device);
      if (!tableOf?.born) {
        events.push({ kind: 'rebirth-needed', edgeNode, reason: 'data_before_birth' });
        return events;
      }
      const { out, unknownAlias } = metricsOf(p, tableOf, receivedAt);
      events.push({ kind: 'metrics', edgeNode, device, metrics: out });
      if (unknownAlias) events.push({ kind: 'rebirth-needed', edgeNode, reason: 'unknown_alias' });
      return events;
    },
    knownNodes: () => [...nodes.keys()],
    forgetSequences() {
      for (const n of nodes.values()) n.seq = undefined;
    },
    metricType(edgeNode, device, metric) {
      const n = nodes.get(edgeNode);
      if (!n?.born) return undefined;
      const t = device === undefined ? n.node : n.devices.get(device);
      return t?.born ? t.types.get(metric) : undefined;
    },
  };
}
