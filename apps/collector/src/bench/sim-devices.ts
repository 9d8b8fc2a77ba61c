// Child process of the collector bench: serves N simulated demo parks as Modbus TCP devices on
// ephemeral ports, prints one JSON line `{ servers: [{ host, port }] }`, and stops when its
// stdin closes. A separate process, so the bench's CPU figures are the collector's alone.
import { demoPark } from '@zcp/model';
import { startSimulatedPark } from '../sim/simulated-park.js';
import { systemClock } from '../system.js';

const count = Number(process.argv[2] ?? 1);
const parks = await Promise.all(
  Array.from({ length: count }, (_, i) => startSimulatedPark({ park: demoPark(), seed: i + 1, clock: systemClock, tickMs: 1000 })),
);
process.stdout.write(`${JSON.stringify({ servers: parks.map((p) => ({ host: p.host, port: p.port })) })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await Promise.all(parks.map((p) => p.stop()));
  process.exit(0);
});
