import { createMemoryBus } from '@zcp/bus';
import {
  createSanityChecker,
  decodeTelemetryBatch,
  defaultPointLimits,
  demoPark,
  type Reading,
  type SanityReason,
  subjects,
  type TelemetryBatch,
} from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { AdapterStatus, ProtocolAdapter, ReadingSink } from './adapters/adapter.js';
import { createCollector } from './collector.js';
import { silentLogger } from './logger.js';
import { createParkSimulator } from './sim/park-simulator.js';

describe('default sanity limits against the simulated park', () => {
  it('flag nothing in a simulated day at 60 s, then half an hour at 1 s (healthy devices are not marked)', () => {
    const park = demoPark();
    const sim = createParkSimulator({ park, seed: 7 });
    const checker = createSanityChecker(defaultPointLimits(park));
    const flags = new Map<string, number>();
    const t0 = Date.UTC(2025, 6, 6, 16); // local midnight, UTC+8, in summer
    const times: number[] = [];
    for (let t = t0; t <= t0 + 86_400_000; t += 60_000) times.push(t);
    for (let t = t0 + 86_400_000 + 1000; t <= t0 + 88_200_000; t += 1000) times.push(t);
    for (const t of times) {
      sim.step(t);
      for (const f of checker.check(sim.readings()).flags) {
        const key = `${park.points.find((p) => p.id === f.pointId)?.tag}:${f.reason}`;
        flags.set(key, (flags.get(key) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries(flags)).toEqual({});
  });

  it('flag a stuck-high SOC, a power spike and a counter reset in otherwise simulated data', () => {
    const park = demoPark();
    const sim = createParkSimulator({ park, seed: 7 });
    const checker = createSanityChecker(defaultPointLimits(park));
    const tag = (t: string) => park.points.find((p) => p.tag === t)?.id as number;
    const t0 = Date.UTC(2025, 6, 7, 4);
    sim.step(t0);
    checker.check(sim.readings());
    sim.step(t0 + 1000);
    const faulty = sim.readings().map((r) => {
      if (r.pointId === tag('bess1.soc_pct')) return { ...r, value: 140 };
      if (r.pointId === tag('bess1.p_kw')) return { ...r, value: 9_000 };
      if (r.pointId === tag('grid.e_import_kwh')) return { ...r, value: 0 };
      return r;
    });
    const reasons: Record<number, SanityReason> = {};
    for (const f of checker.check(faulty).flags) reasons[f.pointId] = f.reason;
    expect(reasons).toEqual({ [tag('bess1.soc_pct')]: 'above_max', [tag('bess1.p_kw')]: 'above_max', [tag('grid.e_import_kwh')]: 'counter_decreased' });
  });
});

describe('collector applies the sanity checks before publishing', () => {
  const park = demoPark();
  const tag = (t: string) => park.points.find((p) => p.tag === t)?.id as number;
  const T = Date.UTC(2025, 6, 7, 4);
  const run = async (pointLimits?: false) => {
    const bus = createMemoryBus();
    const published: TelemetryBatch[] = [];
    bus.subscribe(subjects.telemetryOfPark(park.id), (m) => {
      const d = decodeTelemetryBatch(m.data);
      if (d.ok) published.push(d.value);
    });
    let sink: ReadingSink | undefined;
    const status = {
      id: 'm',
      protocol: 'http-push',
      state: 'connected',
      polls: 0,
      overruns: 0,
      requests: 0,
      requestErrors: 0,
      pointsRead: 0,
      pointsBad: 0,
      reconnects: 0,
    } as AdapterStatus;
    const adapter: ProtocolAdapter = {
      id: 'm',
      protocol: 'http-push',
      handles: () => false,
      start: async (s) => {
        sink = s;
      },
      stop: async () => {
        sink = undefined;
      },
      status: () => status,
    };
    const registry = new Registry();
    const collector = createCollector({
      park,
      bus,
      logger: silentLogger,
      adapters: [adapter],
      metrics: registry,
      ...(pointLimits === false ? { pointLimits } : {}),
    });
    await collector.start();
    const readings: Reading[] = [
      { pointId: tag('bess1.soc_pct'), ts: T, value: 150, quality: 'good' },
      { pointId: tag('bess1.p_kw'), ts: T, value: 100, quality: 'good' },
    ];
    sink?.(readings, { assetId: 'bess1' });
    await waitFor(() => published.length === 1);
    const flagged = (await registry.getSingleMetric('zcp_collector_readings_flagged_total')?.get())?.values ?? [];
    await collector.stop();
    await bus.close();
    return { batch: published[0] as TelemetryBatch, flagged };
  };

  it('marks an out-of-range reading bad (kept, value unchanged) and counts it by reason', async () => {
    const { batch, flagged } = await run();
    expect(batch.x).toEqual([150, 100]);
    expect(batch.q).toEqual([2, 0]);
    expect(flagged).toEqual([expect.objectContaining({ labels: { reason: 'above_max' }, value: 1 })]);
  });

  it('can be switched off', async () => {
    const { batch } = await run(false);
    expect(batch.q).toEqual([0, 0]);
  });
});
