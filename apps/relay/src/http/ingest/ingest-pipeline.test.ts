import { demoPark, type Park, parkStreams } from '@zcp/model';
import { uniqueName, waitFor } from '@zcp/testkit';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRelayConfig } from '../../config.js';
import { createRelay, type Relay } from '../../relay.js';
import type { PipelineEnv } from '../../relay-pipeline-contract.js';
import { forEachPipelineEnv } from '../../test-support/pipeline-envs.js';
import { createStaticDeviceAuthenticator, type IngestResponse, sha256Hex } from './index.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const TOKEN = 'pipeline-device-token';

/** Pushed readings travel relay → bus → storage worker → store, exactly once per request id. */
function ingestPipelineSuite(name: string, makeEnv: () => Promise<PipelineEnv>): void {
  describe(`push ingest end to end: ${name}`, () => {
    let env: PipelineEnv;
    let park: Park;
    let relay: Relay;

    beforeEach(async () => {
      env = await makeEnv();
      // A park id of its own per test keeps the JetStream stream and consumer apart.
      park = demoPark({ id: uniqueName('ing') });
      const devices = createStaticDeviceAuthenticator([{ deviceId: 'gw1', tokenSha256: await sha256Hex(TOKEN), assets: ['grid', 'bess1'], points: [] }]);
      relay = createRelay(loadRelayConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: 'memory', WEB_DIST_DIR: '/nonexistent', STORAGE_MAX_WAIT_MS: '20' }), {
        parks: [park],
        bus: env.bus,
        store: env.store,
        logger: pino({ level: 'silent' }),
        now: () => NOW,
        devices,
      });
      await relay.start();
    });
    afterEach(async () => {
      await relay.stop();
      for (const s of parkStreams(park.id)) await env.bus.deleteStream(s.name);
      await env.cleanup();
    });

    it('stores pushed readings exactly once when the same request is sent twice', async () => {
      const rows = Array.from({ length: 300 }, (_, i) => ({ point: (i % 12) + 1, ts: NOW - 600_000 + Math.floor(i / 12) * 1000, value: i + 0.5 }));
      rows.push({ point: 999_999, ts: NOW, value: 1 }); // rejected, must not block the rest
      const send = () =>
        fetch(`http://127.0.0.1:${relay.port}/api/ingest`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ readings: rows }),
        });
      const first = await send();
      expect(first.status).toBe(200);
      const a = (await first.json()) as IngestResponse;
      expect(a).toMatchObject({ accepted: 300, rejected: 1 });
      const b = (await (await send()).json()) as IngestResponse;
      expect(b.requestId).toBe(a.requestId);

      const ids = park.points.map((p) => p.id);
      await waitFor(async () => (await env.store.count(ids)) >= 300, { timeoutMs: 20_000, what: 'pushed rows stored' });
      await new Promise((r) => setTimeout(r, 300));
      expect(await env.store.count(ids)).toBe(300);
      // The second request was absorbed by the bus (same message ids), not by the store.
      expect((await relay.metrics.readingsDuplicate.get()).values[0]?.value ?? 0).toBe(0);
      const sum = (await Promise.all(Array.from({ length: 12 }, (_, i) => env.store.history(i + 1, NOW - 3600_000, NOW + 1, 3600_000))))
        .flat()
        .reduce((s, bk) => s + bk.avg * bk.n, 0);
      expect(sum).toBeCloseTo(
        rows.slice(0, 300).reduce((s, r) => s + r.value, 0),
        6,
      );
    });
  });
}

await forEachPipelineEnv('zcp_ingest', ingestPipelineSuite);
