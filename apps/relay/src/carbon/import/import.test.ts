import { CarbonActivityInputSchema, computeParkCarbon } from '@zcp/model';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  buildActivityCsvTemplate,
  buildActivityTemplate,
  EXAMPLE_NOTE,
  mergeImportedRows,
  parseActivityCsv,
  parseActivityWorkbook,
  README_SHEET,
  SHEETS,
} from './index.js';

const ENTERPRISES = [
  { id: 'cement', name: '水泥厂' },
  { id: 'steel', name: '钢厂' },
];
const KNOWN = ENTERPRISES.map((e) => e.id);
const CALORIFIC = [{ id: 'elec.equivalent_value_kgce_per_kwh' as const, value: '0.1229', source: 'test' }];

const load = async (buf: Buffer) => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
  return wb;
};
const save = async (wb: ExcelJS.Workbook) => Buffer.from(await wb.xlsx.writeBuffer());
const sheet = (wb: ExcelJS.Workbook, name: string) => {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}`);
  return ws;
};

/** Fills rows (from row 3, below the example) of a template sheet, by column key. */
function fill(ws: ExcelJS.Worksheet, kind: string, rows: Record<string, string | number | boolean>[]) {
  const spec = SHEETS.find((s) => s.kind === kind);
  if (!spec) throw new Error(kind);
  rows.forEach((r, i) => {
    ws.getRow(3 + i).values = spec.columns.map((c) => r[c.key] ?? null);
  });
}

describe('buildActivityTemplate', () => {
  it('writes a README and one sheet per kind with bilingual headers, drop-downs and an example row', async () => {
    const wb = await load(await buildActivityTemplate({ enterprises: ENTERPRISES }));
    const names = wb.worksheets.map((w) => w.name);
    expect(names[0]).toBe(README_SHEET);
    for (const s of SHEETS) expect(names).toContain(s.name);
    const fuel = sheet(wb, '燃料 fuel');
    expect(fuel.getCell('A1').value).toBe('月份 month');
    expect(fuel.getCell('B1').value).toBe('企业 enterprise');
    expect(fuel.getCell('C2').value).toBe('diesel');
    expect(fuel.getCell('G2').value).toBe(EXAMPLE_NOTE);
    expect(fuel.getCell('C10').dataValidation?.type).toBe('list');
    expect(String(fuel.getCell('E10').dataValidation?.formulae?.[0])).toContain('Nm3');
    expect(String(fuel.getCell('B10').dataValidation?.formulae?.[0])).toContain('lists!');
    const readme = sheet(wb, README_SHEET);
    const text = readme.getSheetValues().flat().join(' ');
    expect(text).toContain('raw_coal');
    expect(text).toContain('水泥厂');
  });

  it('the untouched template imports as nothing: example rows are skipped', async () => {
    const r = await parseActivityWorkbook(await buildActivityTemplate(), { fileName: 't.xlsx' });
    expect(r).toEqual({ items: [], errors: [] });
  });

  it('a CSV template per kind carries a BOM, the headers and the example row', () => {
    const csv = buildActivityCsvTemplate('certificate');
    expect(csv.startsWith('\uFEFF月份 month,企业 enterprise,证书编号 certificate id')).toBe(true);
    expect(parseActivityCsv(csv, 'certificate')).toEqual({ items: [], errors: [] });
  });
});

describe('round trip: template → filled with exceljs → parse → computeParkCarbon', () => {
  it('every sheet imports, items carry manual sources, the merged input passes the schema and computes', async () => {
    const wb = await load(await buildActivityTemplate({ enterprises: ENTERPRISES }));
    fill(sheet(wb, '燃料 fuel'), 'fuel', [
      { month: '2025-01', enterprise: 'cement', fuel: 'diesel', quantity: 20, unit: 't', use: 'end_use', note: 'invoice 123' },
      { month: '2025-02', enterprise: 'steel', fuel: 'natural_gas', quantity: '50000', unit: 'Nm3', use: 'end_use' },
    ]);
    fill(sheet(wb, '工业过程 process'), 'process', [{ month: '2025-01', enterprise: 'cement', product: 'cement_clinker', quantity: 1000, unit: 't' }]);
    fill(sheet(wb, '电力 electricity'), 'electricity', [
      { month: '2025-01', enterprise: 'cement', flow: 'grid_import', quantity: 1200, unit: 'MWh' },
      { month: '2025-01', enterprise: 'steel', flow: 'pv_self', quantity: 30, unit: 'MWh', certificatesSold: 'false' },
    ]);
    fill(sheet(wb, '热力 heat'), 'heat', [{ month: '2025-02', enterprise: 'steel', flow: 'import', quantity: 500, unit: 'GJ', origin: 'fossil' }]);
    fill(sheet(wb, '国际燃料舱 bunker'), 'bunker', [{ month: '2025-02', enterprise: 'steel', mode: 'marine', fuel: 'fuel_oil', quantity: 10, unit: 't' }]);
    fill(sheet(wb, '固废 solid waste'), 'solid_waste', [{ month: '2025-01', enterprise: 'cement', generatedT: 120, utilisedT: 100 }]);
    fill(sheet(wb, '余热 waste heat'), 'waste_heat', [{ month: '2025-01', enterprise: 'cement', availableGj: 800, utilisedGj: 600 }]);
    fill(sheet(wb, '水 water'), 'water', [{ month: '2025-01', enterprise: 'cement', intakeM3: 5000, reusedM3: 4000 }]);
    fill(sheet(wb, '绿证 certificates'), 'certificate', [{ month: '2025-01', enterprise: 'cement', id: 'GEC-1', kind: 'GEC', mwh: 300, vintage: '2024-12' }]);
    const r = await parseActivityWorkbook(await save(wb), { fileName: 'jan.xlsx', enterprises: KNOWN });
    expect(r.errors).toEqual([]);
    expect(r.items).toHaveLength(11);
    const diesel = r.items.find((i) => i.type === 'activity' && i.item.kind === 'fuel' && i.item.fuel === 'diesel');
    expect(diesel).toMatchObject({ enterprise: 'cement', month: '2025-01', row: 3, sheet: '燃料 fuel' });
    expect(diesel?.type === 'activity' && diesel.item.source).toEqual({ type: 'manual', note: 'jan.xlsx sheet 燃料 fuel row 3 — invoice 123' });
    const cert = r.items.find((i) => i.type === 'certificate');
    expect(cert?.type === 'certificate' && cert.certificate).toMatchObject({ id: 'GEC-1', enterprise: 'cement', mwh: '300' });

    const input = mergeImportedRows(
      { schema: 'zcp.carbon.activity/v1', park: { id: 'demo' }, period: { from: '2025-01', to: '2025-02' }, enterprises: [], parameters: CALORIFIC },
      r.items,
    );
    expect(CarbonActivityInputSchema.safeParse(input).success).toBe(true);
    const result = computeParkCarbon(input);
    expect(result.parkMethod.E_process.value).toBe('507');
  });

  it('reads the same example figures through CSV as through XLSX', () => {
    const csv = `\uFEFF月份,企业,燃料,数量,单位,用途\r\n2025-01,cement,diesel,20,t,end_use\r\n`;
    const r = parseActivityCsv(csv, 'fuel', { fileName: 'fuel.csv', enterprises: KNOWN });
    expect(r.errors).toEqual([]);
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({
      type: 'activity',
      row: 2,
      item: { kind: 'fuel', fuel: 'diesel', quantity: '20', source: { note: 'fuel.csv sheet fuel row 2' } },
    });
  });
});

describe('bad rows are reported and good rows kept', () => {
  it('unknown fuel, negative quantity, bad month, unknown enterprise, bad enum, not a number, missing value', async () => {
    const wb = await load(await buildActivityTemplate());
    fill(sheet(wb, '燃料 fuel'), 'fuel', [
      { month: '2025-01', enterprise: 'cement', fuel: 'diesel', quantity: 20, unit: 't', use: 'end_use' }, // row 3 good
      { month: '2025-01', enterprise: 'cement', fuel: 'unobtainium', quantity: 20, unit: 't', use: 'end_use' }, // 4
      { month: '2025-01', enterprise: 'cement', fuel: 'diesel', quantity: -5, unit: 't', use: 'end_use' }, // 5
      { month: '2025-13', enterprise: 'cement', fuel: 'diesel', quantity: 5, unit: 't', use: 'end_use' }, // 6
      { month: '2025-01', enterprise: 'ghost', fuel: 'diesel', quantity: 5, unit: 't', use: 'end_use' }, // 7
      { month: '2025-01', enterprise: 'cement', fuel: 'diesel', quantity: 5, unit: 'barrel', use: 'end_use' }, // 8
      { month: '2025-01', enterprise: 'cement', fuel: 'diesel', quantity: 'lots', unit: 't', use: 'end_use' }, // 9
      { month: '2025-01', enterprise: 'steel', fuel: 'raw_coal', unit: 't', use: 'end_use' }, // 10 no quantity
      { month: '2025-02', enterprise: 'steel', fuel: 'raw_coal', quantity: '1,200.5', unit: 't', use: 'end_use' }, // 11 good
    ]);
    fill(sheet(wb, '电力 electricity'), 'electricity', [{ month: '2025-01', enterprise: 'steel', flow: 'grid_export', quantity: 3, unit: 'MWh' }]);
    const r = await parseActivityWorkbook(await save(wb), { fileName: 'bad.xlsx', enterprises: KNOWN });
    expect(r.items.map((i) => i.row)).toEqual([3, 11]);
    const by = (row: number) => r.errors.filter((e) => e.sheet === '燃料 fuel' && e.row === row);
    expect(by(4)[0]).toMatchObject({ column: '燃料 fuel', value: 'unobtainium' });
    expect(by(4)[0]?.reason).toMatch(/unknown fuel "unobtainium"/);
    expect(by(4)[0]?.reasonZh).toMatch(/未知燃料/);
    expect(by(5)[0]).toMatchObject({ column: '数量 quantity', value: '-5' });
    expect(by(5)[0]?.reason).toMatch(/must not be negative/);
    expect(by(6)[0]).toMatchObject({ column: '月份 month', value: '2025-13' });
    expect(by(6)[0]?.reason).toMatch(/YYYY-MM/);
    expect(by(7)[0]?.reason).toBe('unknown enterprise "ghost"');
    expect(by(8)[0]).toMatchObject({ column: '单位 unit', value: 'barrel' });
    expect(by(9)[0]?.reason).toMatch(/not a number/);
    expect(by(10)[0]).toMatchObject({ column: '数量 quantity', reason: 'quantity is required' });
    const exp = r.errors.find((e) => e.sheet === '电力 electricity');
    expect(exp).toMatchObject({ row: 3, column: '来源类型 origin' });
    expect(exp?.reason).toMatch(/grid_export needs origin/);
  });

  it('a fuel id of the park’s own factors is accepted when named', () => {
    const csv = 'month,enterprise,fuel,quantity,unit,use\nbiogas-2025,x,,,,\n2025-03,cement,coke_oven_gas,7,t,end_use\n';
    const r = parseActivityCsv(csv, 'fuel', { extraFuelIds: ['coke_oven_gas'] });
    expect(r.items).toHaveLength(1);
    expect(r.errors.map((e) => [e.row, e.column])).toEqual([
      [2, '月份 month'],
      [2, '燃料 fuel'],
      [2, '数量 quantity'],
      [2, '单位 unit'],
      [2, '用途 use'],
    ]);
  });
});

describe('period and certificate checks', () => {
  it('rejects months outside the given period and a certificate id used twice in one file (CARB-CERT-1)', () => {
    const csv = [
      'month,enterprise,certificate id,kind,MWh,vintage',
      '2025-01,cement,GEC-1,GEC,10,2024-12',
      '2025-02,cement,GEC-1,GEC,10,2024-12',
      '2024-12,cement,GEC-2,GEC,10,2024-12',
    ].join('\n');
    const r = parseActivityCsv(csv, 'certificate', { period: { from: '2025-01', to: '2025-12' } });
    expect(r.items.map((i) => i.row)).toEqual([2]);
    expect(r.errors.map((e) => [e.row, e.column, e.reason])).toEqual([
      [3, '证书编号 certificate id', 'certificate GEC-1 appears twice in this file'],
      [4, '月份 month', 'month 2024-12 is outside the period 2025-01..2025-12'],
    ]);
  });

  it('a workbook over the size limit is refused before it is unzipped', async () => {
    const r = await parseActivityWorkbook(await buildActivityTemplate(), { maxBytes: 100 });
    expect(r.errors[0]?.reason).toMatch(/larger than 100 bytes/);
  });
});

describe('CSV', () => {
  it('BOM, Chinese headers, semicolons, quoted fields, CRLF', () => {
    const csv = '\uFEFF月份;企业;证书编号;类型;电量 MWh;生产年月;备注\r\n2025-01;cement;"GEC;7";GEC;100;2024-11;"say ""hi"""\r\n';
    const r = parseActivityCsv(csv, 'certificate');
    expect(r.errors).toEqual([]);
    expect(r.items[0]).toMatchObject({
      type: 'certificate',
      certificate: { id: 'GEC;7', vintage: '2024-11', source: { note: 'certificate.csv sheet certificate row 2 — say "hi"' } },
    });
  });

  it('a CSV without the required columns is one error per missing column', () => {
    const r = parseActivityCsv('name,value\nfoo,1\n', 'water');
    expect(r.items).toEqual([]);
    expect(r.errors.map((e) => e.column)).toEqual(['月份 month', '企业 enterprise', '取水量 m3 intake m3', '重复利用量 m3 reused m3']);
    expect(r.errors[0]?.reason).toMatch(/missing column/);
  });

  it('empty text and binary text are clear errors', () => {
    expect(parseActivityCsv('', 'fuel').errors[0]?.reason).toMatch(/empty CSV/);
    expect(parseActivityCsv('PK\u0003\u0004\u0000\u0000', 'fuel').errors[0]?.reason).toMatch(/not a CSV/);
  });
});

describe('a wrong file never throws', () => {
  it('garbage bytes, a text file, an empty buffer', async () => {
    for (const buf of [Buffer.from('hello, world'), Buffer.alloc(0), Buffer.from([0x50, 0x4b, 3, 4, 9, 9, 9, 9, 9])]) {
      const r = await parseActivityWorkbook(buf);
      expect(r.items).toEqual([]);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]?.reason).toMatch(/not an XLSX workbook/);
    }
  });

  it('a workbook with other sheets: each unknown sheet named; missing columns reported', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['a', 'b']);
    const fuel = wb.addWorksheet('fuel');
    fuel.addRow(['month', 'enterprise', 'qty']);
    fuel.addRow(['2025-01', 'cement', 3]);
    const r = await parseActivityWorkbook(await save(wb));
    expect(r.items).toEqual([]);
    expect(r.errors[0]).toMatchObject({ sheet: 'Sheet1', row: 0 });
    expect(r.errors[0]?.reason).toMatch(/unknown sheet "Sheet1"/);
    expect(r.errors.filter((e) => e.sheet === 'fuel').map((e) => e.column)).toEqual(['燃料 fuel', '数量 quantity', '单位 unit', '用途 use']);
  });

  it('an empty workbook says so', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('x');
    const r = await parseActivityWorkbook(await save(wb));
    expect(r.errors[0]?.reason).toBe('no activity sheets in the workbook');
  });

  it('Excel dates in the month column and formula results are read', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('水 water');
    ws.addRow(['月份 month', '企业 enterprise', '取水量 m3 intake m3', '重复利用量 m3 reused m3']);
    ws.addRow([new Date(Date.UTC(2025, 4, 1)), 'cement', { formula: '2*50', result: 100 }, 40]);
    const r = await parseActivityWorkbook(await save(wb));
    expect(r.errors).toEqual([]);
    expect(r.items[0]).toMatchObject({ month: '2025-05', item: { kind: 'water', intakeM3: '100', month: '2025-05' } });
  });
});

describe('the enum lists match the model schema', () => {
  it('every allowed value of every enum column imports', () => {
    for (const s of SHEETS) {
      for (const c of s.columns.filter((x) => x.values)) {
        for (const v of c.values ?? []) {
          const row = s.columns.map((x) =>
            x.key === c.key ? v : x.key === 'origin' && s.kind === 'electricity' ? 'fossil' : x.key === 'note' ? '' : String(x.example),
          );
          const csv = `${s.columns.map((x) => x.key).join(',')}\n${row.join(',')}\n`;
          const r = parseActivityCsv(csv, s.kind);
          expect(r.errors, `${s.kind}.${c.key}=${v}`).toEqual([]);
        }
      }
    }
  });
});
