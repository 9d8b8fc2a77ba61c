import type { ConsumeOptions } from '../bus.js';
import { BusError } from '../bus-error.js';

export const DEFAULT_ACK_WAIT_MS = 30_000;
export const DEFAULT_BATCH_SIZE = 256;
export const DEFAULT_MAX_WAIT_MS = 200;

export type ResolvedConsumeOptions = Required<Omit<ConsumeOptions, 'filterSubject'>> & Pick<ConsumeOptions, 'filterSubject'>;

// NATS durable names may not contain these; the memory bus refuses them too so that code
// written against it also runs against the server.
const DURABLE_NAME = /^[^.*>\s/\\]+$/;

/** Fills defaults and rejects values either backend would refuse, with one error code. */
export function resolveConsumeOptions(o: ConsumeOptions): ResolvedConsumeOptions {
  const r: ResolvedConsumeOptions = {
    stream: o.stream,
    durable: o.durable,
    filterSubject: o.filterSubject,
    ackWaitMs: o.ackWaitMs ?? DEFAULT_ACK_WAIT_MS,
    batchSize: o.batchSize ?? DEFAULT_BATCH_SIZE,
    maxWaitMs: o.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
  };
  if (!DURABLE_NAME.test(r.durable)) throw new BusError('INVALID_OPTIONS', `durable name '${r.durable}' is not valid`);
  if (!Number.isInteger(r.batchSize) || r.batchSize < 1) throw new BusError('INVALID_OPTIONS', `batchSize must be a positive integer, got ${r.batchSize}`);
  if (!(r.ackWaitMs > 0)) throw new BusError('INVALID_OPTIONS', `ackWaitMs must be positive, got ${r.ackWaitMs}`);
  if (!(r.maxWaitMs >= 0)) throw new BusError('INVALID_OPTIONS', `maxWaitMs must not be negative, got ${r.maxWaitMs}`);
  return r;
}
