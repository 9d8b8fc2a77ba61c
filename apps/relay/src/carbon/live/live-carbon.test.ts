import { type Bus, connectNatsBus, createMemoryBus } from '@zcp/bus';
import {
  type CarbonWindow,
  CarbonWindowSchema,
  carbonStream,
  demoPark,
  EnterpriseCarbonWindowSchema,
  encodeTelemetryBatch,
  type Reading,
  subjects,
  telemetryBatch,
  telemetryStream,
} from '@zcp/model';
import { describeWithServer, serverUrls, uniqueName, waitFor } from '@zcp/testkit';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveCarbon } from './live-carbon.js';

const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);
const HUAXIN_IN = 79; // huaxin's main import meter in the demo park
const GRID_IN = 5;
const tagged = (tag: string) => demoPark().points.find((p) => p.tag === tag)?.id as number;
const TIANCHENG_HEAT = tagged('tiancheng-heat.e_heat_gj');
const HUAXIN_GREEN = tagged('huaxin-green.e_import_kwh');
const logger = pino({ level: 'silent' });
const dec = new TextDecoder();

function liveCarbonContract(name: string, makeBus: () => Promise<Bus>) {
  describe(`live carbon over the ${name} bus`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    it('publishes each closed window to the carbon subjects and hands it to onWindow', async () => {
      const bus = await makeBus();
      cleanups.push(() => bus.close());
      const park = { ...demoPark(), id: uniqueName('p') };
      await bus.ensureStream(telemetryStream(park.id));
      cleanups.push(() => bus.deleteStream(telemetryStream(park.id).name));
      let clock = T0;
      const emitted: CarbonWindow[] = [];
      const carbon = await startLiveCarbon({ park, bus, logger, now: () => clock, tickMs: 0, onWindow: (w) => emitted.push(w) });
      cleanups.push(async () => {
        await carbon.stop();
        await bus.deleteStream(carbonStream(park.id).name);
      });
      const onBus: { subject: string; body: unknown }[] = [];
      const sub = bus.subscribe(subjects.carbonAll(park.id), (m) => onBus.push({ subject: m.subject, body: JSON.parse(dec.decode(m.data)) }));
      cleanups.push(async () => sub.unsubscribe());

      const r = (pointId: number, s: number, value: number): Reading => ({ pointId, ts: T0 + s * 1000, value, quality: 'good' });
      const batch = telemetryBatch({ batchId: 'b1', parkId: park.id, assetId: 'grid', source: 'test' }, [
        r(HUAXIN_IN, 1, 2000),
        r(HUAXIN_IN, 31, 2120),
        r(GRID_IN, 1, 9000),
        r(GRID_IN, 31, 9200),
        r(TIANCHENG_HEAT, 1, 400),
        r(TIANCHENG_HEAT, 31, 401.5),
        r(HUAXIN_GREEN, 1, 70_000),
        r(HUAXIN_GREEN, 31, 70_030),
      ]);
      await bus.publish(subjects.telemetry(park.id, 'grid'), encodeTelemetryBatch(batch));
      await new Promise((resolve) => setTimeout(resolve, 200)); // subscriptions deliver asynchronously
      clock = T0 + 70_000;
      const closed = await carbon.tick();
      expect(closed).toHaveLength(1);
      expect(emitted).toEqual(closed);
      const w = closed[0] as CarbonWindow;
      // 120 kWh grid × 0.8325 = 0.0999 t; + 30 kWh direct green (EF 0): 150 kWh × 0.3 = 0.045 tce; 0.0999 / 0.045 = 2.22
      expect(w.enterprises.find((e) => e.enterpriseId === 'huaxin')).toMatchObject({ kwh: 150, directGreenKwh: 30, tco2: 0.0999, tce: 0.045, intensity: 2.22 });
      // 1.5 GJ fossil steam: × 0.11 = 0.165 t, × 0.03412 = 0.05118 tce
      expect(w.enterprises.find((e) => e.enterpriseId === 'tiancheng')).toMatchObject({ heatGj: 1.5, tco2: 0.165, tce: 0.05118 });
      // park: 200 kWh grid + 30 green = 230 kWh → 0.069 tce, 0.1665 t; + heat: 0.3315 t, 0.12018 tce
      expect(w.park).toMatchObject({ kwh: 230, tco2: 0.3315, tce: 0.12018 });

      await waitFor(() => onBus.length === 1 + park.enterprises.length, { what: 'park + enterprise carbon messages' });
      const parkMsg = onBus.find((m) => m.subject === subjects.carbonOfPark(park.id));
      expect(CarbonWindowSchema.parse(parkMsg?.body)).toEqual(w);
      const huaxinMsg = onBus.find((m) => m.subject === subjects.carbon(park.id, 'huaxin'));
      expect(EnterpriseCarbonWindowSchema.parse(huaxinMsg?.body)).toMatchObject({
        parkId: park.id,
        windowStart: T0,
        kwh: 150,
        directGreenKwh: 30,
        intensity: 2.22,
      });
      expect(await carbon.tick()).toEqual([]);
    });
  });
}

liveCarbonContract('memory', async () => createMemoryBus());
await describeWithServer(['nats'], 'live carbon with NATS', () => {
  liveCarbonContract('NATS', () => connectNatsBus({ url: serverUrls.nats, name: 'zcp-live-carbon-test' }));
});
