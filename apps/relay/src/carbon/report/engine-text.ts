import type { ReportLang } from './labels.js';

/**
 * The engine words its flags, reasons and certificate violations in English (they are
 * also the CLI's output). A Chinese declaration shows them in Chinese: each known sentence
 * has a pattern here and its Chinese with the same figures. A sentence with no pattern is
 * shown as the engine wrote it, so a new engine message is never lost — the test
 * `engine-text.test.ts` lists every sentence the engine can produce and fails on a new one.
 */
const ZH: readonly [RegExp, (...m: string[]) => string][] = [
  [/^annual consumption extrapolated from (\d+) month\(s\)$/, (n) => `年综合能耗由 ${n} 个月数据折算为全年`],
  [/^annual consumption below 200,000 tce: no threshold defined, compared with 0\.2$/, () => '年综合能耗低于 20 万 tce：政策未设该档门槛，按 0.2 比较'],
  [/^comprehensive energy consumption is not positive$/, () => '综合能源消费量不为正，无法计算'],
  [/^no product_energy items \(output, energy, grade-2 limit\)$/, () => '无产品能耗数据（产量、能耗、二级限额）'],
  [/^no solid_waste items with generated tonnes$/, () => '无固体废物产生量数据'],
  [/^no waste_heat items with available GJ$/, () => '无余热资源量数据'],
  [/^no water items with intake or reuse$/, () => '无取水或回用水数据'],
  [/^no green power used in the period$/, () => '本期未使用绿色电力'],
  [
    /^certificate (\S+) is allocated to (.+); each certificate is allocated once — none of the claims is applied$/,
    (id, ents) => `证书 ${id} 被分配给多家企业（${ents}）；每张证书只能分配一次——各方申领均不计入`,
  ],
  [
    /^certificate (\S+) is claimed (\d+) times by (\S+); it retires once — applied once$/,
    (id, n, e) => `证书 ${id} 被 ${e} 申领 ${n} 次；证书只能核销一次——仅计入一次`,
  ],
  [/^certificate (\S+) was retired in an earlier period — not applied$/, (id) => `证书 ${id} 已在以前期间核销——不计入`],
  [/^certificate (\S+) has vintage (\S+), after the period — not applied$/, (id, v) => `证书 ${id} 的生产月份 ${v} 晚于核算期——不计入`],
  [
    /^certificate (\S+) \(vintage (\S+)\) expired after (\d+) months, before the period (\S+) — not applied$/,
    (id, v, n, p) => `证书 ${id}（生产月份 ${v}）已超过 ${n} 个月有效期，早于核算期 ${p}——不计入`,
  ],
  [
    /^certificate (\S+) is from facility (\S+), which already supplies (\S+) directly — not applied$/,
    (id, f, e) => `证书 ${id} 来自电源 ${f}，该电源已向 ${e} 直供——重复计算，不计入`,
  ],
  [
    /^certificate claims are combined with a grid AVERAGE factor, which already contains the green MWh — certificates not applied$/,
    () => '绿证申领与电网平均排放因子同时使用（平均因子已含绿电）——证书不计入',
  ],
  [
    /^(\S+) claims (\S+) certified MWh against (\S+) MWh of grid import in the period — capped at (\S+)$/,
    (e, c, g, cap) => `${e} 申领绿证电量 ${c} MWh，超过本期电网购入电量 ${g} MWh——按 ${cap} MWh 计入`,
  ],
];

/** The engine's sentence in the report's language (unchanged for English or an unknown sentence). */
export function engineText(text: string, lang: ReportLang): string {
  if (lang !== 'zh') return text;
  for (const [pattern, zh] of ZH) {
    const m = pattern.exec(text);
    if (m) return zh(...m.slice(1));
  }
  return text;
}
