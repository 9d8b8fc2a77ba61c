export type CarbonErrorCode = 'invalid_input' | 'unknown_factor' | 'unit_mismatch' | 'missing_tce_coefficient';

/** The engine could not account the input; `path` points at the offending item. */
export class CarbonInputError extends Error {
  override readonly name = 'CarbonInputError';
  constructor(
    readonly code: CarbonErrorCode,
    message: string,
    readonly path: readonly (string | number)[] = [],
  ) {
    super(message);
  }
}
