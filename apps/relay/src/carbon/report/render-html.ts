import type { CoverageRow, DeclarationReport, ReportLineageRow } from './build-report.js';
import { groupDigits, percentText, roundDecimalText } from './decimal-text.js';
import { type ReportLabels, reportLabels } from './labels.js';

/** CJK first so Chinese never falls back to a font without the glyphs (tofu). */
export const REPORT_FONT_FAMILY = `"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Sans", sans-serif`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML element content and attribute values. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const CSS = `
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: ${REPORT_FONT_FAMILY}; font-size: 10pt; color: #1a1a1a; margin: 0; line-height: 1.45; }
main { max-width: 182mm; margin: 0 auto; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 7mm 0 2mm; border-bottom: 1.5px solid #2e7d32; padding-bottom: 1mm; break-after: avoid; }
.sub { color: #555; margin: 0 0 4mm; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; font-size: 9pt; }
th, td { border: 1px solid #c8c8c8; padding: 1.2mm 1.8mm; text-align: left; vertical-align: top; }
th { background: #eef4ee; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; }
.meta td { border: none; padding: 0.5mm 2mm 0.5mm 0; }
.pass { color: #1b5e20; font-weight: 700; }
.fail { color: #b71c1c; font-weight: 700; }
.not_computable, .exempt { color: #6d4c00; font-weight: 700; }
.flag { display: inline-block; font-size: 8pt; padding: 0 1.5mm; border-radius: 2px; background: #fff3cd; color: #6d4c00; margin-left: 1mm; }
.kpi { display: flex; gap: 3mm; margin: 2mm 0; }
.kpi div { flex: 1; border: 1px solid #c8c8c8; border-radius: 2mm; padding: 2mm 3mm; }
.kpi b { display: block; font-size: 15pt; }
.kpi span { color: #555; font-size: 8.5pt; }
.note { color: #555; font-size: 8.5pt; }
.appendix { break-before: page; }
svg text { font-family: ${REPORT_FONT_FAMILY}; }
`;

/**
 * Renders the declaration as one self-contained HTML page: inline CSS, inline SVG chart,
 * no script, every text escaped. Suitable for the app view and for printing to PDF.
 *
 * @example
 * const html = renderReportHtml(buildDeclarationReport({ year, months, lang: 'zh', generatedAt }));
 */
export function renderReportHtml(report: DeclarationReport): string {
  const L = reportLabels(report.lang);
  const e = escapeHtml;
  const parkName = report.park.name ?? report.park.id;
  const period = report.period.from === report.period.to ? report.period.from : `${report.period.from} – ${report.period.to}`;
  const body = [
    `<h1>${e(L.t('title'))}</h1>`,
    `<p class="sub">${e(L.t('subtitle'))}</p>`,
    `<table class="meta"><tr><td>${e(L.t('park'))}</td><td><b>${e(parkName)}</b> (${e(report.park.id)})</td></tr>`,
    `<tr><td>${e(L.t('period'))}</td><td>${e(period)} (${e(L.months(report.period.months))})</td></tr>`,
    `<tr><td>${e(L.t('generatedAt'))}</td><td>${e(report.generatedAt)}</td></tr>`,
    `<tr><td>${e(L.t('valid'))}</td><td class="${report.valid ? 'pass' : 'fail'}">${e(L.t(report.valid ? 'validYes' : 'validNo'))}</td></tr></table>`,
    summarySection(report, L),
    guidingSection(report, L),
    monthlySection(report, L),
    enterpriseSection(report, L),
    coverageSection(report, L),
    factorSection(report, L),
    violationSection(report, L),
    lineageSection(report, L),
  ].join('\n');
  return `<!DOCTYPE html>\n<html lang="${report.lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${e(`${L.t('title')} · ${parkName} · ${period}`)}</title><style>${CSS}</style></head><body><main>\n${body}\n</main></body></html>\n`;
}

const num = (text: string, places = 2) => `<td class="num">${escapeHtml(groupDigits(roundDecimalText(text, places)))}</td>`;
const cell = (text: string) => `<td>${escapeHtml(text)}</td>`;
const statusCell = (status: string, L: ReportLabels) => `<td class="${escapeHtml(status)}">${escapeHtml(L.status(status))}</td>`;
const head = (cols: string[]) => `<tr>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;

function summarySection(r: DeclarationReport, L: ReportLabels): string {
  const s = r.summary;
  const e = escapeHtml;
  const kpi = (value: string, label: string, cls = '') => `<div><b class="${cls}">${e(value)}</b><span>${e(label)}</span></div>`;
  return [
    `<h2>${e(L.t('summary'))}</h2>`,
    '<div class="kpi">',
    kpi(s.intensity ?? '—', `${L.t('intensity')} (tCO2/tce)`, s.status),
    kpi(`≤ ${s.threshold}`, L.t('threshold')),
    kpi(L.status(s.status), L.t('status'), s.status),
    '</div>',
    '<table>',
    `<tr><th>${e(L.t('ePark'))}</th>${num(s.emissionsT, 3)}<td>tCO2</td></tr>`,
    `<tr><th>${e(L.t('energyTce'))}</th>${num(s.energyTce, 3)}<td>tce</td></tr>`,
    `<tr><th>${e(L.t('annualTce'))}</th>${num(s.annualTce, 3)}<td>tce${s.annualised ? `<span class="flag">×12/${r.period.months}</span>` : ''}</td></tr>`,
    `<tr><th>${e(L.t('band'))}</th><td colspan="2">${e(L.band(s.band))}</td></tr>`,
    s.flags.length || s.reason
      ? `<tr><th>${e(L.t('flags'))}</th><td colspan="2">${[...s.flags, ...(s.reason ? [s.reason] : [])].map((f) => `<div>${e(f)}</div>`).join('')}</td></tr>`
      : '',
    '</table>',
    '<table>',
    head([L.t('figure'), 'tCO2']),
    ...r.sources.map((x) => `<tr>${cell(`${L.figure(x.key)} (${x.key})`)}${num(x.valueT, 3)}</tr>`),
    '</table>',
  ].join('\n');
}

function guidingSection(r: DeclarationReport, L: ReportLabels): string {
  const rows = r.guiding.map((g) => {
    const threshold = /^\d/.test(g.threshold) ? `≥ ${percentText(g.threshold, 0)}` : g.threshold;
    const value = g.value !== undefined ? percentText(g.value, 1) : '—';
    const reason = [g.reason, g.failing?.length ? g.failing.join(', ') : undefined].filter(Boolean).join('; ');
    return `<tr>${cell(g.id)}${cell(L.indicator(g.id))}<td class="num">${escapeHtml(value)}</td>${cell(threshold)}${statusCell(g.status, L)}${cell(reason)}</tr>`;
  });
  return [
    `<h2>${escapeHtml(L.t('guiding'))}</h2><table>`,
    head(['ID', L.t('indicator'), L.t('value'), L.t('threshold'), L.t('status'), L.t('reason')]),
    ...rows,
    '</table>',
    ...(r.withheldEnterprises
      ? [`<p class="note" data-withheld="${r.withheldEnterprises}">${escapeHtml(L.t('withheld').replace('{n}', String(r.withheldEnterprises)))}</p>`]
      : []),
  ].join('\n');
}

function monthlySection(r: DeclarationReport, L: ReportLabels): string {
  const rows = r.monthly.map(
    (m) =>
      `<tr>${cell(m.month)}${num(m.emissionsT, 3)}${num(m.energyTce, 3)}<td class="num">${escapeHtml(m.intensity ?? '—')}</td>${statusCell(m.status, L)}</tr>`,
  );
  return [
    `<h2>${escapeHtml(L.t('monthly'))}</h2>`,
    trendChartSvg(r, L),
    '<table>',
    head([L.t('month'), L.t('emissions'), L.t('tce'), L.t('intensityUnit'), L.t('status')]),
    ...rows,
    '</table>',
  ].join('\n');
}

/**
 * Bars for monthly emissions, a line for intensity against the IND-1 threshold. Numbers are
 * converted to floats only for pixel positions; the table beside it carries the exact text.
 */
export function trendChartSvg(r: DeclarationReport, L: ReportLabels): string {
  const W = 680;
  const H = 220;
  const pad = { l: 56, r: 56, t: 16, b: 36 };
  const months = r.monthly;
  if (months.length === 0) return `<p class="note">—</p>`;
  const em = months.map((m) => Number(m.emissionsT));
  const it = months.map((m) => (m.intensity === undefined ? undefined : Number(m.intensity)));
  const threshold = Number(r.summary.threshold);
  const emMax = niceMax(Math.max(...em, 0));
  const itMax = niceMax(Math.max(threshold, ...it.map((x) => x ?? 0)));
  const plotW = W - pad.l - pad.r;
  const plotH = H - pad.t - pad.b;
  const slot = plotW / months.length;
  const y = (v: number, max: number) => pad.t + plotH - (max > 0 ? (v / max) * plotH : 0);
  const f = (n: number) => n.toFixed(1);
  const parts: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const yy = pad.t + (plotH * k) / 4;
    parts.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${f(yy)}" y2="${f(yy)}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${pad.l - 4}" y="${f(yy + 3)}" font-size="9" text-anchor="end" fill="#555">${escapeHtml(axisLabel((emMax * (4 - k)) / 4))}</text>`);
    parts.push(`<text x="${W - pad.r + 4}" y="${f(yy + 3)}" font-size="9" fill="#1565c0">${escapeHtml(((itMax * (4 - k)) / 4).toFixed(2))}</text>`);
  }
  months.forEach((m, i) => {
    const x = pad.l + i * slot + slot * 0.2;
    const top = y(em[i] ?? 0, emMax);
    parts.push(
      `<rect x="${f(x)}" y="${f(top)}" width="${f(slot * 0.6)}" height="${f(pad.t + plotH - top)}" fill="#81c784"><title>${escapeHtml(`${m.month}: ${m.emissionsT} tCO2`)}</title></rect>`,
    );
    parts.push(
      `<text x="${f(pad.l + i * slot + slot / 2)}" y="${H - pad.b + 14}" font-size="9" text-anchor="middle" fill="#333">${escapeHtml(m.month.slice(2))}</text>`,
    );
  });
  const ty = y(threshold, itMax);
  parts.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${f(ty)}" y2="${f(ty)}" stroke="#c62828" stroke-dasharray="5 3"/>`);
  const pts = it
    .map((v, i) => (v === undefined ? undefined : `${f(pad.l + i * slot + slot / 2)},${f(y(v, itMax))}`))
    .filter((p): p is string => p !== undefined);
  if (pts.length > 1) parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="#1565c0" stroke-width="2"/>`);
  for (const p of pts) {
    const [cx, cy] = p.split(',');
    parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="#1565c0"/>`);
  }
  const legendY = H - 6;
  parts.push(
    `<rect x="${pad.l}" y="${legendY - 8}" width="10" height="8" fill="#81c784"/><text x="${pad.l + 14}" y="${legendY}" font-size="9">${escapeHtml(L.t('emissions'))}</text>`,
  );
  parts.push(
    `<line x1="${pad.l + 150}" x2="${pad.l + 170}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#1565c0" stroke-width="2"/><text x="${pad.l + 174}" y="${legendY}" font-size="9">${escapeHtml(L.t('intensityUnit'))}</text>`,
  );
  parts.push(
    `<line x1="${pad.l + 330}" x2="${pad.l + 350}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#c62828" stroke-dasharray="5 3"/><text x="${pad.l + 354}" y="${legendY}" font-size="9">${escapeHtml(`${L.t('threshold')} ${r.summary.threshold}`)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${escapeHtml(L.t('monthly'))}">${parts.join('')}</svg>`;
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const axisLabel = (v: number) => (v >= 10000 ? `${(v / 1000).toFixed(0)}k` : v >= 100 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2));

function enterpriseSection(r: DeclarationReport, L: ReportLabels): string {
  const rows = r.enterprises.map(
    (x) =>
      `<tr>${cell(`${x.name} (${x.id})`)}${num(x.emissionsT, 3)}${num(x.energyTce, 3)}<td class="num">${escapeHtml(x.intensity ?? '—')}</td>${num(x.gridImportMwh, 3)}<td class="num">${escapeHtml(x.share !== undefined ? percentText(x.share, 1) : '—')}</td></tr>`,
  );
  return [
    `<h2>${escapeHtml(L.t('enterprises'))}</h2><table>`,
    head([L.t('enterprise'), L.t('emissions'), L.t('tce'), L.t('intensityUnit'), L.t('gridImport'), L.t('share')]),
    ...rows,
    '</table>',
  ].join('\n');
}

function coverageSection(r: DeclarationReport, L: ReportLabels): string {
  const c = r.coverage;
  const share = (s?: string) => `<td class="num">${escapeHtml(s !== undefined ? percentText(s, 1) : '—')}</td>`;
  const tce = (t: string) => `<td class="num">${escapeHtml(groupDigits(roundDecimalText(t, 2)))}</td>`;
  const row = (x: CoverageRow) => `${tce(x.meteredTce)}${tce(x.manualTce)}${share(x.meteredShare)}<td class="num">${x.meteredItems} / ${x.manualItems}</td>`;
  const rows = c.byEnterprise.map((x) => `<tr>${cell(`${x.name} (${x.id})`)}${row(x)}</tr>`);
  return [
    `<h2>${escapeHtml(L.t('coverage'))}</h2>`,
    `<p class="note">${escapeHtml(L.t('coverageNote'))}</p><table>`,
    head([
      L.t('enterprise'),
      `${L.t('metered')} (tce)`,
      `${L.t('manual')} (tce)`,
      L.t('meteredShare'),
      `${L.t('items')} (${L.t('metered')} / ${L.t('manual')})`,
    ]),
    ...rows,
    `<tr class="total"><th>${escapeHtml(L.t('park'))}</th>${row(c)}</tr>`,
    '</table>',
  ].join('\n');
}

function factorSection(r: DeclarationReport, L: ReportLabels): string {
  const e = escapeHtml;
  const flags = (p: { overridden: boolean; unconfirmed: boolean }) =>
    `${p.overridden ? `<span class="flag">${e(L.t('overridden'))}</span>` : ''}${p.unconfirmed ? `<span class="flag">${e(L.t('unconfirmed'))}</span>` : ''}`;
  return [
    `<h2>${e(L.t('factors'))}</h2><table>`,
    head([L.t('factorRef'), L.t('value'), L.t('perUnit'), L.t('source')]),
    ...r.factors.map((x) => `<tr>${cell(x.ref)}<td class="num">${e(x.value)}</td>${cell(`tCO2/${x.perUnit}`)}${cell(x.source)}</tr>`),
    '</table>',
    `<table>${head([L.t('datasets'), L.t('version'), L.t('source')])}`,
    ...r.factorDatasets.map((d) => `<tr>${cell(d.id)}${cell(d.version)}${cell(d.source)}</tr>`),
    '</table><table>',
    head([L.t('parameter'), L.t('value'), L.t('defaultValue'), L.t('perUnit'), L.t('source')]),
    ...r.parameters.map(
      (p) =>
        `<tr><td>${e(p.id)} <span class="note">${e(/^\d/.test(p.version) ? `v${p.version}` : p.version)}</span>${flags(p)}</td><td class="num">${e(p.value)}</td><td class="num">${e(p.defaultValue)}</td>${cell(p.unit)}${cell(p.source)}</tr>`,
    ),
    '</table>',
  ].join('\n');
}

function violationSection(r: DeclarationReport, L: ReportLabels): string {
  const e = escapeHtml;
  if (r.violations.length === 0) return `<h2>${e(L.t('violations'))}</h2><p>${e(L.t('noViolations'))}</p>`;
  return [
    `<h2>${e(L.t('violations'))}</h2><table>`,
    head([L.t('rule'), L.t('certificates'), L.t('enterprise'), L.t('message')]),
    ...r.violations.map((v) => `<tr>${cell(`${v.rule} ${v.code}`)}${cell(v.certificateIds.join(', '))}${cell(v.enterpriseId ?? '—')}${cell(v.message)}</tr>`),
    '</table>',
  ].join('\n');
}

function lineageSection(r: DeclarationReport, L: ReportLabels): string {
  const e = escapeHtml;
  // Each activity item once, with the figures it feeds: the same item sits in E_fuel,
  // E_energy and E_park, and repeating it per figure made the appendix pages long.
  const items = new Map<string, { item: ReportLineageRow['items'][number]; figures: string[] }>();
  for (const row of r.lineage) {
    for (const i of row.items) {
      const key = `${i.enterpriseId}\u0000${i.itemId}`;
      const entry = items.get(key) ?? { item: i, figures: [] };
      entry.figures.push(row.figure);
      items.set(key, entry);
    }
  }
  const figureRows = r.lineage.map((row) => {
    const extra = [
      row.factors.length ? `${L.t('factorRef')}: ${row.factors.map((f) => f.ref).join(', ')}` : '',
      row.parameters.length
        ? `${L.t('parameter')}: ${row.parameters.map((p) => `${p.id}=${p.value}${p.overridden ? ` (${L.t('overridden')})` : ''}${p.unconfirmed ? ` (${L.t('unconfirmed')})` : ''}`).join(', ')}`
        : '',
      row.certificates.length ? `${L.t('certificates')}: ${row.certificates.join(', ')}` : '',
    ].filter(Boolean);
    return `<tr>${cell(`${L.figure(row.figure)} (${row.figure})`)}${num(row.value, 3)}${cell(row.unit)}<td class="num">${row.items.length}</td><td>${extra.map((x) => `<div class="note">${e(x)}</div>`).join('')}</td></tr>`;
  });
  const itemRows = [...items.values()].map(
    ({ item, figures }) =>
      `<tr>${cell(`${item.enterpriseId} / ${item.itemId}`)}${cell(item.kind)}${cell(L.t(item.sourceType))}${cell(item.note)}${cell(figures.join(', '))}</tr>`,
  );
  return [
    `<section class="appendix"><h2>${e(L.t('lineage'))}</h2><table>`,
    head([L.t('figure'), L.t('value'), L.t('perUnit'), L.t('items'), `${L.t('factorRef')} / ${L.t('parameter')} / ${L.t('certificates')}`]),
    ...figureRows,
    `</table><table>${head([L.t('item'), L.t('kind'), L.t('source'), L.t('note'), L.t('figure')])}`,
    ...itemRows,
    '</table></section>',
  ].join('\n');
}
