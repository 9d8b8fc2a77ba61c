import { describe, expect, it } from 'vitest';
import { dec, decText, sumDec, toSignificant } from './decimal.js';

describe('decimal (CARB-NUM-1)', () => {
  it('CARB-NUM-1: sums of decimal inputs are exact where binary floats drift', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(decText(dec(0.1).plus(0.2))).toBe('0.3');
    expect(decText(sumDec(Array.from({ length: 1000 }, () => dec('0.001'))))).toBe('1');
    expect(decText(toSignificant(dec('2.162188815'), 6))).toBe('2.16219');
  });
});
