import { JetStreamApiError } from '@nats-io/jetstream';
import { errors, RequestError } from '@nats-io/nats-core';
import { BusError, type BusErrorCode } from '../bus-error.js';

/** JetStream API error codes the bus tells apart (nats-server `server/errors.json`). */
export const JS_CODES = {
  consumerNotFound: 10014,
  streamNameInUse: 10058,
  streamNotFound: 10059,
  streamSubjectOverlap: 10065,
} as const;

export function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

/** True when the error (or one it wraps) says nobody answered the request. */
export function isNoResponders(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (e instanceof errors.NoRespondersError) return true;
    if (e instanceof RequestError && e.isNoResponders()) return true;
  }
  return false;
}

const API_CODES: Record<number, BusErrorCode> = {
  [JS_CODES.consumerNotFound]: 'CONSUMER_NOT_FOUND',
  [JS_CODES.streamNotFound]: 'STREAM_NOT_FOUND',
  [JS_CODES.streamSubjectOverlap]: 'STREAM_CONFLICT',
};

/** The one place a nats.js error becomes a {@link BusError}; `what` says what was attempted. */
export function toBusError(err: unknown, what: string): BusError {
  if (err instanceof BusError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof errors.ClosedConnectionError || err instanceof errors.DrainingConnectionError) {
    return new BusError('CLOSED', `${what}: the NATS connection is closed`, { cause: err });
  }
  if (err instanceof JetStreamApiError) {
    const code = API_CODES[err.code];
    if (code) return new BusError(code, `${what}: ${message}`, { cause: err });
  }
  return new BusError('BACKEND', `${what}: ${message}`, { cause: err });
}
