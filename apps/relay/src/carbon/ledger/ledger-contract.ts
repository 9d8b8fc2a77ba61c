import { computeParkCarbon, demoPark, energyMeters, enterpriseOfAsset, type Reading } from '@zcp/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingStore } from '../../storage/reading-store.js';
import { rollupOnce } from '../../storage/rollups/index.js';
import { computeLedger, reproduceLedgerEntry } from './compute-ledger.js';
import { insertManualItems, latestLedgerEntry, ledgerEntryById, listLedgerEntries, listManualItems } from './ledger-store.js';
import { validateManualRows } from './manual-items.js';
import { meteredActivity } from './metered-activity.js';
import { monthRangeMs, parseLedgerPeriod } from './periods.js';

/** What a backend's test file hands the contract: a migrated store and its teardown. */
export interface LedgerSubject {
  store: ReadingStore;
  cleanup(): Promise<void>;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const HOOK_TIMEOUT_MS = 120_000;
export const LEDGER_PARK = demoPark();
const METERS = energyMeters(LEDGER_PARK).filter((m) => m.scope === 'enterprise');
const huaxinPv = LEDGER_PARK.assets.find((a) => a.kind === 'pv_inverter' && enterpriseOfAsset(LEDGER_PARK, a) === 'huaxin');
/** One PV inverter generation counter of huaxin (the others stay silent). */
const PV_POINT = LEDGER_PARK.points.find((p) => p.assetId === huaxinPv?.id && p.metric === 'e_kwh')?.id as number;
/** The park-level gas boiler's counter. */
const GAS_POINT = LEDGER_PARK.points.find((p) => p.metric === 'gas_m3')?.id as number;
const pointOf = (tag: string): number => LEDGER_PARK.points.find((p) => p.tag === tag)?.id as number;
/** Bought steam (GJ counters) of tiancheng and kangning, and huaxin's direct green line (kWh). */
const TIANCHENG_HEAT = pointOf('tiancheng-heat.e_heat_gj');
const KANGNING_HEAT = pointOf('kangning-heat.e_heat_gj');
const HUAXIN_GREEN = pointOf('huaxin-green.e_import_kwh');
/** Jump of every counter across the unmetered gap, landing in January (local). */
const JUMP_KWH = 1000;

/**
 * Counter readings once a minute, 4 h around the local Dec→Jan boundary (2024-12-31 16:00 UTC)
 * and 4 h around Jan→Feb; each counter steps 0.25·(i+1) kWh a minute and jumps JUMP_KWH over
 * the gap between the windows.
 */
export function ledgerReadings(): Reading[] {
  const windows = [Date.UTC(2024, 11, 31, 14), Date.UTC(2025, 0, 31, 14)];
  const series = [
    ...METERS.map((m, i) => ({ pointId: m.pointId, step: 0.25 * (i + 1) })),
    { pointId: PV_POINT, step: 2 },
    { pointId: GAS_POINT, step: 0.5 },
    { pointId: TIANCHENG_HEAT, step: 0.125 },
    { pointId: KANGNING_HEAT, step: 0.3 },
    { pointId: HUAXIN_GREEN, step: 1.5 },
  ];
  return series.flatMap(({ pointId, step }, i) => {
    const out: Reading[] = [];
    let value = 100 * i;
    windows.forEach((start, w) => {
      for (let k = 0; k < 240; k++) {
        if (out.length > 0) value += w === 1 && k === 0 ? JUMP_KWH : step;
        out.push({ pointId, ts: start + k * MINUTE_MS + 7_000, value, quality: 'good' });
      }
    });
    return out;
  });
}

/** Brute force: each step of a counter belongs to the local month of the later reading. */
function expectedKwh(readings: readonly Reading[], pointId: number, month: string): number {
  const [from, to] = monthRangeMs(month, LEDGER_PARK.location.utcOffsetH);
  const rs = readings.filter((r) => r.pointId === pointId).sort((a, b) => a.ts - b.ts);
  let sum = 0;
  for (let k = 1; k < rs.length; k++) {
    const r = rs[k] as Reading;
    if (r.ts >= from && r.ts < to) sum += r.value - (rs[k - 1] as Reading).value;
  }
  return sum;
}

/** Seeds the readings and rolls them up, as the storage writer and the rollup worker do. */
export async function seedLedgerTelemetry(store: ReadingStore): Promise<Reading[]> {
  const readings = ledgerReadings();
  await store.sql.query(`select zcp_ensure_partitions('readings', 'day', $1::timestamptz, $2::timestamptz)`, [
    new Date(Date.UTC(2024, 11, 30)).toISOString(),
    new Date(Date.UTC(2025, 1, 2)).toISOString(),
  ]);
  await store.insertReadings(readings);
  await store.sql.query(
    `insert into rollup_pending (bucket) select distinct date_bin('1 minute', to_timestamp(ms / 1000), timestamptz 'epoch') from unnest($1::float8[]) as u (ms) on conflict do nothing`,
    [readings.map((r) => r.ts)],
  );
  for (;;) {
    const round = await rollupOnce(store.sql, { nowMs: Date.UTC(2025, 1, 2), graceMs: 0, maxMinutes: 1000 });
    if (round.minutes < 1000) break;
  }
  return readings;
}

const fuelRow = (enterpriseId: string, month: string, tonnes: string) => ({
  enterpriseId,
  month,
  item: { kind: 'fuel', fuel: 'natural_gas', quantity: tonnes, unit: '10^4Nm3', use: 'end_use', source: { type: 'manual', note: 'gas invoice' } },
});

/**
 * The ledger's behaviour on one backend: metered activity from rollups by local month, manual
 * items validated row by row, entries appended with their inputs and reproducible after a
 * factor change, certificates retired once across periods.
 */
export function ledgerContract(name: string, open: () => Promise<LedgerSubject>): void {
  describe(`carbon ledger (${name})`, () => {
    let subject: LedgerSubject;
    let readings: Reading[];
    const park = LEDGER_PARK;
    beforeAll(async () => {
      subject = await open();
      readings = await seedLedgerTelemetry(subject.store);
    }, HOOK_TIMEOUT_MS);
    afterAll(async () => subject?.cleanup());

    it('meters every enterprise per local month from the rollups: grid import and export, source metered with the meter points', async () => {
      const period = parseLedgerPeriod('2025-Q1');
      if (!period) throw new Error('period');
      const metered = await meteredActivity(subject.store.sql, park, period);
      expect(metered.map((m) => m.enterpriseId)).toEqual(park.enterprises.map((e) => e.id));
      for (const m of METERS) {
        const items = metered.find((x) => x.enterpriseId === m.enterpriseId)?.activities ?? [];
        for (const month of ['2025-01', '2025-02', '2025-03']) {
          const item = items.find(
            (a) => a.kind === 'electricity' && a.month === month && a.flow === (m.direction === 'import' ? 'grid_import' : 'grid_export'),
          );
          expect(item, `${m.pointId} ${month}`).toMatchObject({ unit: 'kWh', source: { type: 'metered' } });
          if (item?.kind !== 'electricity') throw new Error('electricity');
          expect(Number(item.quantity), `${m.pointId} ${month}`).toBeCloseTo(expectedKwh(readings, m.pointId, month), 6);
          expect(item.source.note).toContain(String(m.pointId));
          if (m.direction === 'export') expect(item.origin).toBe('non_fossil');
        }
      }
      // December's steps stay in December: January starts at local midnight (16:00 UTC).
      const dec = await meteredActivity(subject.store.sql, park, parseLedgerPeriod('2024-12') as NonNullable<ReturnType<typeof parseLedgerPeriod>>);
      const first = METERS[0];
      if (!first) throw new Error('meters');
      const item = dec.find((x) => x.enterpriseId === first.enterpriseId)?.activities[0];
      expect(item?.kind === 'electricity' && Number(item.quantity)).toBeCloseTo(119 * 0.25, 6);
      expect(expectedKwh(readings, first.pointId, '2025-01')).toBeCloseTo(239 * 0.25 + JUMP_KWH, 6);
    });

    it('meters PV self-consumption (generation minus export) and gas boilers, park-level ones only when assigned', async () => {
      const period = parseLedgerPeriod('2025-01') as NonNullable<ReturnType<typeof parseLedgerPeriod>>;
      const huaxinExport = METERS.find((m) => m.enterpriseId === 'huaxin' && m.direction === 'export')?.pointId as number;
      const plain = await meteredActivity(subject.store.sql, park, period);
      const pv = plain.find((e) => e.enterpriseId === 'huaxin')?.activities.find((a) => a.kind === 'electricity' && a.flow === 'pv_self');
      const expected = expectedKwh(readings, PV_POINT, '2025-01') - expectedKwh(readings, huaxinExport, '2025-01');
      expect(expected).toBeGreaterThan(0);
      expect(pv?.kind === 'electricity' && Number(pv.quantity)).toBeCloseTo(expected, 6);
      expect(pv?.source.note).toContain(String(PV_POINT));
      expect(plain.flatMap((e) => e.activities).filter((a) => a.kind === 'fuel')).toEqual([]);
      const assigned = await meteredActivity(subject.store.sql, park, period, { parkAssetsEnterpriseId: 'service' });
      const gas = assigned.find((e) => e.enterpriseId === 'service')?.activities.find((a) => a.kind === 'fuel');
      expect(gas).toMatchObject({ fuel: 'natural_gas', unit: 'Nm3', use: 'heat_supply', month: '2025-01', source: { type: 'metered' } });
      expect(gas?.kind === 'fuel' && Number(gas.quantity)).toBeCloseTo(expectedKwh(readings, GAS_POINT, '2025-01'), 6);
    });

    it('meters bought heat (GJ, import, origin from the asset) and direct green supply (kWh, with its facility) per local month (CARB-MET-1)', async () => {
      const period = parseLedgerPeriod('2025-Q1') as NonNullable<ReturnType<typeof parseLedgerPeriod>>;
      const metered = await meteredActivity(subject.store.sql, park, period);
      const of = (enterpriseId: string) => metered.find((e) => e.enterpriseId === enterpriseId)?.activities ?? [];
      // Hand-computed: 119 one-minute steps in local December, 239 steps + the 1000 jump in January, 120 in February.
      expect(of('tiancheng').filter((a) => a.kind === 'heat')).toEqual(
        [
          ['2025-01', '1029.875'],
          ['2025-02', '15'],
          ['2025-03', '0'],
        ].map(([month, quantity]) => ({
          id: `metered:tiancheng:heat_import:fossil:${month}`,
          kind: 'heat',
          flow: 'import',
          origin: 'fossil',
          month,
          quantity,
          unit: 'GJ',
          source: { type: 'metered', note: `telemetry rollups 1h: bought heat meters (fossil), points ${TIANCHENG_HEAT}` },
        })),
      );
      // 239 × 0.3 + 1000 = 1071.7 GJ.
      expect(of('kangning').find((a) => a.kind === 'heat' && a.month === '2025-01')).toMatchObject({ quantity: '1071.7', unit: 'GJ', origin: 'fossil' });
      // 239 × 1.5 + 1000 = 1358.5 kWh; 120 × 1.5 = 180 kWh.
      const green = of('huaxin').filter((a) => a.kind === 'electricity' && a.flow === 'direct_green');
      expect(
        green.map((a) => [a.month, a.kind === 'electricity' && a.facilityId, a.kind === 'electricity' && a.quantity, a.kind === 'electricity' && a.unit]),
      ).toEqual([
        ['2025-01', 'WIND-DAFENG-01', '1358.5', 'kWh'],
        ['2025-02', 'WIND-DAFENG-01', '180', 'kWh'],
        ['2025-03', 'WIND-DAFENG-01', '0', 'kWh'],
      ]);
      expect(green[0]?.source.note).toContain(String(HUAXIN_GREEN));
      // The green line is not grid import: huaxin's grid import is its main meter alone.
      const huaxinImport = METERS.find((m) => m.enterpriseId === 'huaxin' && m.direction === 'import')?.pointId as number;
      const imported = of('huaxin').find((a) => a.kind === 'electricity' && a.flow === 'grid_import' && a.month === '2025-01');
      expect(Number(imported?.kind === 'electricity' && imported.quantity)).toBeCloseTo(expectedKwh(readings, huaxinImport, '2025-01'), 6);
      // Enterprises without heat meters or green lines get no such items.
      expect(of('jinggong').some((a) => a.kind === 'heat' || (a.kind === 'electricity' && a.flow === 'direct_green'))).toBe(false);
      // A heat meter stated non-fossil gives non-fossil heat.
      const greenHeat = { ...park, assets: park.assets.map((a) => (a.id === 'kangning-heat' ? { ...a, heatOrigin: 'non_fossil' as const } : a)) };
      const nonFossil = (await meteredActivity(subject.store.sql, greenHeat, parseLedgerPeriod('2025-01') as typeof period)).find(
        (e) => e.enterpriseId === 'kangning',
      );
      expect(nonFossil?.activities.find((a) => a.kind === 'heat')).toMatchObject({
        id: 'metered:kangning:heat_import:non_fossil:2025-01',
        origin: 'non_fossil',
        quantity: '1071.7',
      });
    });

    it('validates manual rows one by one with the model schema; good rows are stored, bad ones listed by path', async () => {
      const { items, errors } = validateManualRows(park, [
        fuelRow('huaxin', '2025-01', '2'),
        { enterpriseId: 'nobody', month: '2025-01', item: fuelRow('huaxin', '2025-01', '1').item },
        { enterpriseId: 'lvyuan', month: '2025-01', item: { ...fuelRow('lvyuan', '2025-01', '1').item, quantity: '-1' } },
        { enterpriseId: 'lvyuan', month: '2025-13', item: fuelRow('lvyuan', '2025-01', '1').item },
        {
          enterpriseId: 'lvyuan',
          month: '2025-01',
          item: { kind: 'electricity', flow: 'grid_export', quantity: 1, unit: 'MWh', source: { type: 'manual', note: 'x' } },
        },
        {
          enterpriseId: 'lvyuan',
          month: '2025-01',
          certificate: { id: 'GEC-1', kind: 'GEC', mwh: '1', vintage: '2024-12', enterprise: 'lvyuan', source: { type: 'manual', note: 'GEC platform' } },
        },
      ]);
      expect(items.map((i) => i.index)).toEqual([0, 5]);
      expect(errors.map((e) => e.path)).toEqual(['rows.1.enterpriseId', 'rows.2.item.quantity', 'rows.3.month', 'rows.4.item.origin']);
      const stored = await insertManualItems(
        subject.store.sql,
        park.id,
        items.map((i) => i.item),
        Date.UTC(2025, 1, 5),
      );
      expect(stored.map((s) => s.record.type)).toEqual(['activity', 'certificate']);
      expect(stored[0]).toMatchObject({
        parkId: park.id,
        enterpriseId: 'huaxin',
        month: '2025-01',
        source: 'gas invoice',
        createdAt: '2025-02-05T00:00:00.000Z',
      });
      const listed = await listManualItems(subject.store.sql, park.id, { from: '2025-01', to: '2025-03' });
      expect(listed).toEqual(stored);
      expect(await listManualItems(subject.store.sql, park.id, { from: '2025-02', to: '2025-03' })).toEqual([]);
      expect(await listManualItems(subject.store.sql, park.id, { from: '2025-01', to: '2025-01', enterpriseId: 'lvyuan' })).toEqual([stored[1]]);
    });

    it('computes a period from metered and manual data, stores it with its input, and keeps the old entry reproducible after a factor change', async () => {
      const period = parseLedgerPeriod('2025-01');
      if (!period) throw new Error('period');
      const t1 = Date.UTC(2025, 1, 10);
      const first = await computeLedger(subject.store.sql, park, period, { nowMs: t1 });
      expect(first).toMatchObject({
        parkId: park.id,
        periodKind: 'month',
        period: '2025-01',
        scope: 'park',
        enterpriseId: null,
        computedAt: new Date(t1).toISOString(),
      });
      expect(first.result.period).toEqual({ from: '2025-01', to: '2025-01', months: 1 });
      // Metered + manual in the input; the manual gas and the certificate reach the result.
      const huaxin = first.input.activity.enterprises.find((e) => e.id === 'huaxin');
      expect(huaxin?.activities.map((a) => (a.kind === 'electricity' ? a.flow : a.kind))).toEqual([
        'grid_import',
        'grid_export',
        'pv_self',
        'direct_green',
        'fuel',
      ]);
      expect(huaxin?.activities.map((a) => a.source.type)).toEqual(['metered', 'metered', 'metered', 'metered', 'manual']);
      expect(Number(first.result.enterprises.find((e) => e.id === 'huaxin')?.parkMethod.E_fuel.value)).toBeGreaterThan(0);
      expect(first.result.certificates.applied).toEqual([{ enterpriseId: 'lvyuan', mwh: '1', certificateIds: ['GEC-1'] }]);
      expect(first.parameterVersions['elec.park_method_factor_t_per_mwh']).toEqual({ version: '2022', value: '0.8325', overridden: false });
      expect(first.factorVersions).toContain('process-defaults@2025.1');
      expect(first.result).toEqual(computeParkCarbon(first.input.activity, { previouslyRetiredCertificateIds: [] }));
      // Metered heat and direct green reach the park method (CARB-PM-5, CARB-PM-4, CARB-TCE-2/3), hand-computed:
      // tiancheng 1029.875 GJ fossil × 0.11 = 113.28625 t, × 0.03412 = 35.139335 tce; kangning 1071.7 GJ × 0.11 = 117.887 t;
      // huaxin 1358.5 kWh direct green: EF 0, 1.3585 MWh × 0.3 tce/MWh = 0.40755 tce of its electricity.
      const ent = (id: string) => first.result.enterprises.find((e) => e.id === id);
      expect(Number(ent('tiancheng')?.parkMethod.E_heat.value)).toBeCloseTo(113.28625, 9);
      expect(Number(ent('tiancheng')?.energy.heat.value)).toBeCloseTo(35.139335, 9);
      expect(Number(ent('kangning')?.parkMethod.E_heat.value)).toBeCloseTo(117.887, 9);
      expect(Number(first.result.parkMethod.E_heat.value)).toBeCloseTo(113.28625 + 117.887, 9);
      expect(ent('huaxin')?.electricity.directGreenMwh).toBe('1.3585');
      const huaxinGrid = Number(ent('huaxin')?.electricity.gridImportMwh);
      expect(Number(ent('huaxin')?.parkMethod.E_elec.value)).toBeCloseTo(huaxinGrid * 0.8325, 9);
      // CARB-CERT-3 end to end: a certificate of the wind farm that feeds huaxin's green line is not applied on top of it.
      const overlap = computeParkCarbon(
        {
          ...first.input.activity,
          certificates: [
            ...(first.input.activity.certificates ?? []),
            {
              id: 'GEC-WIND-1',
              kind: 'GEC',
              mwh: '0.5',
              vintage: '2025-01',
              enterprise: 'huaxin',
              facilityId: 'WIND-DAFENG-01',
              source: { type: 'manual', note: 'GEC platform' },
            },
          ],
        },
        { previouslyRetiredCertificateIds: [] },
      );
      expect(overlap.certificates.violations.map((v) => [v.code, v.certificateIds])).toEqual([['overlaps_direct_supply', ['GEC-WIND-1']]]);

      // A new factor version: recompute; the first entry is kept and still reproduces.
      const t2 = t1 + HOUR_MS;
      const second = await computeLedger(subject.store.sql, park, period, {
        nowMs: t2,
        parameterOverrides: [{ id: 'elec.park_method_factor_t_per_mwh', value: '0.5', source: 'test factor', version: 'test-2' }],
      });
      expect(second.id).not.toBe(first.id);
      expect(second.parameterVersions['elec.park_method_factor_t_per_mwh']).toEqual({ version: 'test-2', value: '0.5', overridden: true });
      expect(second.result.parkMethod.E_elec.value).not.toBe(first.result.parkMethod.E_elec.value);
      const sql = subject.store.sql;
      expect((await latestLedgerEntry(sql, park.id, { period: '2025-01' }))?.id).toBe(second.id);
      expect((await latestLedgerEntry(sql, park.id, { period: '2025-01', atMs: t2 - 1 }))?.id).toBe(first.id);
      expect(await latestLedgerEntry(sql, park.id, { period: '2025-01', atMs: t1 - 1 })).toBeUndefined();
      expect((await listLedgerEntries(sql, park.id, { period: '2025-01' })).map((e) => e.id)).toEqual([second.id, first.id]);
      const old = await ledgerEntryById(sql, park.id, first.id);
      expect(old).toEqual(first);
      expect(reproduceLedgerEntry(old as NonNullable<typeof old>)).toEqual(first.result);
      expect(await ledgerEntryById(sql, 'other-park', first.id)).toBeUndefined();
    });

    it('computes quarters and years over their months, and one enterprise alone on its own scope', async () => {
      const sql = subject.store.sql;
      const q = await computeLedger(sql, park, parseLedgerPeriod('2025-Q1') as NonNullable<ReturnType<typeof parseLedgerPeriod>>, {
        nowMs: Date.UTC(2025, 3, 1),
      });
      expect(q.result.period.months).toBe(3);
      expect(q.periodKind).toBe('quarter');
      const e = await computeLedger(sql, park, parseLedgerPeriod('2025-01') as NonNullable<ReturnType<typeof parseLedgerPeriod>>, {
        nowMs: Date.UTC(2025, 3, 2),
        enterpriseId: 'huaxin',
      });
      expect(e).toMatchObject({ scope: 'enterprise', enterpriseId: 'huaxin' });
      expect(e.result.enterprises.map((x) => x.id)).toEqual(['huaxin']);
      expect((await latestLedgerEntry(sql, park.id, { period: '2025-01', enterpriseId: 'huaxin' }))?.id).toBe(e.id);
      // The park's current entry is not the enterprise's.
      expect((await latestLedgerEntry(sql, park.id, { period: '2025-01' }))?.scope).toBe('park');
    });

    it('does not apply a certificate a current entry of an earlier period already retired (CARB-CERT-1)', async () => {
      const sql = subject.store.sql;
      const { items, errors } = validateManualRows(park, [
        {
          enterpriseId: 'lvyuan',
          month: '2025-02',
          certificate: { id: 'GEC-1', kind: 'GEC', mwh: '0.05', vintage: '2025-01', enterprise: 'lvyuan', source: { type: 'manual', note: 'claimed again' } },
        },
      ]);
      expect(errors).toEqual([]);
      await insertManualItems(
        sql,
        park.id,
        items.map((i) => i.item),
        Date.UTC(2025, 2, 1),
      );
      const feb = await computeLedger(sql, park, parseLedgerPeriod('2025-02') as NonNullable<ReturnType<typeof parseLedgerPeriod>>, {
        nowMs: Date.UTC(2025, 3, 3),
      });
      expect(feb.input.previouslyRetiredCertificateIds).toEqual(['GEC-1']);
      expect(feb.result.certificates.applied).toEqual([]);
      expect(feb.result.certificates.violations.map((v) => v.code)).toEqual(['previously_retired']);
      expect(feb.valid).toBe(false);
      expect(reproduceLedgerEntry(feb)).toEqual(feb.result);
    });
  });
}
