import { describe, expect, it } from 'vitest';
import { createRng } from '../random/seeded.js';
import { dec } from './decimal.js';
import { fromBaseUnit, toBaseUnit, UNIT_NAMES } from './units.js';

describe('units', () => {
  it('CARB-UNIT-1: conversion round-trips exactly for random decimals in every unit (seeded)', () => {
    const rng = createRng(42);
    for (let n = 0; n < 500; n++) {
      const q = dec(rng.int(0, 1e9)).dividedBy(1000);
      for (const u of UNIT_NAMES) expect(fromBaseUnit(toBaseUnit(q, u), u).eq(q)).toBe(true);
    }
    expect(toBaseUnit(dec(5), '10^4Nm3').toFixed()).toBe('50000');
    expect(toBaseUnit(dec(1200000), 'kWh').toFixed()).toBe('1200');
  });
});
