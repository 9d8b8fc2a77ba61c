import { type RegisterMapEntry, registerCount } from './register-map.js';

/** The Modbus limit for one read of holding/input registers (FC3/FC4): 125 registers. */
export const MAX_REGISTERS_PER_READ = 125;

/** One request: `count` registers from `address` of one unit, and the points inside. */
export interface ReadBlock {
  unitId: number;
  table: RegisterMapEntry['table'];
  address: number;
  count: number;
  entries: RegisterMapEntry[];
}

export interface ReadPlanOptions {
  /** Most registers per request (≤ 125). */
  maxRegisters?: number;
  /**
   * Unmapped registers a read may span to join two points. Default 0: some devices answer
   * an exception for any unmapped register inside a request.
   */
  maxGapRegisters?: number;
}

/**
 * Coalesces a register map into the fewest reads: per unit and table, in address order,
 * adjacent points join one block until it would exceed `maxRegisters`. A point is never
 * split across two reads (its registers must be read atomically to decode).
 *
 * @example
 * planReads(map.entries).length // ≈ Σ per unit ⌈registers / 125⌉
 */
export function planReads(entries: readonly RegisterMapEntry[], options: ReadPlanOptions = {}): ReadBlock[] {
  const maxRegisters = Math.min(options.maxRegisters ?? MAX_REGISTERS_PER_READ, MAX_REGISTERS_PER_READ);
  const maxGap = options.maxGapRegisters ?? 0;
  const sorted = [...entries].sort((a, b) => a.unitId - b.unitId || a.table.localeCompare(b.table) || a.address - b.address);
  const blocks: ReadBlock[] = [];
  let block: ReadBlock | undefined;
  for (const e of sorted) {
    const end = e.address + registerCount(e);
    const fits =
      block !== undefined &&
      block.unitId === e.unitId &&
      block.table === e.table &&
      e.address >= block.address + block.count &&
      e.address - (block.address + block.count) <= maxGap &&
      end - block.address <= maxRegisters;
    if (block && fits) {
      block.count = end - block.address;
      block.entries.push(e);
    } else {
      block = { unitId: e.unitId, table: e.table, address: e.address, count: registerCount(e), entries: [e] };
      blocks.push(block);
    }
  }
  return blocks;
}
