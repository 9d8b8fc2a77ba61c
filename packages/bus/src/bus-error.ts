/**
 * Why a bus call failed, stable across both implementations so callers (and the contract
 * suite) branch on `code`, never on a backend's message text.
 */
export type BusErrorCode =
  /** The bus was closed; nothing more can be done with it. */
  | 'CLOSED'
  /** The first connection to the server failed (reconnects after that are automatic). */
  | 'CONNECT_FAILED'
  /** A publish subject with a wildcard or an empty token. */
  | 'INVALID_SUBJECT'
  /** Consume options out of range, or a durable name NATS would reject. */
  | 'INVALID_OPTIONS'
  /** A stored publish on a subject no stream captures. */
  | 'NO_STREAM'
  | 'STREAM_NOT_FOUND'
  | 'CONSUMER_NOT_FOUND'
  /** A stream whose subjects overlap another stream's. */
  | 'STREAM_CONFLICT'
  /** Any other server or transport failure; `cause` holds the original. */
  | 'BACKEND';

export class BusError extends Error {
  override readonly name = 'BusError';

  constructor(
    readonly code: BusErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
