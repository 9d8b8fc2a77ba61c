// Measures one Modbus adapter reading the simulated demo park (1,083 points) back to back over
// each transport: Modbus TCP (ServerTCP), RTU over TCP (our RTU framing on a socket) and RTU on
// a socat pty pair (needs socat). One link each; requests are sequential on a link.
// Run: npx tsx --conditions=source apps/collector/src/adapters/modbus/bench-modbus-transports.ts
import { demoPark } from '@zcp/model';
import { toolAvailable } from '@zcp/testkit';
import { planReads } from '../../modbus/read-plan.js';
import { createParkModbusModel } from '../../sim/modbus-data-model.js';
import { createPtyPair, startModbusRtuOverTcpServer, startModbusRtuSerialServer } from '../../sim/modbus-rtu-servers.js';
import { startSimulatedPark } from '../../sim/simulated-park.js';
import { systemClock } from '../../system.js';
import type { PollReport } from '../adapter.js';
import { createModbusAdapter } from './modbus-adapter.js';
import type { ModbusTransport } from './modbus-client.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 4000);
const park = demoPark();
const sim = await startSimulatedPark({ park, seed: 1, clock: systemClock, tickMs: 1000 });
const model = createParkModbusModel(sim.simulator, sim.registerMap);
const rtuTcp = await startModbusRtuOverTcpServer({ model });
const pty = toolAvailable('socat') ? await createPtyPair() : undefined;
const rtuSerial = pty ? await startModbusRtuSerialServer({ model, path: pty.deviceEnd, baudRate: 115200 }) : undefined;
const out = (line: string) => process.stdout.write(`${line}\n`);
out(`park: ${park.points.length} points; requests per poll: ${planReads(sim.registerMap.entries).length}`);

const transports: [string, ModbusTransport][] = [
  ['modbus-tcp', { kind: 'tcp', host: sim.host, port: sim.port }],
  ['modbus-rtu-over-tcp', { kind: 'rtu-over-tcp', host: '127.0.0.1', port: rtuTcp.port }],
];
if (pty)
  transports.push([
    'modbus-rtu (pty, 115200 8N1 nominal)',
    { kind: 'rtu', path: pty.collectorEnd, baudRate: 115200, parity: 'none', dataBits: 8, stopBits: 1 },
  ]);
else out('modbus-rtu (pty): skipped — socat is not installed');

for (const [name, transport] of transports) {
  const reports: PollReport[] = [];
  const adapter = createModbusAdapter({ transport, registerMap: sim.registerMap, pollIntervalMs: 1 });
  await adapter.start(() => {}, { pollCompleted: (r) => reports.push(r) });
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, DURATION_MS));
  const elapsedS = (performance.now() - t0) / 1000;
  await adapter.stop();
  const points = reports.reduce((s, r) => s + r.pointsGood, 0);
  const requests = reports.reduce((s, r) => s + r.requests, 0);
  const bad = reports.reduce((s, r) => s + r.pointsBad, 0);
  const meanPollMs = reports.reduce((s, r) => s + r.durationMs, 0) / reports.length;
  out(
    `${name}: ${(points / elapsedS).toFixed(0)} points/s, ${(requests / elapsedS).toFixed(0)} requests/s, ${reports.length} polls, ` +
      `mean poll ${meanPollMs.toFixed(1)} ms, bad points ${bad}`,
  );
}
await rtuSerial?.close();
await pty?.close();
await rtuTcp.close();
await sim.stop();
