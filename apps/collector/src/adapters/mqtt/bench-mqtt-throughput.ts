// Measures how many points/s the MQTT adapters deliver for the whole demo park (1,083 points,
// 289 assets) published by the simulated devices through a broker: JSON (one message per
// asset, publisher QoS 1 and 0) and Sparkplug B (DDATA per device by alias, QoS 0 as the spec
// requires, 11 edge-node connections). Publishers send full-park rounds back to back for a
// few seconds; the adapter's sink counts good readings. One JSON line per run on stdout.
// Run: MQTT_URL=mqtt://127.0.0.1:1883 npx tsx --conditions=source apps/collector/src/adapters/mqtt/bench-mqtt-throughput.ts
// (without MQTT_URL it uses an embedded aedes broker).
// BENCH_CONFIGS picks runs (json-qos1, json-qos0, sparkplug; default all, one after another);
// BENCH_START_AT (epoch ms) holds the measured window until then, so the collector bench can
// measure every protocol in one shared window.
import { demoPark } from '@zcp/model';
import { startEmbeddedMqttBroker } from '../../sim/mqtt-broker.js';
import { startMqttJsonPublisher } from '../../sim/mqtt-json-publisher.js';
import { parkJsonPoints, parkSparkplugPoints } from '../../sim/mqtt-park-mapping.js';
import { startSparkplugEdgeNodes } from '../../sim/mqtt-sparkplug-edge.js';
import { createParkSimulator } from '../../sim/park-simulator.js';
import type { ProtocolAdapter } from '../adapter.js';
import { createMqttJsonAdapter } from './mqtt-json-adapter.js';
import { createSparkplugAdapter } from './sparkplug-adapter.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
/** Full-park rounds the publishers may run ahead of the adapter; BENCH_WINDOW_ROUNDS=0 → open loop. */
const WINDOW_ROUNDS = Number(process.env.BENCH_WINDOW_ROUNDS ?? 4);
const OPEN_LOOP = WINDOW_ROUNDS === 0;
const CONFIGS = (process.env.BENCH_CONFIGS ?? 'json-qos1,json-qos0,sparkplug').split(',');
const START_AT = Number(process.env.BENCH_START_AT ?? 0);
const embedded = process.env.MQTT_URL ? undefined : await startEmbeddedMqttBroker();
const url = process.env.MQTT_URL ?? (embedded?.url as string);
const brokerName = embedded ? 'aedes (embedded)' : 'mosquitto';
const park = demoPark();
const simulator = createParkSimulator({ park, seed: 1 });
const T0 = Date.UTC(2025, 6, 7, 4);
simulator.step(T0);
let simTime = T0;
const tag = `${process.pid}_${Date.now().toString(36)}`;
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** Starts the adapter, runs `round` back to back for DURATION_MS, waits for the tail, reports. */
interface Source {
  round(): Promise<void>;
  extra(): object;
  close(): Promise<void>;
}

async function measure(name: string, adapter: ProtocolAdapter, startSource: () => Promise<Source>) {
  let good = 0;
  let bad = 0;
  let first = 0;
  let last = 0;
  await adapter.start((rs) => {
    const now = performance.now();
    if (first === 0) first = now;
    last = now;
    for (const r of rs) {
      if (r.quality === 'good') good++;
      else bad++;
    }
  });
  while (adapter.status().state !== 'connected') await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200)); // SUBACK
  // Devices start after the adapter listens, so it sees their births (no late-join rebirth in the figure).
  const source = await startSource();
  const { round, extra } = source;
  await new Promise((r) => setTimeout(r, Math.max(300, START_AT - Date.now())));
  good = bad = first = last = 0;
  let rounds = 0;
  const windowStartedAt = Date.now();
  const start = performance.now();
  const base = adapter.status().requests;
  while (performance.now() - start < DURATION_MS) {
    // Closed loop: at most WINDOW_ROUNDS rounds ahead of what the adapter has received, so the
    // figure is what the adapter sustains, not how fast a broker can be made to drop QoS 0.
    const waitUntil = performance.now() + 1000;
    while (!OPEN_LOOP && adapter.status().requests - base < (rounds - WINDOW_ROUNDS) * park.assets.length && performance.now() < waitUntil) {
      await new Promise((r) => setImmediate(r));
    }
    simTime += 1000;
    simulator.step(simTime);
    await round();
    rounds++;
  }
  const publishS = (performance.now() - start) / 1000;
  // Let the broker and the adapter drain: stop when nothing arrived for 500 ms.
  let seen = -1;
  while (seen !== good + bad) {
    seen = good + bad;
    await new Promise((r) => setTimeout(r, 500));
  }
  await adapter.stop();
  await source.close();
  const sent = rounds * park.points.length;
  const deliverS = (last - start) / 1000;
  out({
    bench: name,
    broker: brokerName,
    windowRounds: OPEN_LOOP ? 'open loop' : WINDOW_ROUNDS,
    windowStartedAt,
    ...extra(),
    rounds,
    pointsSent: sent,
    pointsDelivered: good,
    pointsBad: bad,
    lostPct: Number((((sent - good) / sent) * 100).toFixed(2)),
    publishSeconds: Number(publishS.toFixed(2)),
    deliverSeconds: Number(deliverS.toFixed(2)),
    pointsPerS: Math.round(good / deliverS),
    messagesPerS: Math.round((good / park.points.length) * (park.assets.length / deliverS)),
  });
}

for (const qos of ([1, 0] as const).filter((q) => CONFIGS.includes(`json-qos${q}`))) {
  const prefix = `zcpbench_${tag}_q${qos}`;
  const adapter = createMqttJsonAdapter({ connection: { url }, points: parkJsonPoints(park, { prefix }), flushIntervalMs: 100 });
  await measure('mqtt-json', adapter, async () => {
    const pub = await startMqttJsonPublisher({ simulator, connection: { url }, prefix, tickMs: 0, qos });
    await pub.ready();
    return {
      round: () => pub.publishAll(),
      extra: () => ({ publisherQos: qos, subscriptionQos: 1, messagesPerRound: park.assets.length }),
      close: () => pub.close(),
    };
  });
}

if (CONFIGS.includes('sparkplug')) {
  const group = `zcpbench_${tag}`;
  const adapter = createSparkplugAdapter({ connection: { url }, group, points: parkSparkplugPoints(park), flushIntervalMs: 100 });
  await measure('mqtt-sparkplug-b', adapter, async () => {
    const edge = await startSparkplugEdgeNodes({ simulator, connection: { url }, group, tickMs: 0, clock: () => T0 });
    await edge.ready();
    return {
      round: () => edge.publishAll(),
      extra: () => ({ publisherQos: 0, subscriptionQos: 1, edgeNodes: edge.nodeIds.length, messagesPerRound: park.assets.length, nbirths: edge.totalBirths() }),
      close: () => edge.close(),
    };
  });
}
await embedded?.close();
