import { isBitTable, type RegisterMapEntry, registerCount } from './register-map.js';

/** The Modbus limit for one read of holding/input registers (FC3/FC4): 125 registers. */
export const MAX_REGISTERS_PER_READ = 125;
/** The Modbus limit for one read of coils/discrete inputs (FC1/FC2): 2000 bits. */
export const MAX_BITS_PER_READ = 2000;

/** One request: `count` registers (or bits) from `address` of one unit and table, and the points inside. */
export interface ReadBlock {
  unitId: number;
  table: RegisterMapEntry['table'];
  address: number;
  count: number;
  entries: RegisterMapEntry[];
}

export interface ReadPlanOptions {
  /** Most registers per FC3/FC4 request (≤ 125). */
  maxRegisters?: number;
  /** Most bits per FC1/FC2 request (≤ 2000). */
  maxBits?: number;
  /**
   * Unmapped registers (or bits) a read may span to join two points. Default 0: some devices
   * answer an exception for any unmapped address inside a request.
   */
  maxGapRegisters?: number;
}

const TABLE_ORDER: Readonly<Record<RegisterMapEntry['table'], number>> = { coil: 0, discrete: 1, holding: 2, input: 3 };

/**
 * Coalesces a register map into the fewest reads: per unit and table, in address order,
 * adjacent points join one block until it would exceed the table's limit (125 registers,
 * 2000 bits). A point is never split across two reads (its registers must be read
 * atomically to decode); bool points on different bits of one register share it.
 *
 * @example
 * planReads(map.entries).length // ≈ Σ per unit and table ⌈registers / 125⌉ + ⌈bits / 2000⌉
 */
export function planReads(entries: readonly RegisterMapEntry[], options: ReadPlanOptions = {}): ReadBlock[] {
  const maxRegisters = Math.min(options.maxRegisters ?? MAX_REGISTERS_PER_READ, MAX_REGISTERS_PER_READ);
  const maxBits = Math.min(options.maxBits ?? MAX_BITS_PER_READ, MAX_BITS_PER_READ);
  const maxGap = options.maxGapRegisters ?? 0;
  const sorted = [...entries].sort((a, b) => a.unitId - b.unitId || TABLE_ORDER[a.table] - TABLE_ORDER[b.table] || a.address - b.address);
  const blocks: ReadBlock[] = [];
  let block: ReadBlock | undefined;
  for (const e of sorted) {
    const end = e.address + registerCount(e);
    const limit = isBitTable(e.table) ? maxBits : maxRegisters;
    const fits =
      block !== undefined &&
      block.unitId === e.unitId &&
      block.table === e.table &&
      e.address - (block.address + block.count) <= maxGap &&
      Math.max(end, block.address + block.count) - block.address <= limit;
    if (block && fits) {
      block.count = Math.max(end, block.address + block.count) - block.address;
      block.entries.push(e);
    } else {
      block = { unitId: e.unitId, table: e.table, address: e.address, count: registerCount(e), entries: [e] };
      blocks.push(block);
    }
  }
  return blocks;
}
