// Measures how many points/s the OPC UA adapter delivers from the simulated demo park with
// all 1,083 points subscribed. The simulator steps every sampling interval (noon, so nearly
// every value moves), so the offered load is "changed values per second"; the adapter should
// deliver all of them. One JSON line per configuration, then one summary line.
// BENCH_CONFIGS picks runs as `security@intervalMs` (e.g. `SignAndEncrypt@100`; default all
// four); BENCH_START_AT (epoch ms) holds the measured window until then (see the MQTT bench).
// Run: npx tsx --conditions=source apps/collector/src/adapters/opcua/bench-opcua-throughput.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPark } from '@zcp/model';
import { startOpcuaFieldServer } from '../../sim/opcua-field/opcua-field-server.js';
import { opcuaNodeIdOf } from '../../sim/opcua-field/opcua-naming.js';
import { createParkSimulator } from '../../sim/park-simulator.js';
import type { PollReport } from '../adapter.js';
import { createOpcuaAdapter } from './opcua-adapter.js';
import type { OpcuaSecurityMode, OpcuaSecurityPolicy } from './opcua-options.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const NOON_MS = Date.UTC(2025, 6, 7, 4);
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

const park = demoPark();
const simulator = createParkSimulator({ park, seed: 1 });
const wallStart = Date.now();
const simNow = () => NOON_MS + (Date.now() - wallStart);
simulator.step(simNow());
const dir = await mkdtemp(join(tmpdir(), 'zcp-opcua-bench-'));
const server = await startOpcuaFieldServer({ simulator, pkiDir: join(dir, 'server-pki'), minimumSamplingIntervalMs: 50 });
const nodes = park.points.map((p) => ({ nodeId: opcuaNodeIdOf(p), pointId: p.id, assetId: p.assetId }));

const configs: { intervalMs: number; securityMode: OpcuaSecurityMode; securityPolicy: OpcuaSecurityPolicy }[] = [
  { intervalMs: 250, securityMode: 'None', securityPolicy: 'None' },
  { intervalMs: 100, securityMode: 'None', securityPolicy: 'None' },
  { intervalMs: 100, securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' },
  // The server's sampling floor: probes where the adapter (or the server) stops keeping up.
  { intervalMs: 50, securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' },
];
const START_AT = Number(process.env.BENCH_START_AT ?? 0);
const picked = process.env.BENCH_CONFIGS?.split(',');
const results: object[] = [];
for (const c of configs.filter((c) => !picked || picked.includes(`${c.securityMode}@${c.intervalMs}`))) {
  // Offered load: values that actually changed per simulator step.
  let changed = 0;
  let previous = new Map(simulator.values());
  const ticker = setInterval(() => {
    simulator.step(simNow());
    const now = simulator.values();
    for (const [id, v] of now) if (previous.get(id) !== v) changed++;
    previous = new Map(now);
  }, c.intervalMs);

  const reports: PollReport[] = [];
  let delivered = 0;
  const adapter = createOpcuaAdapter({
    endpointUrl: server.endpointUrl,
    pkiDir: join(dir, 'client-pki'),
    securityMode: c.securityMode,
    securityPolicy: c.securityPolicy,
    nodes,
    samplingIntervalMs: c.intervalMs,
    publishingIntervalMs: c.intervalMs,
  });
  const t0 = performance.now();
  let firstCompleteMs: number | undefined;
  await adapter.start(
    (readings) => {
      delivered += readings.length;
    },
    {
      pollCompleted: (r) => {
        reports.push(r);
        if (firstCompleteMs === undefined && r.pointsGood >= park.points.length) firstCompleteMs = performance.now() - t0;
      },
    },
  );
  // Steady state only: start counting after the initial values are in.
  while (firstCompleteMs === undefined) await new Promise((r) => setTimeout(r, 20));
  if (START_AT > Date.now()) await new Promise((r) => setTimeout(r, START_AT - Date.now()));
  const deliveredAt0 = delivered;
  changed = 0;
  const windowStartedAt = Date.now();
  const m0 = performance.now();
  await new Promise((r) => setTimeout(r, DURATION_MS));
  const elapsedS = (performance.now() - m0) / 1000;
  const steady = delivered - deliveredAt0;
  const offered = changed;
  clearInterval(ticker);
  await adapter.stop();
  const result = {
    bench: 'opcua-adapter-throughput',
    points: park.points.length,
    samplingIntervalMs: c.intervalMs,
    publishingIntervalMs: c.intervalMs,
    security: `${c.securityMode}/${c.securityPolicy}`,
    windowStartedAt,
    subscribeToFirstCompleteMs: Math.round(firstCompleteMs),
    deliveredPointsPerS: Math.round(steady / elapsedS),
    offeredChangesPerS: Math.round(offered / elapsedS),
    cycles: reports.length,
    badPoints: reports.reduce((s, r) => s + r.pointsBad, 0),
    node: process.version,
  };
  results.push(result);
  out(result);
}
await server.close();
await rm(dir, { recursive: true, force: true });
out({
  bench: 'opcua-adapter-throughput',
  summary: results
    .map((r) => r as { security: string; samplingIntervalMs: number; deliveredPointsPerS: number })
    .map((r) => `${r.security}@${r.samplingIntervalMs}ms: ${r.deliveredPointsPerS} points/s`),
});
// Everything is closed: the process must exit on its own (a leaked node-opcua timer would keep it alive).
