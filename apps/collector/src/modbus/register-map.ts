import { IdSchema, MODBUS_TABLES, type Park, POINT_DATA_TYPES } from '@zcp/model';
import { z } from 'zod';
import { CollectorError } from '../errors.js';
import { type ModbusDataType, REGISTERS_PER_TYPE, registersOf, WORD_ORDERS } from './codec.js';

/** Modbus addresses a unit id of 1–247 (0 is broadcast, 248–255 reserved). */
export const MAX_UNIT_ID = 247;
export const REGISTERS_PER_UNIT = 65_536;

/**
 * Where one point lives on a Modbus device. Plain JSON by design: the derived map and a
 * hand-written config file (issue 3) have the same shape and go through the same schema.
 * `address` is the 0-based PDU address (holding register 40001 = address 0).
 */
export const RegisterMapEntrySchema = z.object({
  pointId: z.number().int().positive(),
  /** The point's tag, for humans reading the map; not used for decoding. */
  tag: z.string().optional(),
  assetId: IdSchema,
  /** 1–247 on a serial line; 0 and 248–255 occur behind TCP gateways. */
  unitId: z.number().int().min(0).max(255),
  table: z.enum(MODBUS_TABLES).default('holding'),
  address: z
    .number()
    .int()
    .min(0)
    .max(REGISTERS_PER_UNIT - 1),
  dataType: z.enum(POINT_DATA_TYPES),
  wordOrder: z.enum(WORD_ORDERS),
  byteOrder: z.enum(WORD_ORDERS).optional(),
  /** value = raw × scale + offset. */
  scale: z
    .number()
    .finite()
    .refine((s) => s !== 0, 'scale must not be 0')
    .default(1),
  offset: z.number().finite().optional(),
  /** Registers of a string point. */
  length: z.number().int().min(1).max(125).optional(),
  /** Bit of a register holding a bool point. */
  bit: z.number().int().min(0).max(15).optional(),
  enumValues: z.record(z.string(), z.number()).optional(),
  /** Force the write function: FC15/FC16 for devices that refuse the single-item FC5/FC6. */
  writeFunction: z.union([z.literal(5), z.literal(6), z.literal(15), z.literal(16)]).optional(),
  /** Whether the collector may write this point (setpoints). */
  writable: z.boolean().default(false),
});
export type RegisterMapEntry = z.infer<typeof RegisterMapEntrySchema>;

export const RegisterMapSchema = z
  .object({
    version: z.literal(1),
    parkId: IdSchema,
    entries: z.array(RegisterMapEntrySchema),
  })
  .superRefine((map, ctx) => {
    for (const message of registerMapProblems(map.entries)) ctx.addIssue({ code: 'custom', message, path: ['entries'] });
  });
export type RegisterMap = z.infer<typeof RegisterMapSchema>;

/** Registers (or, in the coil/discrete tables, bits) a point occupies. */
export function registerCount(entry: Pick<RegisterMapEntry, 'dataType' | 'length'> & { table?: RegisterMapEntry['table'] }): number {
  if (entry.table === 'coil' || entry.table === 'discrete') return 1;
  return registersOf(entry);
}

/** Whether the point lives in a bit table (coils FC1, discrete inputs FC2). */
export const isBitTable = (table: RegisterMapEntry['table']): boolean => table === 'coil' || table === 'discrete';

/** Overlapping registers, registers past the address space and duplicate points. */
export function registerMapProblems(entries: readonly RegisterMapEntry[]): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  for (const e of entries) {
    if (seen.has(e.pointId)) problems.push(`point ${e.pointId} is mapped twice`);
    seen.add(e.pointId);
    if (e.address + registerCount(e) > REGISTERS_PER_UNIT) problems.push(`point ${e.pointId} runs past register 65535 of unit ${e.unitId}`);
  }
  const sorted = [...entries].sort((a, b) => a.unitId - b.unitId || a.table.localeCompare(b.table) || a.address - b.address);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as RegisterMapEntry;
    const b = sorted[i] as RegisterMapEntry;
    const bitsOfOneRegister = a.bit !== undefined && b.bit !== undefined && a.bit !== b.bit && a.address === b.address;
    if (a.unitId === b.unitId && a.table === b.table && b.address < a.address + registerCount(a) && !bitsOfOneRegister) {
      problems.push(`points ${a.pointId} and ${b.pointId} overlap at unit ${b.unitId} ${b.table} register ${b.address}`);
    }
  }
  return problems;
}

/**
 * Validates a register map from JSON (a config file); every problem is listed in the error.
 *
 * @example
 * const map = parseRegisterMap(JSON.parse(readFileSync('register-map.json', 'utf8')))
 */
export function parseRegisterMap(json: unknown): RegisterMap {
  const parsed = RegisterMapSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new CollectorError('register_map_invalid', `invalid register map:\n  ${issues.join('\n  ')}`);
  }
  return parsed.data;
}

export interface BuildRegisterMapOptions {
  /** Unit id of the park-level assets (grid meter, battery, boiler, chargers). Default 1. */
  parkUnitId?: number;
  /** Unit id of the first enterprise; the others follow in park order. Default 2. */
  firstEnterpriseUnitId?: number;
  /**
   * Data type of energy/volume counters. Default float64: a float32 has a 24-bit mantissa,
   * so a park import register at 1.3·10⁸ kWh would move in 8 kWh steps — more than a
   * 1-second interval adds — and look frozen. Gauges are float32.
   */
  counterDataType?: ModbusDataType;
}

/** Points a Modbus write may change: the battery's power setpoint. */
const WRITABLE_METRICS = new Set(['battery.setpoint_kw']);

/**
 * Derives a deterministic register map from a park model: one unit id per enterprise (plus
 * one for park-level assets), each asset a contiguous block of holding registers in park
 * order, each point a big-endian float (float32; counters float64, see
 * `counterDataType`), packed without gaps so that reads coalesce into full 125-register
 * requests.
 *
 * @example
 * const map = buildRegisterMap(demoPark())
 * map.entries.find((e) => e.tag === 'bess1.setpoint_kw') // { unitId: 1, address: …, writable: true }
 */
export function buildRegisterMap(park: Park, options: BuildRegisterMapOptions = {}): RegisterMap {
  const parkUnitId = options.parkUnitId ?? 1;
  const firstEnterpriseUnitId = options.firstEnterpriseUnitId ?? 2;
  const counterDataType = options.counterDataType ?? 'float64';
  const unitOf = new Map<string | null, number>([[null, parkUnitId]]);
  park.enterprises.forEach((e, i) => {
    unitOf.set(e.id, firstEnterpriseUnitId + i);
  });
  const lastUnit = firstEnterpriseUnitId + park.enterprises.length - 1;
  if (park.enterprises.length > 0 && (lastUnit > MAX_UNIT_ID || (parkUnitId >= firstEnterpriseUnitId && parkUnitId <= lastUnit))) {
    throw new CollectorError(
      'unit_ids_exhausted',
      `${park.enterprises.length} enterprises need unit ids ${firstEnterpriseUnitId}–${lastUnit} (max ${MAX_UNIT_ID}, park unit ${parkUnitId}); split the park over several servers`,
    );
  }
  const assetById = new Map(park.assets.map((a) => [a.id, a]));
  const pointsOfAsset = new Map<string, Park['points']>();
  for (const p of park.points) {
    let list = pointsOfAsset.get(p.assetId);
    if (!list) {
      list = [];
      pointsOfAsset.set(p.assetId, list);
    }
    list.push(p);
  }
  const nextAddress = new Map<number, number>();
  const entries: RegisterMapEntry[] = [];
  for (const asset of park.assets) {
    const unitId = unitOf.get(asset.enterpriseId) ?? parkUnitId;
    for (const point of pointsOfAsset.get(asset.id) ?? []) {
      const dataType: ModbusDataType = point.kind === 'counter' ? counterDataType : 'float32';
      const address = nextAddress.get(unitId) ?? 0;
      if (address + REGISTERS_PER_TYPE[dataType] > REGISTERS_PER_UNIT) {
        throw new CollectorError('address_space_exhausted', `unit ${unitId} has no registers left for ${point.tag}`);
      }
      nextAddress.set(unitId, address + REGISTERS_PER_TYPE[dataType]);
      entries.push({
        pointId: point.id,
        tag: point.tag,
        assetId: asset.id,
        unitId,
        table: 'holding',
        address,
        dataType,
        wordOrder: 'big',
        scale: 1,
        writable: WRITABLE_METRICS.has(`${assetById.get(point.assetId)?.kind}.${point.metric}`),
      });
    }
  }
  return { version: 1, parkId: park.id, entries };
}
