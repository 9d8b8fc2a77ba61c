import { FUEL_IDS } from '@zcp/model';

/**
 * The sheets of the manual activity template, one per kind park operators fill monthly, and
 * their columns. The parser and the template are both driven from this table, so a header
 * written here is a header the parser accepts.
 *
 * The model exports `FUEL_IDS` but not the other enum values of its activity schema, so they
 * are listed here; `import.test.ts` checks every listed value against `CarbonActivityInputSchema`
 * so the two cannot drift apart silently.
 */
export const SHEET_KINDS = ['fuel', 'process', 'electricity', 'heat', 'bunker', 'solid_waste', 'waste_heat', 'water', 'certificate'] as const;
export type SheetKind = (typeof SHEET_KINDS)[number];

export type ColumnType = 'month' | 'id' | 'text' | 'decimal' | 'enum' | 'boolean';

export interface ColumnSpec {
  /** The field of the activity item (or certificate) the column fills. */
  key: string;
  zh: string;
  en: string;
  type: ColumnType;
  required: boolean;
  /** Allowed values of an enum column (also written as an Excel data-validation list). */
  values?: readonly string[];
  /** Whether values outside `values` are only warned about in Excel (fuel ids may be user factor ids). */
  open?: boolean;
  example: string | number | boolean;
  help: string;
}

export interface SheetSpec {
  kind: SheetKind;
  /** Worksheet name: Chinese and English, as operators see it. */
  name: string;
  zh: string;
  en: string;
  columns: readonly ColumnSpec[];
}

export const ENUMS = {
  fuelId: FUEL_IDS,
  fuelUnit: ['t', 'kg', 'Nm3', '10^4Nm3'],
  fuelUse: ['end_use', 'power_generation', 'heat_supply', 'feedstock'],
  massUnit: ['t', 'kg'],
  electricityFlow: ['grid_import', 'grid_export', 'direct_green', 'pv_self'],
  electricityUnit: ['kWh', 'MWh', 'GWh'],
  heatFlow: ['import', 'export'],
  heatUnit: ['GJ', 'MJ', 'TJ'],
  origin: ['fossil', 'non_fossil'],
  bunkerMode: ['aviation', 'marine'],
  certificateKind: ['GEC', 'I-REC', 'GO', 'green_trade'],
  boolean: ['true', 'false'],
} as const;

/** Products with a built-in process factor; others need a factor id (a user factor). */
export const DEFAULT_PROCESS_PRODUCTS = ['cement_clinker'] as const;

/** The note that marks a template's example row; rows carrying it are skipped on import. */
export const EXAMPLE_NOTE = '示例 EXAMPLE — 导入时忽略 ignored on import';

const MONTH: ColumnSpec = { key: 'month', zh: '月份', en: 'month', type: 'month', required: true, example: '2025-01', help: 'YYYY-MM, e.g. 2025-01' };
const ENTERPRISE: ColumnSpec = {
  key: 'enterprise',
  zh: '企业',
  en: 'enterprise',
  type: 'id',
  required: true,
  example: 'cement',
  help: 'enterprise id as registered in the park',
};
const NOTE: ColumnSpec = {
  key: 'note',
  zh: '备注',
  en: 'note',
  type: 'text',
  required: false,
  example: EXAMPLE_NOTE,
  help: 'free text (invoice number, meter, …); appended to the source note',
};

const qty = (key: string, zh: string, en: string, example: number, help: string): ColumnSpec => ({
  key,
  zh,
  en,
  type: 'decimal',
  required: true,
  example,
  help: `${help}; a non-negative decimal`,
});
const enumCol = (key: string, zh: string, en: string, values: readonly string[], required: boolean, example: string, help = ''): ColumnSpec => ({
  key,
  zh,
  en,
  type: 'enum',
  required,
  values,
  example,
  help: `${help}${help ? '; ' : ''}one of ${values.join(', ')}`,
});

export const SHEETS: readonly SheetSpec[] = [
  {
    kind: 'fuel',
    name: '燃料 fuel',
    zh: '燃料购入/消耗',
    en: 'fuel purchases / consumption',
    columns: [
      MONTH,
      ENTERPRISE,
      { ...enumCol('fuel', '燃料', 'fuel', ENUMS.fuelId, true, 'diesel', 'built-in fuel id or the id of a user factor'), open: true },
      qty('quantity', '数量', 'quantity', 20, 'amount in the unit column'),
      enumCol('unit', '单位', 'unit', ENUMS.fuelUnit, true, 't'),
      enumCol('use', '用途', 'use', ENUMS.fuelUse, true, 'end_use'),
      NOTE,
    ],
  },
  {
    kind: 'process',
    name: '工业过程 process',
    zh: '工业过程产品产量（熟料、石灰…）',
    en: 'process outputs (clinker, lime, …)',
    columns: [
      MONTH,
      ENTERPRISE,
      {
        key: 'product',
        zh: '产品',
        en: 'product',
        type: 'id',
        required: true,
        example: 'cement_clinker',
        help: `product id; ${DEFAULT_PROCESS_PRODUCTS.join(', ')} has a default factor, any other product needs a factor id`,
      },
      qty('quantity', '产量', 'quantity', 1000, 'output'),
      enumCol('unit', '单位', 'unit', ENUMS.massUnit, true, 't'),
      {
        key: 'factorId',
        zh: '排放因子',
        en: 'factor id',
        type: 'id',
        required: false,
        example: '',
        help: 'factor id in the library (user or built-in), optional',
      },
      NOTE,
    ],
  },
  {
    kind: 'electricity',
    name: '电力 electricity',
    zh: '电力（手工持有的数据）',
    en: 'electricity held manually',
    columns: [
      MONTH,
      ENTERPRISE,
      enumCol('flow', '流向', 'flow', ENUMS.electricityFlow, true, 'grid_import'),
      qty('quantity', '电量', 'quantity', 1200, 'energy'),
      enumCol('unit', '单位', 'unit', ENUMS.electricityUnit, true, 'MWh'),
      enumCol('origin', '来源类型', 'origin', ENUMS.origin, false, '', 'required for grid_export'),
      { key: 'facilityId', zh: '电站', en: 'facility id', type: 'id', required: false, example: '', help: 'direct_green: the generating facility' },
      {
        ...enumCol('certificatesSold', '绿证已售', 'certificates sold', ENUMS.boolean, false, '', 'pv_self: the certificates of this output were sold'),
        type: 'boolean',
      },
      NOTE,
    ],
  },
  {
    kind: 'heat',
    name: '热力 heat',
    zh: '热力购入/输出',
    en: 'heat import / export',
    columns: [
      MONTH,
      ENTERPRISE,
      enumCol('flow', '流向', 'flow', ENUMS.heatFlow, true, 'import'),
      qty('quantity', '热量', 'quantity', 500, 'heat'),
      enumCol('unit', '单位', 'unit', ENUMS.heatUnit, true, 'GJ'),
      enumCol('origin', '来源类型', 'origin', ENUMS.origin, true, 'fossil'),
      {
        key: 'measuredFactorTPerGj',
        zh: '实测因子',
        en: 'measured factor tCO2/GJ',
        type: 'decimal',
        required: false,
        example: '',
        help: 'measured factor, tCO2/GJ; blank = default fossil-heat parameter',
      },
      NOTE,
    ],
  },
  {
    kind: 'bunker',
    name: '国际燃料舱 bunker',
    zh: '国际航空/航海燃料舱（单列）',
    en: 'international bunkers (listed separately)',
    columns: [
      MONTH,
      ENTERPRISE,
      enumCol('mode', '方式', 'mode', ENUMS.bunkerMode, true, 'marine'),
      { ...enumCol('fuel', '燃料', 'fuel', ENUMS.fuelId, true, 'fuel_oil', 'built-in fuel id or the id of a user factor'), open: true },
      qty('quantity', '数量', 'quantity', 10, 'amount in the unit column'),
      enumCol('unit', '单位', 'unit', ENUMS.fuelUnit, true, 't'),
      NOTE,
    ],
  },
  {
    kind: 'solid_waste',
    name: '固废 solid waste',
    zh: '一般工业固废产生/利用',
    en: 'industrial solid waste generated / utilised',
    columns: [MONTH, ENTERPRISE, qty('generatedT', '产生量 t', 'generated t', 120, 'tonnes'), qty('utilisedT', '利用量 t', 'utilised t', 100, 'tonnes'), NOTE],
  },
  {
    kind: 'waste_heat',
    name: '余热 waste heat',
    zh: '余热资源/利用',
    en: 'waste heat available / utilised',
    columns: [MONTH, ENTERPRISE, qty('availableGj', '可利用量 GJ', 'available GJ', 800, 'GJ'), qty('utilisedGj', '利用量 GJ', 'utilised GJ', 600, 'GJ'), NOTE],
  },
  {
    kind: 'water',
    name: '水 water',
    zh: '取水/重复利用水',
    en: 'water intake / reused',
    columns: [MONTH, ENTERPRISE, qty('intakeM3', '取水量 m3', 'intake m3', 5000, 'm³'), qty('reusedM3', '重复利用量 m3', 'reused m3', 4000, 'm³'), NOTE],
  },
  {
    kind: 'certificate',
    name: '绿证 certificates',
    zh: '绿证/绿电交易',
    en: 'green certificates / green-power trades',
    columns: [
      MONTH,
      ENTERPRISE,
      { key: 'id', zh: '证书编号', en: 'certificate id', type: 'id', required: true, example: 'GEC-2025-0001', help: 'unique certificate or trade id' },
      enumCol('kind', '类型', 'kind', ENUMS.certificateKind, true, 'GEC'),
      qty('mwh', '电量 MWh', 'MWh', 300, 'MWh covered'),
      { key: 'vintage', zh: '生产年月', en: 'vintage', type: 'month', required: true, example: '2024-12', help: 'generation month, YYYY-MM' },
      { key: 'facilityId', zh: '电站', en: 'facility id', type: 'id', required: false, example: '', help: 'the generating facility, when known' },
      NOTE,
    ],
  },
];

export const sheetOf = (kind: SheetKind): SheetSpec => {
  const s = SHEETS.find((x) => x.kind === kind);
  if (!s) throw new Error(`no sheet for kind ${kind}`);
  return s;
};

/** The header a template writes: "月份 month". */
export const headerOf = (c: ColumnSpec): string => `${c.zh} ${c.en}`;

const norm = (s: string): string =>
  s
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_()（）]+/g, ' ')
    .trim();

/**
 * Finds the column a header names. Accepted: the template's "月份 month", the Chinese part
 * alone, the English part alone, or the field key (`quantity`, `facilityId`), case-insensitively.
 */
export function matchColumn(sheet: SheetSpec, header: string): ColumnSpec | undefined {
  const h = norm(header);
  if (!h) return undefined;
  return sheet.columns.find((c) => [headerOf(c), c.zh, c.en, c.key].some((alias) => norm(alias) === h));
}

/** Finds the sheet a worksheet name or CSV kind names: "燃料 fuel", "燃料", "fuel". */
export function matchSheet(name: string): SheetSpec | undefined {
  const n = norm(name);
  return SHEETS.find((s) => [s.name, s.kind, s.name.split(' ')[0] ?? '', s.name.slice(s.name.indexOf(' ') + 1)].some((alias) => norm(alias) === n));
}
