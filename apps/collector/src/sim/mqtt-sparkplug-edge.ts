import type { MqttClient } from 'mqtt';
import { type MqttConnectionOptions, type MqttSession, openMqttSession } from '../adapters/mqtt/mqtt-session.js';
import {
  BDSEQ_METRIC,
  decodeSparkplugPayload,
  encodeSparkplugPayload,
  REBIRTH_METRIC,
  SEQ_MODULO,
  type SparkplugMessageType,
  type SparkplugMetric,
  sparkplugTopic,
} from '../adapters/mqtt/sparkplug.js';
import { errorInfo } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import type { Clock } from '../system.js';
import { DEMO_SPARKPLUG_GROUP, pointsByAsset, sparkplugNodeOf } from './mqtt-park-mapping.js';
import type { ParkSimulator } from './park-simulator.js';

export interface SparkplugEdgeOptions {
  simulator: ParkSimulator;
  connection: MqttConnectionOptions;
  /** Publish DDATA for every device this often; 0 = only on `publishAll`. */
  tickMs: number;
  group?: string;
  assetIds?: ReadonlySet<string>;
  clock: Clock;
  logger?: Logger;
}

export interface SparkplugEdgeNodes {
  readonly nodeIds: readonly string[];
  ready(): Promise<void>;
  /** One DDATA per device of every node. */
  publishAll(): Promise<void>;
  /** NBIRTH messages sent so far (first births and rebirths), per node. */
  births(node: string): number;
  /** NBIRTH messages of all nodes. */
  totalBirths(): number;
  published(): number;
  /** Test hook: the node's next message skips one seq number (a lost message). */
  skipSeq(node: string): void;
  /** Test hook: drops the node's TCP connection without DISCONNECT, so the broker sends its will (NDEATH). */
  dropConnection(node: string): void;
  close(): Promise<void>;
}

interface EdgeNode {
  id: string;
  session: MqttSession;
  client?: MqttClient;
  bdSeq: number;
  seq: number;
  births: number;
  /** device → [metric name, point id, alias]. */
  devices: Map<string, { name: string; pointId: number; alias: number }[]>;
  ready: Promise<void>;
}

/**
 * The simulated park as Sparkplug B edge nodes: one MQTT client per enterprise (plus `park`),
 * one device per asset, Double metrics named after the point's metric. Each connection sends
 * NBIRTH (bdSeq, `Node Control/Rebirth`) and DBIRTH (names, aliases, values), then DDATA by
 * alias every tick; its will is an NDEATH with the same bdSeq. It honours a rebirth NCMD and a
 * `setpoint_kw` DCMD (→ `simulator.setSetpoint`, then republishes at once for the read-back).
 *
 * @example
 * const edge = await startSparkplugEdgeNodes({ simulator, connection: { url }, tickMs: 1000, clock: Date.now })
 */
export async function startSparkplugEdgeNodes(options: SparkplugEdgeOptions): Promise<SparkplugEdgeNodes> {
  const { simulator, clock } = options;
  const group = options.group ?? DEMO_SPARKPLUG_GROUP;
  const logger = (options.logger ?? silentLogger).child({ component: 'sparkplug-edge' });
  const assets = new Map(simulator.park.assets.map((a) => [a.id, a]));
  const byAsset = pointsByAsset(simulator.park, options.assetIds);
  const layout = new Map<string, Map<string, { name: string; pointId: number; alias: number }[]>>();
  for (const [assetId, points] of byAsset) {
    const node = sparkplugNodeOf(assets.get(assetId) ?? { enterpriseId: null });
    let devices = layout.get(node);
    if (!devices) {
      devices = new Map();
      layout.set(node, devices);
    }
    devices.set(
      assetId,
      points.map((p) => ({ name: p.metric, pointId: p.id, alias: 0 })),
    );
  }
  let count = 0;

  const publish = (n: EdgeNode, type: SparkplugMessageType, device: string | undefined, metrics: SparkplugMetric[], withSeq = true) => {
    const c = n.client;
    if (!c?.connected) return Promise.resolve();
    const seq = withSeq ? n.seq : undefined;
    if (withSeq) n.seq = (n.seq + 1) % SEQ_MODULO;
    const bytes = encodeSparkplugPayload({ timestamp: clock(), seq, metrics });
    count++;
    return c.publishAsync(sparkplugTopic({ group, type, edgeNode: n.id, device }), Buffer.from(bytes), { qos: 0 }).then(() => {});
  };
  const deviceMetrics = (n: EdgeNode, device: string, birth: boolean): SparkplugMetric[] =>
    (n.devices.get(device) ?? []).map((m) => ({
      ...(birth ? { name: m.name } : {}),
      alias: m.alias,
      type: 'Double',
      value: simulator.value(m.pointId) ?? 0,
    }));
  const birth = async (n: EdgeNode) => {
    n.seq = 0;
    n.births++;
    // Issued synchronously, in order: no DDATA of a tick can slip between NBIRTH and a DBIRTH.
    const sent = [
      publish(n, 'NBIRTH', undefined, [
        { name: BDSEQ_METRIC, type: 'Int64', value: n.bdSeq },
        { name: REBIRTH_METRIC, type: 'Boolean', value: false },
      ]),
      ...[...n.devices.keys()].map((device) => publish(n, 'DBIRTH', device, deviceMetrics(n, device, true))),
    ];
    await Promise.all(sent);
  };
  const dataOf = (n: EdgeNode, device: string) => publish(n, 'DDATA', device, deviceMetrics(n, device, false));
  const deathPayload = (bdSeq: number) =>
    Buffer.from(encodeSparkplugPayload({ timestamp: clock(), metrics: [{ name: BDSEQ_METRIC, type: 'Int64', value: bdSeq }] }));

  const onCommand = (n: EdgeNode, topic: string, bytes: Buffer) => {
    try {
      const p = decodeSparkplugPayload(bytes);
      const device = topic.split('/')[4];
      if (device === undefined) {
        if (p.metrics.some((m) => m.name === REBIRTH_METRIC && m.value === true)) {
          logger.info({ node: n.id }, 'rebirth requested');
          void birth(n);
        }
        return;
      }
      const aliases = new Map((n.devices.get(device) ?? []).map((m) => [m.alias, m.name]));
      for (const m of p.metrics) {
        const name = m.name ?? (m.alias !== undefined ? aliases.get(m.alias) : undefined);
        if (name === 'setpoint_kw' && typeof m.value === 'number') {
          simulator.setSetpoint(device, m.value);
          logger.info({ node: n.id, device, kw: m.value }, 'setpoint command applied');
          void dataOf(n, device);
        }
      }
    } catch (e) {
      logger.warn({ node: n.id, topic, err: errorInfo(e).message }, 'command refused');
    }
  };

  const nodes = new Map<string, EdgeNode>();
  let alias = 1;
  for (const [nodeId, devices] of layout) {
    for (const metrics of devices.values()) for (const m of metrics) m.alias = alias++;
    let readyResolve: () => void = () => {};
    const n: EdgeNode = {
      id: nodeId,
      bdSeq: 0,
      seq: 0,
      births: 0,
      devices,
      ready: new Promise<void>((r) => {
        readyResolve = r;
      }),
      session: undefined as unknown as MqttSession,
    };
    let connections = 0;
    n.session = openMqttSession({
      connection: options.connection,
      clientIdPrefix: `zcp-edge-${nodeId}`,
      logger,
      will: { topic: sparkplugTopic({ group, type: 'NDEATH', edgeNode: nodeId }), payload: deathPayload(0), qos: 1, retain: false },
      hooks: {
        // bdSeq counts MQTT sessions: the will registered now and the NBIRTH that follows share it.
        beforeConnect: (o) => {
          n.bdSeq = connections++ % SEQ_MODULO;
          if (o.will) o.will.payload = deathPayload(n.bdSeq);
        },
        connected: (c) => {
          n.client = c;
          c.subscribe(
            [sparkplugTopic({ group, type: 'NCMD', edgeNode: nodeId }), `${sparkplugTopic({ group, type: 'DCMD', edgeNode: nodeId, device: '+' })}`],
            { qos: 0 },
            () => {
              birth(n).then(readyResolve, (e) => logger.warn({ node: nodeId, err: errorInfo(e).message }, 'birth failed'));
            },
          );
        },
        disconnected: () => {},
        message: (topic, payload) => onCommand(n, topic, payload),
      },
    });
    nodes.set(nodeId, n);
  }

  const publishAll = async () => {
    await Promise.all([...nodes.values()].flatMap((n) => [...n.devices.keys()].map((d) => dataOf(n, d))));
  };
  const timer =
    options.tickMs > 0
      ? setInterval(() => {
          publishAll().catch((e) => logger.warn({ err: errorInfo(e).message }, 'sparkplug publish failed'));
        }, options.tickMs)
      : undefined;

  return {
    nodeIds: [...nodes.keys()],
    ready: async () => {
      await Promise.all([...nodes.values()].map((n) => n.ready));
    },
    publishAll,
    births: (node) => nodes.get(node)?.births ?? 0,
    totalBirths: () => [...nodes.values()].reduce((sum, n) => sum + n.births, 0),
    published: () => count,
    skipSeq(node) {
      const n = nodes.get(node);
      if (n) n.seq = (n.seq + 1) % SEQ_MODULO;
    },
    dropConnection(node) {
      nodes.get(node)?.client?.stream.destroy();
    },
    async close() {
      clearInterval(timer);
      await Promise.all([...nodes.values()].map((n) => n.session.close()));
    },
  };
}
