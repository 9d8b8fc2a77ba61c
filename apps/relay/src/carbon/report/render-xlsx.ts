import ExcelJS from 'exceljs';
import type { CoverageRow, DeclarationReport } from './build-report.js';
import { reportLabels } from './labels.js';

/**
 * Writes the declaration as an XLSX workbook: indicators, monthly, enterprises,
 * factors/parameters, lineage. Figures go in as number cells so a reader can sort and sum;
 * factor and parameter values stay text, exactly as the engine used them.
 *
 * @example
 * writeFileSync('report.xlsx', await renderReportXlsx(report));
 */
export async function renderReportXlsx(report: DeclarationReport): Promise<Buffer> {
  const L = reportLabels(report.lang);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'zcp relay';
  wb.created = new Date(report.generatedAt);
  const zh = report.lang === 'zh';
  const sheet = (zhName: string, enName: string, columns: { header: string; key: string; width: number }[]) => {
    const ws = wb.addWorksheet(zh ? zhName : enName);
    ws.columns = columns;
    ws.getRow(1).font = { bold: true };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
    return ws;
  };

  const ind = sheet('指标', 'Indicators', [
    { header: 'ID', key: 'id', width: 8 },
    { header: L.t('indicator'), key: 'name', width: 28 },
    { header: L.t('value'), key: 'value', width: 14 },
    { header: L.t('threshold'), key: 'threshold', width: 12 },
    { header: L.t('status'), key: 'status', width: 12 },
    { header: L.t('band'), key: 'band', width: 30 },
    { header: L.t('flags'), key: 'flags', width: 60 },
  ]);
  const s = report.summary;
  ind.addRow({
    id: 'IND-1',
    name: L.indicator('IND-1'),
    value: num(s.intensity),
    threshold: num(s.threshold),
    status: L.status(s.status),
    band: L.band(s.band),
    flags: [...s.flags, ...(s.reason ? [s.reason] : [])].join('; '),
  });
  for (const g of report.guiding) {
    ind.addRow({
      id: g.id,
      name: L.indicator(g.id),
      value: num(g.value),
      threshold: num(g.threshold),
      status: L.status(g.status),
      flags: [g.reason, ...(g.failing ?? [])].filter(Boolean).join('; '),
    });
  }
  ind.addRow({});
  ind.addRow({ id: 'E_park', name: L.t('ePark'), value: num(s.emissionsT), threshold: 'tCO2' });
  ind.addRow({ id: 'tce', name: L.t('energyTce'), value: num(s.energyTce), threshold: 'tce' });
  ind.addRow({ id: 'tce/yr', name: L.t('annualTce'), value: num(s.annualTce), threshold: 'tce' });
  for (const x of report.sources) ind.addRow({ id: x.key, name: L.figure(x.key), value: num(x.valueT), threshold: 'tCO2' });

  const mon = sheet('月度', 'Monthly', [
    { header: L.t('month'), key: 'month', width: 10 },
    { header: L.t('emissions'), key: 'em', width: 18 },
    { header: L.t('tce'), key: 'tce', width: 18 },
    { header: L.t('intensityUnit'), key: 'it', width: 18 },
    { header: L.t('status'), key: 'status', width: 12 },
  ]);
  for (const m of report.monthly)
    mon.addRow({ month: m.month, em: num(m.emissionsT), tce: num(m.energyTce), it: num(m.intensity), status: L.status(m.status) });

  const ent = sheet('企业', 'Enterprises', [
    { header: 'ID', key: 'id', width: 14 },
    { header: L.t('enterprise'), key: 'name', width: 22 },
    { header: L.t('emissions'), key: 'em', width: 16 },
    { header: L.t('tce'), key: 'tce', width: 16 },
    { header: L.t('intensityUnit'), key: 'it', width: 16 },
    { header: L.t('gridImport'), key: 'grid', width: 16 },
    { header: L.t('share'), key: 'share', width: 12 },
    { header: `${L.t('metered')} (tce)`, key: 'meteredTce', width: 14 },
    { header: `${L.t('manual')} (tce)`, key: 'manualTce', width: 14 },
    { header: L.t('meteredShare'), key: 'meteredShare', width: 12 },
    { header: `${L.t('metered')} (${L.t('items')})`, key: 'meteredItems', width: 12 },
    { header: `${L.t('manual')} (${L.t('items')})`, key: 'manualItems', width: 12 },
  ]);
  const cov = new Map(report.coverage.byEnterprise.map((c) => [c.id, c]));
  for (const x of report.enterprises) {
    const c = cov.get(x.id);
    ent.addRow({
      id: x.id,
      name: x.name,
      em: num(x.emissionsT),
      tce: num(x.energyTce),
      it: num(x.intensity),
      grid: num(x.gridImportMwh),
      share: num(x.share),
      ...coverageCells(c),
    });
  }
  ent.addRow({ id: '', name: L.t('park'), ...coverageCells(report.coverage) });

  const fac = sheet('因子与参数', 'Factors', [
    { header: L.t('factorRef'), key: 'ref', width: 44 },
    { header: L.t('value'), key: 'value', width: 14 },
    { header: L.t('perUnit'), key: 'unit', width: 16 },
    { header: L.t('source'), key: 'source', width: 70 },
    { header: L.t('defaultValue'), key: 'def', width: 14 },
    { header: L.t('overridden'), key: 'over', width: 10 },
    { header: L.t('unconfirmed'), key: 'unconf', width: 10 },
  ]);
  for (const f of report.factors) fac.addRow({ ref: f.ref, value: f.value, unit: `tCO2/${f.perUnit}`, source: f.source });
  for (const d of report.factorDatasets) fac.addRow({ ref: `${L.t('datasets')}: ${d.id}`, value: d.version, source: d.source });
  for (const p of report.parameters) {
    const row = fac.addRow({
      ref: `${p.id} v${p.version}`,
      value: p.value,
      unit: p.unit,
      source: p.source,
      def: p.defaultValue,
      over: p.overridden ? 'Y' : '',
      unconf: p.unconfirmed ? 'Y' : '',
    });
    if (p.overridden || p.unconfirmed) row.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF3CD' } };
  }
  for (const v of report.violations)
    fac.addRow({ ref: `${v.rule} ${v.code}`, value: v.certificateIds.join(', '), unit: v.enterpriseId ?? '', source: v.message });

  const lin = sheet('数据溯源', 'Lineage', [
    { header: L.t('figure'), key: 'figure', width: 14 },
    { header: L.t('value'), key: 'value', width: 18 },
    { header: L.t('enterprise'), key: 'ent', width: 14 },
    { header: L.t('item'), key: 'item', width: 14 },
    { header: L.t('kind'), key: 'kind', width: 12 },
    { header: L.t('source'), key: 'src', width: 10 },
    { header: L.t('note'), key: 'note', width: 40 },
  ]);
  for (const row of report.lineage) {
    for (const i of row.items) {
      lin.addRow({
        figure: row.figure,
        value: `${row.value} ${row.unit}`,
        ent: i.enterpriseId,
        item: i.itemId,
        kind: i.kind,
        src: L.t(i.sourceType),
        note: i.note,
      });
    }
  }

  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Decimal text as a number cell (display and sorting); the exact text lives in the engine result and JSON export. */
function num(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) && /^-?\d+(\.\d+)?$/.test(text) ? n : text;
}

function coverageCells(c: CoverageRow | undefined) {
  return {
    meteredTce: num(c?.meteredTce),
    manualTce: num(c?.manualTce),
    meteredShare: num(c?.meteredShare),
    meteredItems: c?.meteredItems,
    manualItems: c?.manualItems,
  };
}
