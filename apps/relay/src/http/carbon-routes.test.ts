import type { Problem } from '@zcp/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry, LedgerEntrySummary, ManualItemRow, MeteredEnterpriseActivity } from '../carbon/ledger/index.js';
import { LEDGER_PARK, seedLedgerTelemetry } from '../carbon/ledger/ledger-contract.js';
import { ParkRegistry } from '../parks/park-registry.js';
import { createPgliteStore } from '../storage/index.js';
import type { ReadingStore } from '../storage/reading-store.js';
import { createApiApp } from './api-app.js';

let now = Date.UTC(2025, 1, 10);
let store: ReadingStore;
let app: ReturnType<typeof createApiApp>;
const park = LEDGER_PARK;

beforeAll(async () => {
  store = await createPgliteStore({});
  await store.migrate();
  await seedLedgerTelemetry(store);
  app = createApiApp({ parks: new ParkRegistry([park]), store, now: () => now });
}, 120_000);
afterAll(async () => store.close());

const send = (method: string, path: string, body?: unknown) =>
  app.request(path, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
const ok = async <T>(res: Response, status = 200): Promise<T> => {
  expect(res.status, await res.clone().text()).toBe(status);
  return (await res.json()) as T;
};
const problemOf = async (res: Response, status: number): Promise<Problem> => {
  expect(res.status, await res.clone().text()).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return (await res.json()) as Problem;
};
const gas = (enterpriseId: string, quantity: string) => ({
  enterpriseId,
  month: '2025-01',
  item: { kind: 'fuel', fuel: 'natural_gas', quantity, unit: '10^4Nm3', use: 'end_use', source: { type: 'manual', note: 'gas invoice' } },
});

describe('/api/carbon', () => {
  it('serves the parameter defaults and the factor library', async () => {
    const p = await ok<{ parameters: { id: string; value: string; unconfirmed: boolean }[] }>(await send('GET', '/api/carbon/parameters'));
    expect(p.parameters.find((x) => x.id === 'elec.park_method_factor_t_per_mwh')).toMatchObject({ value: '0.8325', unconfirmed: false });
    const f = await ok<{ datasets: { id: string; version: string; factors: { id: string }[] }[] }>(await send('GET', '/api/carbon/factors'));
    expect(f.datasets.find((d) => d.id === 'process-defaults')?.factors.map((x) => x.id)).toContain('process.cement_clinker.ipcc');
  });

  it('stores manual rows; bad rows come back as problem+json with each row’s error and the good rows are kept', async () => {
    const created = await ok<{ stored: ManualItemRow[] }>(await send('POST', '/api/carbon/parks/demo/activity', { rows: [gas('huaxin', '2')] }), 201);
    expect(created.stored).toHaveLength(1);
    const p = await problemOf(
      await send('POST', '/api/carbon/parks/demo/activity', { rows: [gas('nobody', '1'), gas('lvyuan', '3'), { ...gas('lvyuan', '1'), month: '2025-1' }] }),
      400,
    );
    expect(p.code).toBe('invalid_rows');
    expect(p.errors?.map((e) => e.path)).toEqual(['rows.0.enterpriseId', 'rows.2.month']);
    expect(p.detail).toMatch(/^2 of 3 rows rejected; the other 1 were stored/);
    const list = await ok<{ items: ManualItemRow[] }>(await send('GET', '/api/carbon/parks/demo/activity?period=2025-Q1'));
    expect(list.items.map((i) => i.enterpriseId)).toEqual(['huaxin', 'lvyuan']);
    const one = await ok<{ items: ManualItemRow[] }>(await send('GET', '/api/carbon/parks/demo/activity?period=2025-01&enterpriseId=lvyuan'));
    expect(one.items).toHaveLength(1);
    expect((await problemOf(await send('POST', '/api/carbon/parks/demo/activity', '{"rows": ['), 400)).code).toBe('invalid_json');
    expect((await problemOf(await send('POST', '/api/carbon/parks/demo/activity', { rows: [] }), 400)).code).toBe('invalid_body');
    expect((await problemOf(await send('POST', '/api/carbon/parks/nowhere/activity', { rows: [gas('huaxin', '1')] }), 404)).code).toBe('park_not_found');
  });

  it('serves the metered activity per enterprise and month', async () => {
    const m = await ok<{ enterprises: MeteredEnterpriseActivity[] }>(
      await send('GET', '/api/carbon/parks/demo/activity/metered?period=2025-01&enterpriseId=huaxin'),
    );
    expect(m.enterprises.map((e) => e.enterpriseId)).toEqual(['huaxin']);
    expect(m.enterprises[0]?.activities.map((a) => (a.kind === 'electricity' ? a.flow : a.kind))).toEqual([
      'grid_import',
      'grid_export',
      'pv_self',
      'direct_green',
    ]);
  });

  it('computes ledgers, keeps every entry and reads the latest, an older one by id or as of a time, and reproduces it', async () => {
    expect((await problemOf(await send('GET', '/api/carbon/parks/demo/ledger?period=2025-01'), 404)).code).toBe('ledger_entry_not_found');
    const t1 = now;
    const first = await ok<LedgerEntry>(await send('POST', '/api/carbon/parks/demo/ledger/compute', { period: '2025-01' }), 201);
    expect(first).toMatchObject({ period: '2025-01', periodKind: 'month', scope: 'park', computedAt: new Date(t1).toISOString() });
    now += 60_000;
    const second = await ok<LedgerEntry>(
      await send('POST', '/api/carbon/parks/demo/ledger/compute', {
        period: '2025-01',
        parameterOverrides: [{ id: 'elec.park_method_factor_t_per_mwh', value: '0.6', source: 'new factor', version: 'v2' }],
      }),
      201,
    );
    expect(second.result.parkMethod.E_elec.value).not.toBe(first.result.parkMethod.E_elec.value);
    expect((await ok<LedgerEntry>(await send('GET', '/api/carbon/parks/demo/ledger?period=2025-01'))).id).toBe(second.id);
    expect((await ok<LedgerEntry>(await send('GET', `/api/carbon/parks/demo/ledger?period=2025-01&entryId=${first.id}`))).result).toEqual(first.result);
    const asOf = await ok<LedgerEntry>(await send('GET', `/api/carbon/parks/demo/ledger?period=2025-01&at=${new Date(t1 + 1).toISOString()}`));
    expect(asOf.id).toBe(first.id);
    const entries = await ok<{ entries: LedgerEntrySummary[] }>(await send('GET', '/api/carbon/parks/demo/ledger/entries?period=2025-01'));
    expect(entries.entries.map((e) => e.id)).toEqual([second.id, first.id]);
    expect(entries.entries[1]?.parameterVersions['elec.park_method_factor_t_per_mwh']?.version).toBe('2022');
    const again = await ok<{ identical: boolean }>(await send('POST', `/api/carbon/parks/demo/ledger/entries/${first.id}/reproduce`));
    expect(again.identical).toBe(true);
    // An entry id of another period is not that period's ledger.
    expect((await problemOf(await send('GET', `/api/carbon/parks/demo/ledger?period=2025-02&entryId=${first.id}`), 404)).code).toBe('ledger_entry_not_found');
    const withGas = await ok<LedgerEntry>(
      await send('POST', '/api/carbon/parks/demo/ledger/compute', { period: '2025-02', parkAssetsEnterpriseId: 'service' }),
      201,
    );
    expect(Number(withGas.result.enterprises.find((e) => e.id === 'service')?.parkMethod.E_fuel.value)).toBeGreaterThan(0);
    const q = await ok<LedgerEntry>(await send('POST', '/api/carbon/parks/demo/ledger/compute', { period: '2025-Q1', enterpriseId: 'huaxin' }), 201);
    expect(q).toMatchObject({ periodKind: 'quarter', scope: 'enterprise', enterpriseId: 'huaxin' });
    expect((await ok<LedgerEntry>(await send('GET', '/api/carbon/parks/demo/ledger?period=2025-Q1&enterpriseId=huaxin'))).id).toBe(q.id);
  });

  it('answers bad queries, bodies and engine rejections with problem+json', async () => {
    const bad = await problemOf(await send('GET', '/api/carbon/parks/demo/ledger?period=2025-13'), 400);
    expect(bad).toMatchObject({ code: 'invalid_query' });
    expect(bad.errors?.[0]?.path).toBe('query.period');
    expect((await problemOf(await send('GET', '/api/carbon/parks/demo/ledger?period=2025&enterpriseId=nobody'), 404)).code).toBe('enterprise_not_found');
    expect(
      (
        await problemOf(
          await send('POST', '/api/carbon/parks/demo/ledger/compute', { period: '2025', parameterOverrides: [{ id: 'nope', value: 1, source: 'x' }] }),
          400,
        )
      ).code,
    ).toBe('invalid_body');
    expect((await problemOf(await send('POST', '/api/carbon/parks/demo/ledger/entries/0/reproduce'), 400)).code).toBe('invalid_entry_id');
    expect((await problemOf(await send('POST', '/api/carbon/parks/demo/ledger/entries/99999/reproduce'), 404)).code).toBe('ledger_entry_not_found');
    // A process product without a factor: the engine rejects the period (CARB-PM-7).
    await ok(
      await send('POST', '/api/carbon/parks/demo/activity', {
        rows: [
          {
            enterpriseId: 'xincai',
            month: '2025-03',
            item: { kind: 'process', product: 'mystery', quantity: '1', unit: 't', source: { type: 'manual', note: 'x' } },
          },
        ],
      }),
      201,
    );
    const engine = await problemOf(await send('POST', '/api/carbon/parks/demo/ledger/compute', { period: '2025-03' }), 400);
    expect(engine.code).toBe('carbon_unknown_factor');
  });

  it('imports a filled spreadsheet: template download, good rows stored, bad rows reported with their sheet row', async () => {
    const xlsx = await send('GET', '/api/carbon/parks/demo/activity/template');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(new Uint8Array(await xlsx.arrayBuffer()).subarray(0, 2)).toEqual(new Uint8Array([0x50, 0x4b])); // a zip
    const tpl = await send('GET', '/api/carbon/parks/demo/activity/template?format=csv&kind=fuel');
    expect(tpl.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = `${await tpl.text()}2025-01,huaxin,natural_gas,1.5,10^4Nm3,end_use,invoice 7\r\n2025-01,huaxin,unobtainium,1,t,end_use,\r\n`;
    const before = await ok<{ items: ManualItemRow[] }>(await send('GET', '/api/carbon/parks/demo/activity?period=2025-01&enterpriseId=huaxin'));
    const res = await app.request('/api/carbon/parks/demo/activity/import?kind=fuel&fileName=jan.csv', {
      method: 'POST',
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    const r = await ok<{ stored: number; rejected: number; errors: { row: number; column: string; reason: string; reasonZh: string }[] }>(res);
    expect(r.stored).toBe(1); // the example row is skipped, the unknown fuel rejected
    expect(r.rejected).toBe(1);
    expect(r.errors[0]).toMatchObject({ row: 4 });
    expect(r.errors[0]?.reason).toMatch(/unobtainium|fuel/);
    const after = await ok<{ items: ManualItemRow[] }>(await send('GET', '/api/carbon/parks/demo/activity?period=2025-01&enterpriseId=huaxin'));
    expect(after.items.length).toBe(before.items.length + 1);
    // Not a spreadsheet at all, a wrong media type, a CSV without its kind.
    const junk = await app.request('/api/carbon/parks/demo/activity/import', {
      method: 'POST',
      body: 'not a zip',
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect((await problemOf(junk, 400)).code).toBe('invalid_file');
    expect(
      (
        await problemOf(
          await app.request('/api/carbon/parks/demo/activity/import', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }),
          415,
        )
      ).code,
    ).toBe('unsupported_media_type');
    expect(
      (
        await problemOf(
          await app.request('/api/carbon/parks/demo/activity/import', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } }),
          400,
        )
      ).code,
    ).toBe('invalid_query');
  });

  it('serves the declaration report for a year as HTML (zh, en) and XLSX, from stored or freshly computed ledgers', async () => {
    const zh = await send('GET', '/api/carbon/parks/demo/report?year=2024');
    expect(zh.status, await zh.clone().text()).toBe(200);
    expect(zh.headers.get('content-type')).toMatch(/text\/html/);
    const html = await zh.text();
    expect(html).toContain('零碳园区');
    expect(html).toContain('<svg');
    expect(html).toContain('示范园区'); // the park's name, not its id
    expect(html).toContain('华芯半导体');
    const en = await (await send('GET', '/api/carbon/parks/demo/report?year=2024&lang=en')).text();
    expect(en).toMatch(/zero-carbon park/i);
    expect(en).toContain('Demo Park');
    expect(en).toContain('Huaxin Semiconductor');
    // The year and its 12 months now have stored park ledgers: the report used (and kept) them.
    const entries = await ok<{ entries: LedgerEntrySummary[] }>(await send('GET', '/api/carbon/parks/demo/ledger/entries?period=2024-03'));
    expect(entries.entries.length).toBeGreaterThanOrEqual(1);
    const xlsx = await send('GET', '/api/carbon/parks/demo/report?year=2024&format=xlsx');
    expect(xlsx.status).toBe(200);
    expect(new Uint8Array(await xlsx.arrayBuffer()).subarray(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
    expect((await problemOf(await send('GET', '/api/carbon/parks/demo/report?year=25'), 400)).code).toBe('invalid_query');
    // 2025 holds a manual process row without a factor (stored by an earlier test): the engine's reason, as a 400.
    expect((await problemOf(await send('GET', '/api/carbon/parks/demo/report?year=2025'), 400)).code).toBe('carbon_unknown_factor');
  });
});
