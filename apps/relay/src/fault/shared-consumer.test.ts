import { connectNatsBus } from '@zcp/bus';
import { generatePark, parkStreams } from '@zcp/model';
import { createTestDatabase, describeWithServer, serverUrls, uniqueName } from '@zcp/testkit';
import { expect, it } from 'vitest';
import { type Publisher, progress, type RelayChild, settledCounts, sleep, startPublisher, startRelayChild, testSql, writeParkFile } from './fault-harness.js';

const PUBLISH_MS = 6_000;
const SETTLE_TIMEOUT_MS = 20_000;
const STORED = 'zcp_relay_readings_stored_total';
const DUPLICATE = 'zcp_relay_readings_duplicate_total';

/**
 * Issue 4: "Two relays share the durable consumer: both store, totals exact." Two relay
 * processes on one database, one NATS and one park share the park's durable consumer
 * (work queue). Each must store a share, and together exactly what was sent, once.
 */
await describeWithServer(['nats', 'postgres'], 'fault: two relays share the durable consumer (real servers)', () => {
  it('both relays store, and the total equals what was sent with no duplicates', { timeout: 90_000 }, async () => {
    const park = generatePark({ assets: 20, id: uniqueName('fshared') });
    const db = await createTestDatabase('zcp_fault_shared');
    const parkFile = await writeParkFile(park);
    const sql = testSql(db.url);
    const bus = await connectNatsBus({ url: serverUrls.nats, name: 'fault-shared-publisher' });
    const relays: RelayChild[] = [];
    let publisher: Publisher | undefined;
    try {
      const common = { databaseUrl: db.url, natsUrl: serverUrls.nats, parkFile: parkFile.path };
      // Started one after the other: both migrate the same database; the second finds it done.
      relays.push(await startRelayChild({ ...common, name: 'A' }));
      relays.push(await startRelayChild({ ...common, name: 'B' }));
      publisher = startPublisher({ bus, park, batchesPerSecond: 200, samplesPerBatch: 10 });
      await sleep(PUBLISH_MS);
      const sent = await publisher.stop();
      progress('shared', `sent ${JSON.stringify(sent)}`);

      const stored = await settledCounts(sql, sent.readings, SETTLE_TIMEOUT_MS);
      const perRelay = await Promise.all(relays.map(async (r) => ({ name: r.name, stored: await r.counter(STORED), duplicate: await r.counter(DUPLICATE) })));
      process.stderr.write(
        `[fault shared] sent ${sent.readings} readings in ${sent.batches} messages; rows ${stored.rows}, distinct ${stored.distinctKeys}; per relay ${JSON.stringify(perRelay)}\n`,
      );
      expect(sent.batches).toBeGreaterThan(100);
      for (const r of perRelay) expect.soft(r.stored, `relay ${r.name} stored nothing: the durable consumer was not shared`).toBeGreaterThan(0);
      expect.soft(stored.rows, 'stored rows == sent readings').toBe(sent.readings);
      expect.soft(stored.rows - stored.distinctKeys, 'duplicated (point_id, ts) rows').toBe(0);
      expect.soft(stored.valueSum, 'checksum of stored values').toBe(sent.valueSum);
      // Each row is inserted by exactly one relay: their counters add up to the table.
      expect
        .soft(
          perRelay.reduce((s, r) => s + r.stored, 0),
          'sum of the relays’ stored counters',
        )
        .toBe(stored.rows);
    } finally {
      await publisher?.abandon();
      await Promise.all(relays.map((r) => r.stop()));
      for (const s of parkStreams(park.id)) await bus.deleteStream(s.name).catch(() => undefined);
      await bus.close();
      await sql.end();
      await db.drop();
      await parkFile.remove();
    }
  });
});
