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
      ]);
      await bus.publish(subjects.telemetry(park.id, 'grid'), encodeTelemetryBatch(batch));
      await new Promise((resolve) => setTimeout(resolve, 200)); // subscriptions deliver asynchronously
      clock = T0 + 70_000;
      const closed = await carbon.tick();
      expect(closed).toHaveLength(1);
      expect(emitted).toEqual(closed);
      const w = closed[0] as CarbonWindow;
      // 120 kWh × 0.8325 = 0.0999 t; × 0.3 = 0.036 tce; 2.775 tCO2/tce
      expect(w.enterprises.find((e) => e.enterpriseId === 'huaxin')).toMatchObject({ kwh: 120, tco2: 0.0999, tce: 0.036, intensity: 2.775 });
      expect(w.park).toMatchObject({ kwh: 200, tco2: 0.1665, tce: 0.06 });

      await waitFor(() => onBus.length === 1 + park.enterprises.length, { what: 'park + enterprise carbon messages' });
      const parkMsg = onBus.find((m) => m.subject === subjects.carbonOfPark(park.id));
      expect(CarbonWindowSchema.parse(parkMsg?.body)).toEqual(w);
      const huaxinMsg = onBus.find((m) => m.subject === subjects.carbon(park.id, 'huaxin'));
      expect(EnterpriseCarbonWindowSchema.parse(huaxinMsg?.body)).toMatchObject({ parkId: park.id, windowStart: T0, kwh: 120, intensity: 2.775 });
      expect(await carbon.tick()).toEqual([]);
    });
  });
}

liveCarbonContract('memory', async () => createMemoryBus());
await describeWithServer(['nats'], 'live carbon with NATS', () => {
  liveCarbonContract('NATS', () => connectNatsBus({ url: serverUrls.nats, name: 'zcp-live-carbon-test' }));
});
