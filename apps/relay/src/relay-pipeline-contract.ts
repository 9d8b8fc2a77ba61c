import type { Bus } from '@zcp/bus';
import { demoPark, encodeTelemetryBatch, type Park, parkStreams, type Reading, subjects, telemetryBatch } from '@zcp/model';
import { uniqueName, waitFor } from '@zcp/testkit';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRelayConfig } from './config.js';
import { createRelay, type Relay } from './relay.js';
import type { PipelineEnv } from './test-support/pipeline-envs.js';

export type { PipelineEnv } from './test-support/pipeline-envs.js';

/** The previous whole hour: recent enough for the raw retention whenever the tests run. */
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;

/** Publishes `batches` telemetry batches over the park's assets; returns the readings sent. */
async function publishBatches(bus: Bus, park: Park, fromBatch: number, batches: number, idPrefix = 'test', perBatch = 20): Promise<Reading[]> {
  const sent: Reading[] = [];
  const pending: Promise<unknown>[] = [];
  for (let b = fromBatch; b < fromBatch + batches; b++) {
    const point = park.points[b % park.points.length];
    if (!point) throw new Error('empty park');
    const readings: Reading[] = Array.from({ length: perBatch }, (_, i) => ({
      pointId: point.id,
      ts: T0 + b * 1000 + i,
      value: b * 1000 + i + 0.25,
      quality: 'good',
    }));
    sent.push(...readings);
    const batch = telemetryBatch({ batchId: `${idPrefix}:${b}`, parkId: park.id, assetId: point.assetId, source: 'test' }, readings);
    pending.push(bus.publish(subjects.telemetry(park.id, point.assetId), encodeTelemetryBatch(batch), { msgId: batch.batchId }));
  }
  await Promise.all(pending);
  return sent;
}

const sumValues = (rs: readonly Reading[]) => rs.reduce((s, r) => s + r.value, 0);

/**
 * One contract for the relay's telemetry path, run against the embedded implementations and
 * the real servers: what collectors publish is stored exactly once, across relay restarts.
 */
export function relayPipelineContract(name: string, makeEnv: () => Promise<PipelineEnv>): void {
  describe(`relay pipeline: ${name}`, () => {
    let env: PipelineEnv;
    let park: Park;
    const relays: Relay[] = [];
    const logger = pino({ level: 'silent' });
    const newRelay = () => {
      const relay = createRelay(
        loadRelayConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory', WEB_DIST_DIR: '/nonexistent', STORAGE_MAX_WAIT_MS: '20' }),
        {
          parks: [park],
          bus: env.bus,
          store: env.store,
          logger,
        },
      );
      relays.push(relay);
      return relay;
    };

    beforeEach(async () => {
      env = await makeEnv();
      park = demoPark({ id: uniqueName('t') });
    });
    afterEach(async () => {
      for (const r of relays.splice(0)) await r.stop();
      for (const s of parkStreams(park.id)) await env.bus.deleteStream(s.name);
      await env.cleanup();
    });

    it('stores every published reading exactly once, de-duplicating republished batches', async () => {
      const relay = newRelay();
      await relay.start();
      const sent = await publishBatches(env.bus, park, 0, 300);
      // The collector retries after a lost ack: the same message ids again.
      await publishBatches(env.bus, park, 100, 50);
      const ids = park.points.map((p) => p.id);
      await waitFor(async () => (await env.store.count(ids)) >= sent.length, { timeoutMs: 20_000, what: 'all readings stored' });
      await new Promise((r) => setTimeout(r, 200));
      expect(await env.store.count(ids)).toBe(sent.length);
      // Checksum over what was stored equals what was sent.
      const stored = await Promise.all([...new Set(sent.map((r) => r.pointId))].map((id) => env.store.history(id, T0, T0 + 3600_000, 3600_000)));
      const storedSum = stored.flat().reduce((s, b) => s + b.avg * b.n, 0);
      expect(storedSum).toBeCloseTo(sumValues(sent), 3);
      expect(relay.metrics.readingsStored).toBeDefined();
    });

    it('resumes after a relay restart with no loss and no duplicates', async () => {
      const first = newRelay();
      await first.start();
      const ids = park.points.map((p) => p.id);
      const a = await publishBatches(env.bus, park, 0, 200);
      await waitFor(async () => (await env.store.count(ids)) > 0, { timeoutMs: 20_000, what: 'first rows' });
      await first.stop();
      relays.splice(relays.indexOf(first), 1);
      // Published while no relay runs: the durable consumer keeps it.
      const b = await publishBatches(env.bus, park, 200, 200);
      // A collector that restarted resends readings it is unsure of, under new message ids
      // (outside JetStream's de-duplication): the store's idempotence must absorb them.
      await publishBatches(env.bus, park, 100, 150, 'resent');
      const second = newRelay();
      await second.start();
      const total = a.length + b.length;
      await waitFor(async () => (await env.store.count(ids)) >= total, { timeoutMs: 20_000, what: 'all rows after restart' });
      await new Promise((r) => setTimeout(r, 200));
      expect(await env.store.count(ids)).toBe(total);
    });

    it('keeps good readings when a message beside them is malformed', async () => {
      const relay = newRelay();
      await relay.start();
      const assetId = park.points[0]?.assetId ?? 'x';
      await env.bus.publish(subjects.telemetry(park.id, assetId), new TextEncoder().encode('{"v":1,"garbage":true}'), { msgId: 'bad-1' });
      await env.bus.publish(subjects.telemetry(park.id, assetId), new TextEncoder().encode('not json'), { msgId: 'bad-2' });
      const unknownPoint = telemetryBatch({ batchId: 'bad-3', parkId: park.id, assetId, source: 'test' }, [
        { pointId: 9_999_999, ts: T0, value: 1, quality: 'good' },
        { pointId: 1, ts: T0 - 60_000, value: 5, quality: 'good' },
      ]);
      await env.bus.publish(subjects.telemetry(park.id, assetId), encodeTelemetryBatch(unknownPoint), { msgId: 'bad-3' });
      const good = await publishBatches(env.bus, park, 0, 10);
      const ids = park.points.map((p) => p.id);
      await waitFor(async () => (await env.store.count(ids)) >= good.length + 1, { timeoutMs: 20_000, what: 'good rows' });
      expect(await env.store.count(ids)).toBe(good.length + 1);
      const rejected = await relay.metrics.messagesRejected.get();
      expect(rejected.values.reduce((s, v) => s + v.value, 0)).toBe(2);
    });

    it('rejects (counts and logs) readings older than the raw retention and stores the rest of their batch', async () => {
      const relay = newRelay();
      await relay.start();
      const point = park.points[2];
      if (!point) throw new Error('empty park');
      const batch = telemetryBatch({ batchId: 'old-1', parkId: park.id, assetId: point.assetId, source: 'test' }, [
        { pointId: point.id, ts: Date.now() - 40 * 86_400_000, value: 1, quality: 'good' },
        { pointId: point.id, ts: T0 + 5, value: 2, quality: 'good' },
      ]);
      await env.bus.publish(subjects.telemetry(park.id, point.assetId), encodeTelemetryBatch(batch), { msgId: batch.batchId });
      await waitFor(async () => (await env.store.count([point.id])) >= 1, { timeoutMs: 20_000, what: 'the recent reading' });
      await waitFor(async () => (await relay.metrics.readingsRejected.get()).values.some((v) => v.labels.reason === 'beyond_retention' && v.value === 1), {
        what: 'beyond_retention counted',
      });
      expect(await env.store.count([point.id])).toBe(1);
    });

    it('fans live values into the park state', async () => {
      const relay = newRelay();
      await relay.start();
      const sent = await publishBatches(env.bus, park, 0, 5);
      const last = sent[sent.length - 1] as Reading;
      await waitFor(() => relay.parks.get(park.id)?.live.get(last.pointId)?.[2] === last.value, { timeoutMs: 10_000, what: 'live value' });
    });
  });
}
