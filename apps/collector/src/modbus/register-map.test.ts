import { demoPark } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { CollectorError } from '../errors.js';
import { MAX_REGISTERS_PER_READ, planReads } from './read-plan.js';
import { buildRegisterMap, parseRegisterMap, type RegisterMapEntry, registerCount, registerMapProblems } from './register-map.js';

const park = demoPark();
const map = buildRegisterMap(park);

describe('buildRegisterMap', () => {
  it('maps every point exactly once, deterministically', () => {
    expect(map.entries).toHaveLength(park.points.length);
    expect(new Set(map.entries.map((e) => e.pointId)).size).toBe(park.points.length);
    expect(buildRegisterMap(demoPark())).toEqual(map);
  });

  it('has no overlapping registers (checked pairwise per unit, not only by the validator)', () => {
    expect(registerMapProblems(map.entries)).toEqual([]);
    const used = new Map<string, number>();
    for (const e of map.entries) {
      for (let r = e.address; r < e.address + registerCount(e); r++) {
        const key = `${e.unitId}:${r}`;
        expect(used.get(key), `register ${key} of point ${e.pointId}`).toBeUndefined();
        used.set(key, e.pointId);
      }
    }
  });

  it('puts park-level assets on unit 1 and each enterprise on its own unit, assets contiguous', () => {
    const units = new Set(map.entries.map((e) => e.unitId));
    expect(units.size).toBe(park.enterprises.length + 1);
    for (const e of map.entries) {
      const asset = park.assets.find((a) => a.id === e.assetId);
      if (asset?.enterpriseId === null) expect(e.unitId).toBe(1);
    }
    const byAsset = new Map<string, RegisterMapEntry[]>();
    for (const e of map.entries) byAsset.set(e.assetId, [...(byAsset.get(e.assetId) ?? []), e]);
    for (const list of byAsset.values()) {
      expect(new Set(list.map((e) => e.unitId)).size).toBe(1);
      for (let i = 1; i < list.length; i++) {
        const prev = list[i - 1] as RegisterMapEntry;
        expect((list[i] as RegisterMapEntry).address).toBe(prev.address + registerCount(prev));
      }
    }
  });

  it('makes only the battery setpoint writable, gauges float32 and counters float64', () => {
    expect(map.entries.filter((e) => e.writable).map((e) => e.tag)).toEqual(['bess1.setpoint_kw']);
    for (const e of map.entries) {
      const point = park.points.find((p) => p.id === e.pointId);
      expect(e.dataType).toBe(point?.kind === 'counter' ? 'float64' : 'float32');
    }
  });

  it('refuses a park with more enterprises than unit ids', () => {
    const big = { ...park, enterprises: Array.from({ length: 247 }, (_, i) => ({ ...(park.enterprises[0] as (typeof park.enterprises)[0]), id: `e${i}` })) };
    expect(() => buildRegisterMap(big)).toThrow(CollectorError);
  });
});

describe('parseRegisterMap', () => {
  it('accepts the derived map as JSON (the config-file shape)', () => {
    expect(parseRegisterMap(JSON.parse(JSON.stringify(map)))).toEqual(map);
  });

  it('lists overlaps and bad fields in one error', () => {
    const bad = {
      ...map,
      entries: [
        { pointId: 1, assetId: 'a', unitId: 1, address: 0, dataType: 'float32', wordOrder: 'big' },
        { pointId: 2, assetId: 'a', unitId: 1, address: 1, dataType: 'float32', wordOrder: 'big' },
        { pointId: 3, assetId: 'a', unitId: 300, address: 0, dataType: 'float16', wordOrder: 'big' },
      ],
    };
    try {
      parseRegisterMap(bad);
      expect.unreachable();
    } catch (e) {
      expect((e as CollectorError).code).toBe('register_map_invalid');
      expect((e as Error).message).toContain('unitId');
      expect((e as Error).message).toContain('dataType');
    }
    const overlapping = { ...map, entries: bad.entries.slice(0, 2) };
    expect(() => parseRegisterMap(overlapping)).toThrow(/overlap/);
  });
});

describe('planReads', () => {
  const blocks = planReads(map.entries);

  it('covers every point once with blocks of at most 125 registers, never splitting a point', () => {
    expect(blocks.flatMap((b) => b.entries.map((e) => e.pointId)).sort((a, b) => a - b)).toEqual(park.points.map((p) => p.id));
    for (const b of blocks) {
      expect(b.count).toBeLessThanOrEqual(MAX_REGISTERS_PER_READ);
      for (const e of b.entries) {
        expect(e.unitId).toBe(b.unitId);
        expect(e.address).toBeGreaterThanOrEqual(b.address);
        expect(e.address + registerCount(e)).toBeLessThanOrEqual(b.address + b.count);
      }
    }
  });

  it('needs about ⌈registers / 125⌉ reads per unit (at most one more, for points at a boundary)', () => {
    const perUnit = new Map<number, number>();
    for (const e of map.entries) perUnit.set(e.unitId, (perUnit.get(e.unitId) ?? 0) + registerCount(e));
    for (const [unit, registers] of perUnit) {
      const reads = blocks.filter((b) => b.unitId === unit).length;
      expect(reads).toBeGreaterThanOrEqual(Math.ceil(registers / 125));
      expect(reads).toBeLessThanOrEqual(Math.ceil(registers / 125) + 1);
    }
  });

  it('splits at gaps unless allowed to span them, and at unit boundaries', () => {
    const entries: RegisterMapEntry[] = [
      { pointId: 1, assetId: 'a', unitId: 1, table: 'holding', address: 0, dataType: 'float32', wordOrder: 'big', scale: 1, writable: false },
      { pointId: 2, assetId: 'a', unitId: 1, table: 'holding', address: 4, dataType: 'float32', wordOrder: 'big', scale: 1, writable: false },
      { pointId: 3, assetId: 'b', unitId: 2, table: 'holding', address: 6, dataType: 'float32', wordOrder: 'big', scale: 1, writable: false },
    ];
    expect(planReads(entries).map((b) => [b.unitId, b.address, b.count])).toEqual([
      [1, 0, 2],
      [1, 4, 2],
      [2, 6, 2],
    ]);
    expect(planReads(entries, { maxGapRegisters: 2 }).map((b) => [b.unitId, b.address, b.count])).toEqual([
      [1, 0, 6],
      [2, 6, 2],
    ]);
  });
});
