/** Report language: Chinese first (the declaration is filed in Chinese), English available. */
export type ReportLang = 'zh' | 'en';

const ZH = {
  title: '零碳园区建设指标申报报告',
  subtitle: '园区碳排放核算与指标评价',
  park: '园区',
  period: '核算期',
  generatedAt: '生成时间',
  valid: '证书校验',
  validYes: '通过',
  validNo: '存在违规',
  summary: '一、核心指标（单位能耗碳排放）',
  ePark: '园区碳排放总量 E_park',
  energyTce: '综合能源消费量',
  annualTce: '年化综合能源消费量',
  intensity: '单位能耗碳排放',
  threshold: '限值',
  band: '档位',
  status: '结论',
  flags: '说明',
  guiding: '二、引导性指标',
  indicator: '指标',
  value: '数值',
  reason: '原因',
  monthly: '三、月度趋势',
  month: '月份',
  emissions: '碳排放 (tCO2)',
  tce: '能耗 (tce)',
  intensityUnit: '强度 (tCO2/tce)',
  enterprises: '四、企业分项',
  enterprise: '企业',
  gridImport: '网购电量 (MWh)',
  share: '排放占比',
  withheld: '另有 {n} 家企业的数据按权限不予显示（园区合计已含其数据）。',
  coverage: '五、数据覆盖（计量 vs 手工填报）',
  coverageNote: '按综合能源消费量（tce，计入外购电力与热力、燃料及加工转换投入，未扣除输出）统计其活动数据来源：计量或手工填报；条目数另列。',
  metered: '计量',
  manual: '手工填报',
  items: '条目数',
  meteredShare: '计量占比',
  factors: '六、排放因子与参数',
  factorRef: '因子',
  perUnit: '单位',
  source: '来源',
  datasets: '因子库版本',
  parameter: '参数',
  version: '版本',
  defaultValue: '默认值',
  overridden: '已覆盖',
  unconfirmed: '待确认',
  violations: '七、绿证/绿电校验问题',
  noViolations: '无',
  rule: '规则',
  certificates: '证书',
  message: '说明',
  lineage: '附录：数据溯源',
  figure: '数据项',
  item: '活动数据',
  kind: '类别',
  note: '备注',
  page: '页',
} as const;

export type LabelKey = keyof typeof ZH;

const EN: Record<LabelKey, string> = {
  title: 'Zero-Carbon Park Indicator Declaration',
  subtitle: 'Park carbon accounting and indicator assessment',
  park: 'Park',
  period: 'Period',
  generatedAt: 'Generated',
  valid: 'Certificate checks',
  validYes: 'passed',
  validNo: 'violations found',
  summary: '1. Core indicator (carbon per unit of energy)',
  ePark: 'Park emissions E_park',
  energyTce: 'Comprehensive energy consumption',
  annualTce: 'Annualised energy consumption',
  intensity: 'Carbon intensity',
  threshold: 'Threshold',
  band: 'Band',
  status: 'Result',
  flags: 'Notes',
  guiding: '2. Guiding indicators',
  indicator: 'Indicator',
  value: 'Value',
  reason: 'Reason',
  monthly: '3. Monthly trend',
  month: 'Month',
  emissions: 'Emissions (tCO2)',
  tce: 'Energy (tce)',
  intensityUnit: 'Intensity (tCO2/tce)',
  enterprises: '4. Enterprise breakdown',
  enterprise: 'Enterprise',
  gridImport: 'Grid import (MWh)',
  share: 'Share of emissions',
  withheld: 'The figures of {n} more enterprises are withheld from you (the park totals include them).',
  coverage: '5. Data coverage (metered vs manual)',
  coverageNote:
    'Share of gross energy consumption (tce: imported electricity and heat, fuels and conversion inputs, before exports and outputs) whose activity data is metered rather than entered by hand; item counts beside it.',
  metered: 'Metered',
  manual: 'Manual',
  items: 'Items',
  meteredShare: 'Metered share',
  factors: '6. Emission factors and parameters',
  factorRef: 'Factor',
  perUnit: 'Unit',
  source: 'Source',
  datasets: 'Factor datasets',
  parameter: 'Parameter',
  version: 'Version',
  defaultValue: 'Default',
  overridden: 'overridden',
  unconfirmed: 'unconfirmed',
  violations: '7. Certificate check findings',
  noViolations: 'None',
  rule: 'Rule',
  certificates: 'Certificates',
  message: 'Message',
  lineage: 'Appendix: data lineage',
  figure: 'Figure',
  item: 'Activity item',
  kind: 'Kind',
  note: 'Note',
  page: 'page',
};

const STATUS: Record<ReportLang, Record<string, string>> = {
  zh: { pass: '达标', fail: '未达标', not_computable: '无法计算', exempt: '豁免' },
  en: { pass: 'pass', fail: 'fail', not_computable: 'not computable', exempt: 'exempt' },
};

const BAND: Record<ReportLang, Record<string, string>> = {
  zh: { large: '≥100万 tce（限值 0.3）', mid: '20万–100万 tce（限值 0.2）', no_band: '<20万 tce（无档位，按 0.2 比较）' },
  en: { large: '≥ 1,000,000 tce (≤ 0.3)', mid: '200,000–1,000,000 tce (≤ 0.2)', no_band: '< 200,000 tce (no band, compared with 0.2)' },
};

const INDICATOR: Record<ReportLang, Record<string, string>> = {
  zh: {
    'IND-1': '单位能耗碳排放',
    'IND-2': '清洁能源消费占比',
    'IND-3': '主要产品单位能耗',
    'IND-4': '工业固废综合利用率',
    'IND-5': '余热余压利用率',
    'IND-6': '工业用水重复利用率',
  },
  en: {
    'IND-1': 'Carbon per unit of energy',
    'IND-2': 'Clean-energy share of consumption',
    'IND-3': 'Energy per unit of main products',
    'IND-4': 'Industrial solid-waste utilisation',
    'IND-5': 'Waste heat and pressure utilisation',
    'IND-6': 'Industrial water reuse rate',
  },
};

const FIGURE: Record<ReportLang, Record<string, string>> = {
  zh: {
    E_park: '园区碳排放总量',
    E_fuel: '化石燃料燃烧排放',
    E_conversion: '能源加工转换排放',
    E_elec: '净调入电力排放',
    E_heat: '净调入热力排放',
    E_indirect: '间接排放',
    E_energy: '能源活动排放',
    E_process: '工业过程排放',
    bunkers: '国际燃料舱（不计入）',
    energy: '综合能源消费量',
  },
  en: {
    E_park: 'Park emissions',
    E_fuel: 'Fossil fuel combustion',
    E_conversion: 'Energy conversion',
    E_elec: 'Net imported electricity',
    E_heat: 'Net imported heat',
    E_indirect: 'Indirect emissions',
    E_energy: 'Energy activities',
    E_process: 'Industrial processes',
    bunkers: 'International bunkers (excluded)',
    energy: 'Comprehensive energy consumption',
  },
};

export interface ReportLabels {
  t(key: LabelKey): string;
  status(status: string): string;
  band(band: string): string;
  indicator(id: string): string;
  figure(key: string): string;
  months(n: number): string;
}

/** Label lookup for one language; unknown codes fall back to the code itself. */
export function reportLabels(lang: ReportLang): ReportLabels {
  const table: Record<LabelKey, string> = lang === 'zh' ? ZH : EN;
  return {
    t: (key) => table[key],
    status: (s) => STATUS[lang][s] ?? s,
    band: (b) => BAND[lang][b] ?? b,
    indicator: (id) => INDICATOR[lang][id] ?? id,
    figure: (k) => FIGURE[lang][k] ?? k,
    months: (n) => (lang === 'zh' ? `${n} 个月` : `${n} month${n === 1 ? '' : 's'}`),
  };
}
