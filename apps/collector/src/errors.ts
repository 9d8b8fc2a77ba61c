/**
 * The collector's error type: one stable `code` per failure a caller may act on, so logs,
 * write results and tests match on codes rather than on message text.
 */
export const COLLECTOR_ERROR_CODES = [
  'config_invalid',
  'register_map_invalid',
  'unit_ids_exhausted',
  'address_space_exhausted',
  'unknown_point',
  'unknown_asset',
  'not_writable',
  'setpoint_out_of_range',
  'time_went_backwards',
  'modbus_exception',
  'timeout',
  'not_connected',
  'readback_mismatch',
  'already_started',
  'publish_failed',
  'internal',
] as const;
export type CollectorErrorCode = (typeof COLLECTOR_ERROR_CODES)[number];

export class CollectorError extends Error {
  override readonly name = 'CollectorError';
  constructor(
    readonly code: CollectorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A serialisable view of an error, for write results, status and log lines. */
export interface ErrorInfo {
  code: CollectorErrorCode;
  message: string;
}

/**
 * Turns anything thrown (modbus-serial throws plain objects with `errno`/`modbusCode`) into
 * a CollectorError, keeping the original as `cause`.
 */
export function toCollectorError(e: unknown): CollectorError {
  if (e instanceof CollectorError) return e;
  const o = (typeof e === 'object' && e !== null ? e : {}) as { message?: unknown; errno?: unknown; modbusCode?: unknown; code?: unknown };
  const message = typeof o.message === 'string' && o.message.length > 0 ? o.message : String(e);
  if (typeof o.modbusCode === 'number') return new CollectorError('modbus_exception', message, { cause: e });
  if (o.errno === 'ETIMEDOUT') return new CollectorError('timeout', message, { cause: e });
  if (o.errno === 'ECONNREFUSED' || o.code === 'ECONNREFUSED' || o.code === 'ECONNRESET' || o.code === 'EPIPE') {
    return new CollectorError('not_connected', message, { cause: e });
  }
  return new CollectorError('internal', message, { cause: e });
}

export function errorInfo(e: unknown): ErrorInfo {
  const err = toCollectorError(e);
  return { code: err.code, message: err.message };
}
