import { connectNatsBus } from '@zcp/bus';
import { generatePark, parkStreams, storageConsumer, telemetryStream } from '@zcp/model';
import { describeWithServer, describeWithTool, serverUrls, uniqueName, waitFor } from '@zcp/testkit';
import { expect, it } from 'vitest';
import {
  type Publisher,
  progress,
  type Readyz,
  type RelayChild,
  settledCounts,
  sleep,
  startPublisher,
  startRelayChild,
  testSql,
  writeParkFile,
} from './fault-harness.js';
import { type PrivatePostgres, pgServerRequirement, startPrivatePostgres } from './private-postgres.js';

const RUN_BEFORE_MS = 3_000;
/** How long PostgreSQL stays down. */
const OUTAGE_MS = 5_000;
const RUN_AFTER_MS = 3_000;
/** The relay must notice the outage (readyz 503) within this. */
const NOTICE_TIMEOUT_MS = 4_000;
/** …and after PostgreSQL is back, be ready again by itself within this. */
const RECOVER_TIMEOUT_MS = 20_000;
const SETTLE_TIMEOUT_MS = 30_000;
/** After readyz says 503, the relay has this long to stop pulling (a batch in hand may finish failing). */
const STOP_PULLING_GRACE_MS = 1_000;
/** The relay's storage batch (STORAGE_BATCH_MESSAGES), small so that pulling on would show. */
const BATCH_MESSAGES = 64;
const CONSUMED = 'zcp_relay_messages_consumed_total';

/**
 * Issue 4: "Restart PostgreSQL mid-stream: the relay backs off, recovers, nothing lost" and
 * "Backpressure: when PostgreSQL is slow or down, the relay stops pulling (JetStream keeps
 * the data) and /readyz says why; it resumes by itself." On a private cluster (the shared
 * server on :5432 serves the other test files): `pg_ctl stop -m fast` mid-stream, ~5 s down,
 * `pg_ctl start`. Publishing goes on throughout.
 */
// As root, initdb and pg_ctl run through runuser (initdb refuses root).
const tools = process.getuid?.() === 0 ? [pgServerRequirement(), 'runuser'] : [pgServerRequirement()];

await describeWithServer(['nats'], 'fault: PostgreSQL restart mid-stream (real NATS)', () => {
  describeWithTool(tools, 'on a private PostgreSQL cluster (initdb, pg_ctl)', () => {
    it('says why it is not ready, stops pulling, recovers by itself and loses nothing', { timeout: 100_000 }, async () => {
      const park = generatePark({ assets: 20, id: uniqueName('fpgrestart') });
      const parkFile = await writeParkFile(park);
      const stream = telemetryStream(park.id).name;
      const bus = await connectNatsBus({ url: serverUrls.nats, name: 'fault-pg-publisher' });
      let pg: PrivatePostgres | undefined;
      let relay: RelayChild | undefined;
      let publisher: Publisher | undefined;
      try {
        pg = await startPrivatePostgres();
        relay = await startRelayChild({
          name: 'relay',
          databaseUrl: pg.url,
          natsUrl: serverUrls.nats,
          parkFile: parkFile.path,
          env: { STORAGE_BATCH_MESSAGES: String(BATCH_MESSAGES) },
        });
        const r = relay;
        publisher = startPublisher({ bus, park, batchesPerSecond: 200, samplesPerBatch: 10 });
        await sleep(RUN_BEFORE_MS);
        expect(await r.counter(CONSUMED), 'the relay consumed telemetry before the outage').toBeGreaterThan(0);

        // PostgreSQL goes away mid-stream.
        const stoppedAt = Date.now();
        await pg.stop();
        const batchesAtStop = publisher.totals().batches;
        progress('pg', `PostgreSQL stopped (${Date.now() - stoppedAt} ms); ${batchesAtStop} messages published so far`);

        let notReady: Readyz | undefined;
        const noticed = await waitFor(
          async () => {
            const res = await r.readyz();
            if (res.status !== 200) notReady = res;
            return res.status === 503;
          },
          { timeoutMs: NOTICE_TIMEOUT_MS, intervalMs: 100, what: 'GET /readyz 503 while PostgreSQL is down' },
        ).catch(() => false);
        const noticedMs = Date.now() - stoppedAt;
        expect.soft(noticed, `GET /readyz 503 within ${NOTICE_TIMEOUT_MS} ms of the stop (last non-200 answer: ${JSON.stringify(notReady)})`).toBe(true);
        expect.soft(notReady?.contentType, 'readyz answers problem+json').toMatch(/^application\/problem\+json/);
        expect.soft(String(notReady?.body.detail ?? ''), 'readyz detail names the database').toMatch(/database/i);

        await sleep(STOP_PULLING_GRACE_MS);
        const consumedFrom = await r.counter(CONSUMED);
        await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));
        const consumedTo = await r.counter(CONSUMED);
        const stillDown = await r.readyz();
        // Nothing published after the stop can have been stored, so all of it must still be unacked in JetStream.
        const publishedWhileDown = publisher.totals().batches - batchesAtStop;
        const lag = await bus.consumerLag(stream, storageConsumer(park.id));

        await pg.start();
        const restartedAt = Date.now();
        progress('pg', 'PostgreSQL started again');
        await waitFor(
          async () => {
            const t = Date.now();
            const res = await r.readyz();
            progress('pg', `readyz ${res.status} in ${Date.now() - t} ms: ${JSON.stringify(res.body.detail ?? res.body.status)}`);
            return res.status === 200;
          },
          {
            timeoutMs: RECOVER_TIMEOUT_MS,
            intervalMs: 100,
            what: 'GET /readyz 200 after PostgreSQL is back',
          },
        ).catch((err: Error) => {
          throw new Error(`${err.message}\n--- relay output ---\n${r.output()}`);
        });
        const recoveredMs = Date.now() - restartedAt;
        await sleep(RUN_AFTER_MS);
        const sent = await publisher.stop();

        const check = testSql(pg.url);
        try {
          const stored = await settledCounts(check, sent.readings, SETTLE_TIMEOUT_MS);
          process.stderr.write(
            `[fault pg-restart] readyz 503 after ${noticedMs} ms (detail: ${JSON.stringify(notReady?.body.detail)}); while down: ${publishedWhileDown} messages published, ` +
              `${consumedTo - consumedFrom} pulled by the relay (allowed ${BATCH_MESSAGES}), consumer lag ${lag}; ready again ${recoveredMs} ms after restart; ` +
              `sent ${sent.readings} readings in ${sent.batches} messages; rows ${stored.rows}, distinct ${stored.distinctKeys}\n`,
          );
          expect.soft(stillDown.status, 'readyz still 503 at the end of the outage').toBe(503);
          expect.soft(lag, 'JetStream keeps every message published while PostgreSQL was down').toBeGreaterThanOrEqual(publishedWhileDown);
          expect(publishedWhileDown, 'publishing went on during the outage').toBeGreaterThan(2 * BATCH_MESSAGES);
          expect
            .soft(consumedTo - consumedFrom, `messages pulled by the relay while PostgreSQL was down (after readyz said so + ${STOP_PULLING_GRACE_MS} ms)`)
            .toBeLessThanOrEqual(BATCH_MESSAGES);
          expect.soft(stored.rows, 'stored rows == sent readings').toBe(sent.readings);
          expect.soft(stored.rows - stored.distinctKeys, 'duplicated (point_id, ts) rows').toBe(0);
          expect.soft(stored.valueSum, 'checksum of stored values').toBe(sent.valueSum);
        } finally {
          await check.end();
        }
      } finally {
        await relay?.stop();
        for (const s of parkStreams(park.id)) await bus.deleteStream(s.name).catch(() => undefined);
        await bus.close();
        await pg?.destroy();
        await parkFile.remove();
      }
    });
  });
});
