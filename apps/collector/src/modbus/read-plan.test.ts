import { describe, expect, it } from 'vitest';
import { MAX_BITS_PER_READ, planReads } from './read-plan.js';
import type { RegisterMapEntry } from './register-map.js';

const entry = (pointId: number, table: RegisterMapEntry['table'], address: number, extra: Partial<RegisterMapEntry> = {}): RegisterMapEntry => ({
  pointId,
  assetId: 'a',
  unitId: 1,
  table,
  address,
  dataType: table === 'coil' || table === 'discrete' ? 'bool' : 'float32',
  wordOrder: 'big',
  scale: 1,
  writable: false,
  ...extra,
});

describe('read plan', () => {
  it('coalesces each table separately: ≤ 2000 bits per FC1/FC2, ≤ 125 registers per FC3/FC4', () => {
    const coils = Array.from({ length: 2500 }, (_, i) => entry(i + 1, 'coil', i));
    const discrete = Array.from({ length: 10 }, (_, i) => entry(10_000 + i, 'discrete', i));
    const holding = Array.from({ length: 70 }, (_, i) => entry(20_000 + i, 'holding', i * 2));
    const blocks = planReads([...holding, ...discrete, ...coils]);
    expect(blocks.map((b) => [b.table, b.address, b.count])).toEqual([
      ['coil', 0, MAX_BITS_PER_READ],
      ['coil', 2000, 500],
      ['discrete', 0, 10],
      ['holding', 0, 124],
      ['holding', 124, 16],
    ]);
  });

  it('lets bool points on different bits of one register share it, and splits on units and gaps', () => {
    const blocks = planReads([
      entry(1, 'holding', 0, { dataType: 'bool', bit: 0 }),
      entry(2, 'holding', 0, { dataType: 'bool', bit: 5 }),
      entry(3, 'holding', 1, { dataType: 'uint16' }),
      entry(4, 'holding', 3, { dataType: 'uint16' }),
      entry(5, 'holding', 0, { dataType: 'uint16', unitId: 2 }),
    ]);
    expect(blocks.map((b) => [b.unitId, b.address, b.count, b.entries.map((e) => e.pointId)])).toEqual([
      [1, 0, 2, [1, 2, 3]],
      [1, 3, 1, [4]],
      [2, 0, 1, [5]],
    ]);
    expect(planReads([entry(3, 'holding', 1, { dataType: 'uint16' }), entry(4, 'holding', 3, { dataType: 'uint16' })], { maxGapRegisters: 1 })).toHaveLength(1);
  });
});
