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
// Two phases (BENCH_MODE=both, the default; or `sequential` / `concurrent`):
// - sequential: each protocol alone, OPC UA and MQTT through all their configurations — what
//   one protocol can do with the machine to itself;
// - concurrent: every protocol at once in one shared measured window (BENCH_START_AT handed to
//   the children), OPC UA at SignAndEncrypt@100 ms and MQTT JSON (BENCH_CONCURRENT_* to
//   change). Its total is the headline `points_per_s`: what the machine sustains across
//   protocols, with the simulated devices and the broker competing for the same 2 cores.
//
// Env: BENCH_DURATION_MS (5000), BENCH_MODBUS_SERVERS (8), BENCH_MODBUS_CONNECTIONS (4 per
// server), BENCH_PROTOCOLS (modbus-tcp,opc-ua,mqtt), BENCH_CONCURRENT_OPCUA
// (SignAndEncrypt@100), BENCH_CONCURRENT_MQTT (json-qos1), BENCH_SETUP_MS (12000: time
// before the shared window opens).
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
const MODE = process.env.BENCH_MODE ?? 'both';
const SETUP_MS = Number(process.env.BENCH_SETUP_MS ?? 12_000);
const CONCURRENT_CONFIGS: Record<string, string> = {
  'opc-ua': process.env.BENCH_CONCURRENT_OPCUA ?? 'SignAndEncrypt@100',
  mqtt: process.env.BENCH_CONCURRENT_MQTT ?? 'json-qos1',
};
const TSX = ['--conditions=source', '--import', 'tsx'];
const out = (line: string) => process.stdout.write(`${line}\n`);

interface ProtocolResult {
  points_per_s: number;
  /** Epoch ms the measured window opened (to check that concurrent windows overlap). */
  window_started_at: number;
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

/** How a run is placed: alone (its own warm-up), or in a shared window opening at `startAt`. */
interface RunPlan {
  startAt?: number;
  configs?: string;
}

async function benchModbus(plan: RunPlan): Promise<ProtocolResult> {
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
  await new Promise((r) => setTimeout(r, plan.startAt === undefined ? WARMUP_MS : Math.max(0, plan.startAt - Date.now())));
  const windowStartedAt = Date.now();
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
    window_started_at: windowStartedAt,
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
async function runChildBench(script: string, plan: RunPlan): Promise<{ lines: Record<string, unknown>[]; cpuS: number; wallS: number }> {
  const cpuProbe = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stdout.write(JSON.stringify({__cpu:(u.user+u.system)/1e6,__wall:process.uptime()})+'\\n')})`;
  const child = spawn(process.execPath, [...TSX, '--import', cpuProbe, fileURLToPath(new URL(script, import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      BENCH_DURATION_MS: String(DURATION_MS),
      ...(plan.startAt === undefined ? {} : { BENCH_START_AT: String(plan.startAt) }),
      ...(plan.configs === undefined ? {} : { BENCH_CONFIGS: plan.configs }),
    },
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

async function benchOpcua(plan: RunPlan): Promise<ProtocolResult> {
  const { lines, cpuS, wallS } = await runChildBench('../adapters/opcua/bench-opcua-throughput.ts', plan);
  const runs = lines.filter((l) => typeof l.deliveredPointsPerS === 'number') as {
    deliveredPointsPerS: number;
    windowStartedAt: number;
    security: string;
    samplingIntervalMs: number;
  }[];
  const best = runs.reduce((m, r) => (r.deliveredPointsPerS > m.deliveredPointsPerS ? r : m));
  return {
    points_per_s: best.deliveredPointsPerS,
    window_started_at: best.windowStartedAt,
    cpu_cores: Number((cpuS / wallS).toFixed(3)),
    cpu_cores_per_10k_points_per_s: null,
    best_config: `${best.security}@${best.samplingIntervalMs}ms`,
    runs: runs.map((r) => ({ config: `${r.security}@${r.samplingIntervalMs}ms`, points_per_s: r.deliveredPointsPerS })),
    note: 'subscriptions; delivered changes/s of 1,083 points; CPU = whole child incl. server (not per 10k)',
  };
}

async function benchMqtt(plan: RunPlan): Promise<ProtocolResult> {
  const { lines, cpuS, wallS } = await runChildBench('../adapters/mqtt/bench-mqtt-throughput.ts', plan);
  const runs = lines.filter((l) => typeof l.pointsPerS === 'number') as { bench: string; pointsPerS: number; publisherQos?: number; windowStartedAt: number }[];
  const best = runs.reduce((m, r) => (r.pointsPerS > m.pointsPerS ? r : m));
  return {
    points_per_s: best.pointsPerS,
    window_started_at: best.windowStartedAt,
    cpu_cores: Number((cpuS / wallS).toFixed(3)),
    cpu_cores_per_10k_points_per_s: null,
    best_config: `${best.bench}${best.publisherQos === undefined ? '' : ` qos${best.publisherQos}`}`,
    runs: runs.map((r) => ({ config: `${r.bench}${r.publisherQos === undefined ? '' : ` qos${r.publisherQos}`}`, points_per_s: r.pointsPerS })),
    note: 'closed loop through a broker; CPU = whole child incl. publishers and broker (not per 10k)',
  };
}

const benches: Record<string, (plan: RunPlan) => Promise<ProtocolResult>> = { 'modbus-tcp': benchModbus, 'opc-ua': benchOpcua, mqtt: benchMqtt };
type Results = Record<string, ProtocolResult | { error: string }>;
const totalOf = (results: Results) => Object.values(results).reduce((s, r) => s + ('points_per_s' in r ? r.points_per_s : 0), 0);

function report(name: string, r: ProtocolResult): void {
  const cpu =
    r.cpu_cores_per_10k_points_per_s === null
      ? `CPU ${r.cpu_cores} cores (whole child process)`
      : `CPU ${r.cpu_cores} cores = ${r.cpu_cores_per_10k_points_per_s} cores per 10k points/s`;
  const extra =
    name === 'modbus-tcp'
      ? `, ${r.connections} connections, ${r.requests_per_point} requests per point (${r.points_per_request} points per request)`
      : ` (${r.best_config})`;
  out(`  ${name}: ${r.points_per_s} points/s, ${cpu}${extra}`);
}

async function sequential(): Promise<Results> {
  out('sequential: each protocol alone');
  const results: Results = {};
  for (const name of PROTOCOLS) {
    const run = benches[name];
    if (!run) {
      out(`  ${name}: unknown protocol (known: ${Object.keys(benches).join(', ')})`);
      continue;
    }
    try {
      const r = await run({});
      results[name] = r;
      report(name, r);
    } catch (e) {
      results[name] = { error: (e as Error).message };
      out(`  ${name}: FAILED: ${(e as Error).message}`);
    }
  }
  return results;
}

/** Busy cores of the whole machine between two samples of os.cpus(). */
function machineCpu(): () => number {
  const sum = () =>
    cpus().reduce(
      (a, c) => ({
        busy: a.busy + c.times.user + c.times.nice + c.times.sys + c.times.irq,
        all: a.all + c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle,
      }),
      { busy: 0, all: 0 },
    );
  const a = sum();
  return () => {
    const b = sum();
    return ((b.busy - a.busy) / (b.all - a.all)) * cpus().length;
  };
}

async function concurrent(): Promise<{ results: Results; windowSkewMs: number; machineCores: number }> {
  const startAt = Date.now() + SETUP_MS;
  out(`concurrent: ${PROTOCOLS.join(' + ')} in one window opening in ${SETUP_MS} ms`);
  let cpuSince: (() => number) | undefined;
  let machineCores = Number.NaN;
  const probe = setTimeout(() => {
    cpuSince = machineCpu();
    setTimeout(() => {
      machineCores = cpuSince?.() ?? Number.NaN;
    }, DURATION_MS);
  }, startAt - Date.now());
  const names = PROTOCOLS.filter((n) => benches[n]);
  const settled = await Promise.allSettled(
    names.map((n) => (benches[n] as (p: RunPlan) => Promise<ProtocolResult>)({ startAt, configs: CONCURRENT_CONFIGS[n] })),
  );
  clearTimeout(probe);
  const results: Results = {};
  settled.forEach((s, i) => {
    const name = names[i] as string;
    if (s.status === 'fulfilled') {
      results[name] = s.value;
      report(name, s.value);
    } else {
      results[name] = { error: (s.reason as Error).message };
      out(`  ${name}: FAILED: ${(s.reason as Error).message}`);
    }
  });
  const starts = Object.values(results).flatMap((r) => ('window_started_at' in r ? [r.window_started_at] : []));
  const windowSkewMs = starts.length > 0 ? Math.max(...starts) - Math.min(...starts) : 0;
  if (windowSkewMs > DURATION_MS / 10) out(`  WARNING: the windows opened ${windowSkewMs} ms apart (setup slower than BENCH_SETUP_MS); the total overstates`);
  out(
    `  total: ${totalOf(results)} points/s at once; whole machine ${machineCores.toFixed(2)} of ${cpus().length} cores busy; windows within ${windowSkewMs} ms`,
  );
  return { results, windowSkewMs, machineCores };
}

out(`collector bench: ${DURATION_MS} ms windows, node ${process.version}, ${cpus().length} CPUs, mode ${MODE}`);
const seq = MODE === 'concurrent' ? undefined : await sequential();
const conc = MODE === 'sequential' ? undefined : await concurrent();
out(
  JSON.stringify({
    bench: 'collector',
    points_per_s: conc ? totalOf(conc.results) : totalOf(seq ?? {}),
    total_is: conc
      ? 'all protocols at once in one shared window (concurrent phase)'
      : 'sum of the per-protocol runs, which ran one after another (not concurrently)',
    duration_ms: DURATION_MS,
    cpus: cpus().length,
    node: process.version,
    protocols: conc?.results ?? seq,
    ...(conc
      ? { concurrent: { window_skew_ms: conc.windowSkewMs, machine_cpu_cores_busy: Number(conc.machineCores.toFixed(2)), configs: CONCURRENT_CONFIGS } }
      : {}),
    ...(seq && conc
      ? {
          sequential: Object.fromEntries(
            Object.entries(seq).map(([k, r]) => [
              k,
              'points_per_s' in r
                ? { points_per_s: r.points_per_s, best_config: r.best_config, cpu_cores_per_10k_points_per_s: r.cpu_cores_per_10k_points_per_s }
                : r,
            ]),
          ),
        }
      : {}),
  }),
);
