// `npm run bench:collector`: points/s per protocol through the collector on this machine,
// CPU per 10k points/s, and a final JSON line `{ points_per_s, protocols: {…} }`.
//
// Modbus TCP: the simulated demo park (1,083 points, 11 units) served by SERVERS child-process
// servers; the collector reads them with one adapter per connection (units split across
// CONNECTIONS per server), polling back to back, through the full collector path (sanity
// checks, TelemetryBatch encoding, publish to the in-process bus). CPU = this process only.
// OPC UA and MQTT: their own benches (src/adapters/*/bench-*-throughput.ts) run as children;
// their CPU is the whole child (simulator and, for MQTT, the embedded broker included).
//
// Env: BENCH_DURATION_MS (5000), BENCH_MODBUS_SERVERS (8), BENCH_MODBUS_CONNECTIONS (4 per
// server), BENCH_PROTOCOLS (modbus-tcp,opc-ua,mqtt).
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createMemoryBus } from '@zcp/bus';
import { demoPark, telemetryStream } from '@zcp/model';
import { Registry } from 'prom-client';
import type { ProtocolAdapter } from '../adapters/adapter.js';
import { createModbusTcpAdapter } from '../adapters/modbus/modbus-tcp-adapter.js';
import { createCollector } from '../collector.js';
import { silentLogger } from '../logger.js';
import { planReads } from '../modbus/read-plan.js';
import { buildRegisterMap, type RegisterMap, registerCount } from '../modbus/register-map.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const WARMUP_MS = 1000;
const SERVERS = Number(process.env.BENCH_MODBUS_SERVERS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_MODBUS_CONNECTIONS ?? 4);
const PROTOCOLS = (process.env.BENCH_PROTOCOLS ?? 'modbus-tcp,opc-ua,mqtt').split(',');
const TSX = ['--conditions=source', '--import', 'tsx'];
const out = (line: string) => process.stdout.write(`${line}\n`);

interface ProtocolResult {
  points_per_s: number;
  cpu_cores: number | null;
  cpu_cores_per_10k_points_per_s: number | null;
  [k: string]: unknown;
}

function splitUnits(map: RegisterMap, parts: number): RegisterMap[] {
  const units = [...new Set(map.entries.map((e) => e.unitId))];
  return Array.from({ length: Math.min(parts, units.length) }, (_, i) => ({
    ...map,
    entries: map.entries.filter((e) => units.indexOf(e.unitId) % parts === i),
  }));
}

async function benchModbus(): Promise<ProtocolResult> {
  const child = spawn(process.execPath, [...TSX, fileURLToPath(new URL('./sim-devices.ts', import.meta.url)), String(SERVERS)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulated devices exited (${code})`)));
  });
  const { servers } = JSON.parse(first) as { servers: { host: string; port: number }[] };
  const park = demoPark();
  const map = buildRegisterMap(park);
  const bus = createMemoryBus();
  await bus.ensureStream({ ...telemetryStream(park.id), maxBytes: 256 * 1024 * 1024 });
  const adapters: ProtocolAdapter[] = servers.flatMap((s, si) =>
    splitUnits(map, CONNECTIONS).map((registerMap, ci) =>
      createModbusTcpAdapter({ id: `bench-${si}-${ci}`, host: s.host, port: s.port, registerMap, pollIntervalMs: 1, logger: silentLogger }),
    ),
  );
  const collector = createCollector({ park, bus, logger: silentLogger, adapters, metrics: new Registry(), publishConcurrency: 64, ensureStream: false });
  await collector.start();
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const snap = () => {
    const st = collector.stats();
    return { readings: st.readingsReceived, requests: st.adapters.reduce((s, a) => s + a.requests, 0), bad: st.adapters.reduce((s, a) => s + a.pointsBad, 0) };
  };
  const a = snap();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, DURATION_MS));
  const cpu = process.cpuUsage(cpu0);
  const elapsedS = (performance.now() - t0) / 1000;
  const b = snap();
  await collector.stop();
  await bus.close();
  child.stdin.end();
  await new Promise((r) => child.once('exit', r));
  const points = b.readings - a.readings;
  const pps = points / elapsedS;
  const cores = (cpu.user + cpu.system) / 1e6 / elapsedS;
  const requests = b.requests - a.requests;
  return {
    points_per_s: Math.round(pps),
    cpu_cores: Number(cores.toFixed(3)),
    cpu_cores_per_10k_points_per_s: Number(((cores / pps) * 10_000).toFixed(3)),
    connections: adapters.length,
    servers: SERVERS,
    requests_per_s: Math.round(requests / elapsedS),
    requests_per_point: Number((requests / points).toFixed(4)),
    points_per_request: Number((points / requests).toFixed(1)),
    requests_per_full_park_poll: planReads(map.entries).length,
    registers_per_park: map.entries.reduce((s, e) => s + registerCount(e), 0),
    bad_points: b.bad - a.bad,
  };
}

/** Runs another protocol's bench script; returns its JSON lines and its whole-process CPU. */
async function runChildBench(script: string): Promise<{ lines: Record<string, unknown>[]; cpuS: number; wallS: number }> {
  const cpuProbe = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stdout.write(JSON.stringify({__cpu:(u.user+u.system)/1e6,__wall:process.uptime()})+'\\n')})`;
  const child = spawn(process.execPath, [...TSX, '--import', cpuProbe, fileURLToPath(new URL(script, import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_DURATION_MS: String(DURATION_MS) },
  });
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      // not a result line
    }
  });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
  const cpu = lines.find((l) => '__cpu' in l) as { __cpu: number; __wall: number } | undefined;
  return { lines: lines.filter((l) => !('__cpu' in l)), cpuS: cpu?.__cpu ?? Number.NaN, wallS: cpu?.__wall ?? Number.NaN };
}

async function benchOpcua(): Promise<ProtocolResult> {
  const { lines, cpuS, wallS } = await runChildBench('../adapters/opcua/bench-opcua-throughput.ts');
  const runs = lines.filter((l) => typeof l.deliveredPointsPerS === 'number') as {
    deliveredPointsPerS: number;
    security: string;
    samplingIntervalMs: number;
  }[];
  const best = runs.reduce((m, r) => (r.deliveredPointsPerS > m.deliveredPointsPerS ? r : m));
  return {
    points_per_s: best.deliveredPointsPerS,
    cpu_cores: Number((cpuS / wallS).toFixed(3)),
    cpu_cores_per_10k_points_per_s: null,
    best_config: `${best.security}@${best.samplingIntervalMs}ms`,
    runs: runs.map((r) => ({ config: `${r.security}@${r.samplingIntervalMs}ms`, points_per_s: r.deliveredPointsPerS })),
    note: 'subscriptions; delivered changes/s of 1,083 points; CPU = whole child incl. server (not per 10k)',
  };
}

async function benchMqtt(): Promise<ProtocolResult> {
  const { lines, cpuS, wallS } = await runChildBench('../adapters/mqtt/bench-mqtt-throughput.ts');
  const runs = lines.filter((l) => typeof l.pointsPerS === 'number') as { bench: string; pointsPerS: number; publisherQos?: number }[];
  const best = runs.reduce((m, r) => (r.pointsPerS > m.pointsPerS ? r : m));
  return {
    points_per_s: best.pointsPerS,
    cpu_cores: Number((cpuS / wallS).toFixed(3)),
    cpu_cores_per_10k_points_per_s: null,
    best_config: `${best.bench}${best.publisherQos === undefined ? '' : ` qos${best.publisherQos}`}`,
    runs: runs.map((r) => ({ config: `${r.bench}${r.publisherQos === undefined ? '' : ` qos${r.publisherQos}`}`, points_per_s: r.pointsPerS })),
    note: 'closed loop through a broker; CPU = whole child incl. publishers and broker (not per 10k)',
  };
}

const benches: Record<string, () => Promise<ProtocolResult>> = { 'modbus-tcp': benchModbus, 'opc-ua': benchOpcua, mqtt: benchMqtt };
const results: Record<string, ProtocolResult | { error: string }> = {};
out(`collector bench: ${DURATION_MS} ms per protocol, node ${process.version}, ${cpus().length} CPUs`);
for (const name of PROTOCOLS) {
  const run = benches[name];
  if (!run) {
    out(`${name}: unknown protocol (known: ${Object.keys(benches).join(', ')})`);
    continue;
  }
  try {
    const r = await run();
    results[name] = r;
    const cpu =
      r.cpu_cores_per_10k_points_per_s === null
        ? `CPU ${r.cpu_cores} cores (whole child process)`
        : `CPU ${r.cpu_cores} cores = ${r.cpu_cores_per_10k_points_per_s} cores per 10k points/s`;
    const extra =
      name === 'modbus-tcp'
        ? `, ${r.connections} connections, ${r.requests_per_point} requests per point (${r.points_per_request} points per request)`
        : ` (${r.best_config})`;
    out(`${name}: ${r.points_per_s} points/s, ${cpu}${extra}`);
  } catch (e) {
    results[name] = { error: (e as Error).message };
    out(`${name}: FAILED: ${(e as Error).message}`);
  }
}
const total = Object.values(results).reduce((s, r) => s + ('points_per_s' in r ? r.points_per_s : 0), 0);
out(
  JSON.stringify({
    bench: 'collector',
    points_per_s: total,
    total_is: 'sum of the per-protocol runs, which run one after another (not concurrently)',
    duration_ms: DURATION_MS,
    cpus: cpus().length,
    node: process.version,
    protocols: results,
  }),
);
