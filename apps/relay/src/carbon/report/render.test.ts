import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { exampleInput, exampleReport } from './fixtures.test-helper.js';
import { escapeHtml, renderReportHtml } from './render-html.js';
import { renderReportXlsx } from './render-xlsx.js';

describe('renderReportHtml', () => {
  it('is one self-contained page in Chinese: inline CSS and SVG, no script, no external resource', () => {
    const html = renderReportHtml(exampleReport('zh'));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('零碳园区建设指标申报报告');
    expect(html).toContain('示范园区');
    expect(html).toContain('未达标');
    expect(html).toContain('<svg');
    expect(html).toContain('@page { size: A4');
    expect(html).toContain('Noto Sans CJK SC');
    expect(html).not.toMatch(/<script|<link|src=|url\(/i);
  });

  it('renders English when asked', () => {
    const html = renderReportHtml(exampleReport('en'));
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Zero-Carbon Park Indicator Declaration');
    expect(html).toContain('Guiding indicators');
    expect(html).toContain('12 months');
    expect(html).not.toContain('申报报告');
  });

  it('escapes every text taken from the input', () => {
    const input = exampleInput();
    input.park.name = '<img src=x onerror=alert(1)>&"\'';
    const first = input.enterprises[0];
    if (first) first.name = '</td><script>x</script>';
    const html = renderReportHtml(exampleReport('zh', input));
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;');
    expect(escapeHtml('a<b>&"\'')).toBe('a&lt;b&gt;&amp;&quot;&#39;');
  });

  it('draws a bar per month and the threshold line in the trend chart', () => {
    const html = renderReportHtml(exampleReport('zh'));
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg.match(/<rect [^>]*fill="#81c784"><title>/g)).toHaveLength(12);
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('<polyline');
  });

  it('marks overridden and unconfirmed parameters', () => {
    const html = renderReportHtml(exampleReport('zh'));
    expect(html).toContain('<span class="flag">已覆盖</span>');
    expect(html).toContain('<span class="flag">待确认</span>');
  });
});

describe('renderReportXlsx', () => {
  it('writes indicators, monthly, enterprises, factors and lineage sheets that read back', async () => {
    const report = exampleReport('zh');
    const buf = await renderReportXlsx(report);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['指标', '月度', '企业', '因子与参数', '数据溯源']);

    const ind = wb.getWorksheet('指标');
    expect(ind?.getRow(2).getCell(1).value).toBe('IND-1');
    expect(ind?.getRow(2).getCell(3).value).toBe(Number(report.summary.intensity));
    expect(ind?.getRow(2).getCell(5).value).toBe('未达标');
    expect(ind?.getRow(3).getCell(1).value).toBe('IND-2');

    const mon = wb.getWorksheet('月度');
    expect(mon?.rowCount).toBe(13);
    expect(mon?.getRow(2).getCell(1).value).toBe('2025-01');
    expect(mon?.getRow(2).getCell(2).value).toBe(Number(report.monthly[0]?.emissionsT));

    const ent = wb.getWorksheet('企业');
    expect(ent?.getRow(2).getCell(2).value).toBe('水泥厂');
    expect(ent?.getRow(2).getCell(8).value).toBe(2653.352); // metered tce
    expect(ent?.getRow(2).getCell(10).value).toBeCloseTo(0.880134, 6); // metered share
    expect(ent?.getRow(2).getCell(11).value).toBe(24); // metered items

    const fac = wb.getWorksheet('因子与参数');
    const refs: unknown[] = [];
    fac?.eachRow((row) => refs.push(row.getCell(1).value));
    expect(refs).toContain('cn-fuel-defaults@2025.1:fuel.diesel');

    const lin = wb.getWorksheet('数据溯源');
    expect(lin?.rowCount).toBeGreaterThan(48);
  });

  it('names sheets in English when asked', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await renderReportXlsx(exampleReport('en'))) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Indicators', 'Monthly', 'Enterprises', 'Factors', 'Lineage']);
  });
});
