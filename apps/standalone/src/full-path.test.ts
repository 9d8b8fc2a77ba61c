import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bus, connectNatsBus, createMemoryBus } from '@zcp/bus';
import { loadCollectorConfig, startCollectorApp } from '@zcp/collector';
import { demoPark, parkStreams } from '@zcp/model';
import { createReadingStore, createRelay, loadRelayConfig, type Relay } from '@zcp/relay';
import { createTestDatabase, describeWithServer, serverUrls, uniqueName, waitFor } from '@zcp/testkit';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

const logger = pino({ level: 'silent' });

interface Backends {
  bus: Bus;
  databaseUrl: string | undefined;
  cleanup(): Promise<void>;
}

/**
 * The whole path with nothing stubbed: simulated devices → Modbus TCP → collector → bus →
 * relay → database, with the simulated park speaking every field protocol at once (Modbus
 * TCP, Modbus RTU over TCP, OPC UA, MQTT JSON, Sparkplug B). Every reading the collector
 * published is stored exactly once, also when the relay is restarted mid-stream.
 */
function fullPath(name: string, make: () => Promise<Backends>) {
  describe(`device → collector → bus → relay → database: ${name}`, () => {
    it('stores exactly what the collector published, across a relay restart', async () => {
      const b = await make();
      const park = demoPark({ id: uniqueName('fp') });
      const ids = park.points.map((p) => p.id);
      const pkiDir = await mkdtemp(join(tmpdir(), 'zcp-pki-'));
      const relayEnv = {
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: 'memory',
        WEB_DIST_DIR: '/nonexistent',
        STORAGE_MAX_WAIT_MS: '50',
        ...(b.databaseUrl ? { DATABASE_URL: b.databaseUrl } : {}),
      };
      // One store across both relay lives: for PGlite in memory that stands in for its data dir.
      const store = await createReadingStore({ databaseUrl: b.databaseUrl, dataDir: undefined, logger });
      let relay: Relay = createRelay(loadRelayConfig(relayEnv), { parks: [park], bus: b.bus, store, logger });
      await relay.start();
      const collector = await startCollectorApp(
        loadCollectorConfig({ MODBUS_PORT: '0', POLL_INTERVAL_MS: '200', SIM_TICK_MS: '200', SIM_PROTOCOLS: 'all', OPCUA_PKI_DIR: pkiDir }),
        {
          logger,
          park,
          bus: b.bus,
        },
      );
      try {
        await waitFor(async () => (await store.count(ids)) > 2000, { timeoutMs: 20_000, what: 'first rows stored' });
        // Restart the relay while the collector keeps publishing.
        await relay.stop();
        await new Promise((r) => setTimeout(r, 600));
        relay = createRelay(loadRelayConfig(relayEnv), { parks: [park], bus: b.bus, store, logger });
        await relay.start();
        await new Promise((r) => setTimeout(r, 1200));
        await collector.stop();
        const stats = collector.collector.stats();
        expect(stats.queueDepth).toBe(0);
        expect(stats.batchesDropped).toBe(0);
        expect(stats.publishErrors).toBe(0);
        const published = stats.readingsReceived - stats.readingsRejected;
        // Every protocol's adapter delivered good readings.
        const byProtocol = new Map(stats.adapters.map((a) => [a.protocol, a.pointsRead]));
        for (const protocol of ['modbus-tcp', 'modbus-rtu-over-tcp', 'opc-ua', 'mqtt'] as const)
          expect(byProtocol.get(protocol) ?? 0, protocol).toBeGreaterThan(0);
        expect(published).toBeGreaterThan(3 * park.points.length);
        await waitFor(async () => (await store.count(ids)) >= published, { timeoutMs: 20_000, what: `${published} rows` });
        await new Promise((r) => setTimeout(r, 300));
        expect(await store.count(ids)).toBe(published);
      } finally {
        await collector.stop();
        await relay.stop();
        await store.close();
        await rm(pkiDir, { recursive: true, force: true });
        for (const s of parkStreams(park.id)) await b.bus.deleteStream(s.name);
        await b.cleanup();
      }
    }, 60_000);
  });
}

fullPath('embedded (in-process bus, PGlite)', async () => {
  const bus = createMemoryBus();
  return { bus, databaseUrl: undefined, cleanup: () => bus.close() };
});

await describeWithServer(['nats', 'postgres'], 'real servers', () => {
  fullPath('real servers (NATS JetStream, PostgreSQL)', async () => {
    const db = await createTestDatabase('zcp_fullpath');
    const bus = await connectNatsBus({ url: serverUrls.nats });
    return {
      bus,
      databaseUrl: db.url,
      cleanup: async () => {
        await bus.close();
        await db.drop();
      },
    };
  });
});
