import { connectNatsBus } from '@zcp/bus';
import { generatePark, parkStreams } from '@zcp/model';
import { createTestDatabase, describeWithServer, serverUrls, uniqueName, waitFor } from '@zcp/testkit';
import { expect, it } from 'vitest';
import {
  type Publisher,
  progress,
  type RelayChild,
  settledCounts,
  sleep,
  startPublisher,
  startRelayChild,
  storedRows,
  testSql,
  writeParkFile,
} from './fault-harness.js';

const RUN_BEFORE_MS = 3_000;
const RUN_AFTER_MS = 3_000;
/**
 * Messages handed to the killed relay stay unacked until JetStream's ack wait (30 s, the
 * bus default the relay uses) runs out; only then are they redelivered to the new relay.
 */
const SETTLE_TIMEOUT_MS = 45_000;
/** Longest wait for a moment when the relay has a storage transaction open. */
const FIND_OPEN_TRANSACTION_MS = 10_000;

/**
 * Issue 4: "`kill -9` the relay mid-stream, restart it: stored rows == sent, no duplicates."
 * The relay is SIGKILLed at a moment when it holds an uncommitted write transaction (seen in
 * pg_stat_activity), so the messages it was storing are neither committed nor acked; a new
 * relay process on the same database and NATS takes over while publishing goes on.
 */
await describeWithServer(['nats', 'postgres'], 'fault: kill -9 of the relay mid-stream (real servers)', () => {
  it('stores every reading exactly once across a SIGKILL and a restart', { timeout: 100_000 }, async () => {
    const park = generatePark({ assets: 20, id: uniqueName('fkill') });
    const db = await createTestDatabase('zcp_fault_kill');
    const parkFile = await writeParkFile(park);
    const sql = testSql(db.url);
    const bus = await connectNatsBus({ url: serverUrls.nats, name: 'fault-kill-publisher' });
    const relays: RelayChild[] = [];
    let publisher: Publisher | undefined;
    const common = { databaseUrl: db.url, natsUrl: serverUrls.nats, parkFile: parkFile.path };
    try {
      const first = await startRelayChild({ ...common, name: 'first' });
      relays.push(first);
      publisher = startPublisher({ bus, park, batchesPerSecond: 200, samplesPerBatch: 10 });
      await sleep(RUN_BEFORE_MS);
      const storedBeforeKill = await storedRows(sql);

      // Kill while a storage transaction of the relay has written but not committed.
      await waitFor(
        async () => {
          const rows = await sql`select pid from pg_stat_activity where datname = ${db.name} and pid <> pg_backend_pid() and backend_xid is not null`;
          if (rows.length === 0) return false;
          process.kill(first.pid, 'SIGKILL');
          return true;
        },
        { timeoutMs: FIND_OPEN_TRANSACTION_MS, intervalMs: 1, what: 'the relay holding an open write transaction' },
      );
      const killedBy = await first.exited;
      progress('kill', `relay killed (${killedBy}) with ${storedBeforeKill} rows stored before; publishing goes on`);
      expect(killedBy).toBe('SIGKILL');

      const second = await startRelayChild({ ...common, name: 'second' });
      relays.push(second);
      await sleep(RUN_AFTER_MS);
      const sent = await publisher.stop();
      progress('kill', `sent ${JSON.stringify(sent)}`);

      const stored = await settledCounts(sql, sent.readings, SETTLE_TIMEOUT_MS);
      const secondStored = await second.counter('zcp_relay_readings_stored_total');
      const secondDuplicates = await second.counter('zcp_relay_readings_duplicate_total');
      process.stderr.write(
        `[fault kill] sent ${sent.readings} readings in ${sent.batches} messages; stored before kill ≥ ${storedBeforeKill}; rows ${stored.rows}, distinct ${stored.distinctKeys}; ` +
          `second relay stored ${secondStored}, skipped as already stored ${secondDuplicates}\n`,
      );
      expect(storedBeforeKill, 'the first relay stored something before it was killed').toBeGreaterThan(0);
      expect(secondStored, 'the restarted relay stored the rest').toBeGreaterThan(0);
      expect.soft(stored.rows, 'stored rows == sent readings').toBe(sent.readings);
      expect.soft(stored.rows - stored.distinctKeys, 'duplicated (point_id, ts) rows').toBe(0);
      expect.soft(stored.valueSum, 'checksum of stored values').toBe(sent.valueSum);
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
