// Measures how fast the Modbus TCP adapter reads the simulated demo park (1,083 points):
// polls back to back for a few seconds over 1, 2 and 4 connections (units split between them).
// Run: npx tsx --conditions=source apps/collector/src/adapters/modbus/bench-modbus-throughput.ts
import { demoPark } from '@zcp/model';
import { planReads } from '../../modbus/read-plan.js';
import type { RegisterMap } from '../../modbus/register-map.js';
import { startSimulatedPark } from '../../sim/simulated-park.js';
import { systemClock } from '../../system.js';
import type { PollReport } from '../adapter.js';
import { createModbusTcpAdapter } from './modbus-tcp-adapter.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);
const park = demoPark();
const sim = await startSimulatedPark({ park, seed: 1, clock: systemClock, tickMs: 1000 });
const out = (line: string) => process.stdout.write(`${line}\n`);
out(`park: ${park.points.length} points, ${park.assets.length} assets, ${new Set(sim.registerMap.entries.map((e) => e.unitId)).size} units`);
out(`requests per poll (one connection): ${planReads(sim.registerMap.entries).length}`);

function split(map: RegisterMap, parts: number): RegisterMap[] {
  const units = [...new Set(map.entries.map((e) => e.unitId))];
  return Array.from({ length: parts }, (_, i) => ({ ...map, entries: map.entries.filter((e) => units.indexOf(e.unitId) % parts === i) }));
}

for (const connections of [1, 2, 4]) {
  const reports: PollReport[] = [];
  const adapters = split(sim.registerMap, connections).map((registerMap, i) =>
    createModbusTcpAdapter({ id: `bench-${i}`, host: sim.host, port: sim.port, registerMap, pollIntervalMs: 1 }),
  );
  await Promise.all(adapters.map((a) => a.start(() => {}, { pollCompleted: (r) => reports.push(r) })));
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, DURATION_MS));
  const elapsedS = (performance.now() - t0) / 1000;
  await Promise.all(adapters.map((a) => a.stop()));
  const points = reports.reduce((s, r) => s + r.pointsGood, 0);
  const requests = reports.reduce((s, r) => s + r.requests, 0);
  const bad = reports.reduce((s, r) => s + r.pointsBad, 0);
  const meanPollMs = reports.reduce((s, r) => s + r.durationMs, 0) / reports.length;
  out(
    `${connections} connection(s): ${(points / elapsedS).toFixed(0)} points/s, ${(requests / elapsedS).toFixed(0)} requests/s, ` +
      `${reports.length} polls, mean poll ${meanPollMs.toFixed(1)} ms, bad points ${bad}`,
  );
}
await sim.stop();
