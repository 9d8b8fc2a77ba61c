import { connectNatsBus } from '@zcp/bus';
import { decodeTelemetryBatch, demoPark, telemetryStream } from '@zcp/model';
import { describeWithServer, serverUrls, uniqueName, waitFor } from '@zcp/testkit';
import { expect, it } from 'vitest';
import { createModbusTcpAdapter } from './adapters/modbus/modbus-tcp-adapter.js';
import { createCollector } from './collector.js';
import { silentLogger } from './logger.js';
import { startSimulatedPark } from './sim/simulated-park.js';

await describeWithServer(['nats'], 'collector against NATS JetStream', () => {
  it('publishes every asset of the simulated park into the park stream, each batch once', async () => {
    const park = demoPark({ id: uniqueName('col') });
    const sim = await startSimulatedPark({ park, seed: 3, clock: () => Date.UTC(2025, 6, 7, 4), tickMs: 0 });
    const bus = await connectNatsBus({ url: serverUrls.nats, name: 'zcp-collector-test' });
    const adapter = createModbusTcpAdapter({ host: sim.host, port: sim.port, registerMap: sim.registerMap, pollIntervalMs: 100 });
    const collector = createCollector({ park, bus, logger: silentLogger, adapters: [adapter], source: 'nats-test' });
    const ids = new Set<string>();
    let points = 0;
    try {
      await collector.start();
      await waitFor(() => adapter.status().polls >= 2, { what: 'two polls' });
      await collector.stop();
      const expected = adapter.status().polls * park.assets.length;
      expect(collector.stats()).toMatchObject({ batchesPublished: expected, publishErrors: 0 });
      const consumer = await bus.consume({ stream: telemetryStream(park.id).name, durable: 'verify', maxWaitMs: 50 }, async (msgs) => {
        for (const m of msgs) {
          const decoded = decodeTelemetryBatch(m.data);
          if (decoded.ok) {
            ids.add(decoded.value.batchId);
            points += decoded.value.p.length;
          }
        }
      });
      await waitFor(() => ids.size >= expected, { what: 'every batch in the stream' });
      await consumer.stop();
      expect(ids.size).toBe(expected);
      expect(points).toBe(adapter.status().polls * park.points.length);
    } finally {
      await sim.stop();
      await bus.deleteStream(telemetryStream(park.id).name);
      await bus.close();
    }
  });
});
