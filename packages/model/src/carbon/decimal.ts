import * as DecimalModule from 'decimal.js';

// decimal.js ships ESM (`export default`) with CommonJS-style typings; the namespace's
// `default` is the constructor under both readings, in Node, Vite and browsers.
const DecimalJs = DecimalModule.default as unknown as typeof DecimalModule.Decimal;

/**
 * The decimal type every carbon figure is computed in. 40 significant digits and half-up
 * rounding: sums and products of the inputs are exact (inputs carry far fewer digits), and the
 * only inexact steps are divisions (44/12, intensities, shares), which keep 40 digits.
 */
export const Dec = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40 });
export type Dec = InstanceType<typeof Dec>;

/** A decimal as it appears in JSON input: a number (read by its shortest round-trip text) or a decimal string. */
export type DecimalInput = number | string;
/** An exact decimal written as text, e.g. `"749.25"`: what results carry, so JSON never rounds them. */
export type DecimalString = string;

export const dec = (value: DecimalInput | Dec): Dec => new Dec(value);
export const ZERO = new Dec(0);

export const sumDec = (values: Iterable<Dec>): Dec => {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
};

/** Text of a decimal without exponent notation. */
export const decText = (value: Dec): DecimalString => value.toFixed();

/** Rounds to `significant` significant digits (half up): how computed fuel factors are published. */
export const toSignificant = (value: Dec, significant: number): Dec => value.toSignificantDigits(significant, Dec.ROUND_HALF_UP);
