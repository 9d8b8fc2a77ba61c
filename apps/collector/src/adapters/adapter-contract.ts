import { type Reading, ReadingSchema } from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { PollReport, ProtocolAdapter, ReadingMeta } from './adapter.js';

/** One adapter under test, wired to a device (real or simulated) it can reach — or not. */
export interface AdapterHarness {
  adapter: ProtocolAdapter;
  /** The points the adapter should deliver, by asset. */
  pointsByAsset: ReadonlyMap<string, readonly number[]>;
  /** A point and a value the device accepts, when the protocol supports writes. */
  writable?: { pointId: number; value: number };
  /** Stops the device side; the suite stops the adapter itself. */
  cleanup(): Promise<void>;
}

export type AdapterHarnessFactory = (options: { reachable: boolean }) => Promise<AdapterHarness>;

interface Delivery {
  readings: Reading[];
  meta: ReadingMeta;
}

/**
 * The contract every ProtocolAdapter keeps (the numbered rules in adapter.ts), as one suite
 * run against each implementation — the MQTT.js abstract-client idea.
 *
 * @example
 * describeAdapterContract('modbus-tcp', async ({ reachable }) => ({ adapter, pointsByAsset, cleanup }))
 */
export function describeAdapterContract(name: string, factory: AdapterHarnessFactory): void {
  describe(`ProtocolAdapter contract: ${name}`, () => {
    let harness: AdapterHarness | undefined;
    afterEach(async () => {
      await harness?.adapter.stop();
      await harness?.cleanup();
      harness = undefined;
    });

    const startCollecting = async (reachable: boolean) => {
      harness = await factory({ reachable });
      const deliveries: Delivery[] = [];
      const reports: PollReport[] = [];
      await harness.adapter.start((readings, meta) => deliveries.push({ readings, meta }), { pollCompleted: (r) => reports.push(r) });
      return { h: harness, deliveries, reports };
    };

    it('rule 1+2: delivers valid readings of every point, one asset per delivery, quality good', async () => {
      const { h, deliveries, reports } = await startCollecting(true);
      await waitFor(() => reports.length >= 2, { what: 'two polls' });
      const seen = new Map<number, Reading>();
      for (const d of deliveries) {
        const own = new Set(h.pointsByAsset.get(d.meta.assetId) ?? []);
        for (const r of d.readings) {
          expect(ReadingSchema.safeParse(r).success).toBe(true);
          expect(own.has(r.pointId), `point ${r.pointId} delivered under asset ${d.meta.assetId}`).toBe(true);
          seen.set(r.pointId, r);
        }
      }
      const all = [...h.pointsByAsset.values()].flat();
      expect(seen.size).toBe(all.length);
      expect([...seen.values()].every((r) => r.quality === 'good')).toBe(true);
      for (const id of all) expect(h.adapter.handles(id)).toBe(true);
      expect(h.adapter.handles(-1)).toBe(false);
      const status = h.adapter.status();
      expect(status.state).toBe('connected');
      expect(status.pointsRead).toBeGreaterThanOrEqual(all.length);
      expect(status.requests).toBeGreaterThan(0);
    });

    it('rule 1+3: starts against an unreachable device and delivers every point with quality bad', async () => {
      const { h, deliveries } = await startCollecting(false);
      await waitFor(() => deliveries.length > 0, { what: 'a delivery' });
      expect(deliveries.flatMap((d) => d.readings).every((r) => r.quality === 'bad')).toBe(true);
      expect(h.adapter.status().state).not.toBe('connected');
      expect(h.adapter.status().lastError).toBeDefined();
    });

    it('rule 5: no delivery after stop resolves; stopping twice is harmless; no restart', async () => {
      const { h, deliveries } = await startCollecting(true);
      await waitFor(() => deliveries.length > 0, { what: 'a delivery' });
      await h.adapter.stop();
      const count = deliveries.length;
      await new Promise((r) => setTimeout(r, 150));
      expect(deliveries.length).toBe(count);
      await h.adapter.stop();
      expect(h.adapter.status().state).toBe('stopped');
      await expect(h.adapter.start(() => {})).rejects.toMatchObject({ code: 'already_started' });
    });

    it('rule 6: write resolves with a result, confirmed by read-back, and never rejects', async () => {
      const { h, reports } = await startCollecting(true);
      if (!h.adapter.write) return;
      await waitFor(() => reports.length >= 1, { what: 'a poll' });
      expect(await h.adapter.write(-1, 1)).toMatchObject({ ok: false, error: { code: 'unknown_point' } });
      if (h.writable) {
        const result = await h.adapter.write(h.writable.pointId, h.writable.value);
        expect(result).toEqual({ ok: true, readBack: h.writable.value });
      }
    });
  });
}
