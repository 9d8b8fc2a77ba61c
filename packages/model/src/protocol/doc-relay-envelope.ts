/**
 * Relay ↔ relay message on `subjects.doc(parkId, docId)` (core NATS, not stored), wire format
 * v1. PostgreSQL holds every update; these messages only make other relays see it sooner.
 *
 * Layout (big-endian):
 * - byte 0: kind — 1 = Yjs update already stored, 2 = y-protocols awareness update
 * - byte 1: length n of the origin relay id (1…255), then n bytes of UTF-8: the relay that sent
 *   it (a relay ignores its own messages)
 * - kind 1 only: 8 bytes, float64: the update's sequence number in the document's update log
 *   (lets a receiver notice a gap and re-read the log tail)
 * - the rest: the Yjs update / awareness update bytes, unchanged
 *
 * @example
 * const bytes = encodeDocRelayEnvelope({ kind: 'update', origin: relayId, seq: 12, payload: update });
 * const env = decodeDocRelayEnvelope(bytes); // undefined when malformed
 */
export type DocRelayEnvelope =
  | { kind: 'update'; origin: string; seq: number; payload: Uint8Array }
  | { kind: 'awareness'; origin: string; payload: Uint8Array };

const KIND_UPDATE = 1;
const KIND_AWARENESS = 2;
const SEQ_BYTES = 8;
const MAX_ORIGIN_BYTES = 255;

export function encodeDocRelayEnvelope(e: DocRelayEnvelope): Uint8Array {
  const origin = new TextEncoder().encode(e.origin);
  if (origin.length === 0 || origin.length > MAX_ORIGIN_BYTES) throw new RangeError(`origin relay id must be 1–${MAX_ORIGIN_BYTES} bytes`);
  const head = 2 + origin.length + (e.kind === 'update' ? SEQ_BYTES : 0);
  const out = new Uint8Array(head + e.payload.length);
  out[0] = e.kind === 'update' ? KIND_UPDATE : KIND_AWARENESS;
  out[1] = origin.length;
  out.set(origin, 2);
  if (e.kind === 'update') new DataView(out.buffer, out.byteOffset + 2 + origin.length, SEQ_BYTES).setFloat64(0, e.seq);
  out.set(e.payload, head);
  return out;
}

/** Reads an envelope; undefined for anything malformed (never throws: the bytes come off the network). */
export function decodeDocRelayEnvelope(bytes: Uint8Array): DocRelayEnvelope | undefined {
  if (bytes.length < 3) return undefined;
  const kind = bytes[0];
  const n = bytes[1] ?? 0;
  if (n === 0 || bytes.length < 2 + n) return undefined;
  let origin: string;
  try {
    origin = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(2, 2 + n));
  } catch {
    return undefined;
  }
  if (kind === KIND_AWARENESS) return { kind: 'awareness', origin, payload: bytes.subarray(2 + n) };
  if (kind !== KIND_UPDATE || bytes.length < 2 + n + SEQ_BYTES) return undefined;
  const seq = new DataView(bytes.buffer, bytes.byteOffset + 2 + n, SEQ_BYTES).getFloat64(0);
  if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
  return { kind: 'update', origin, seq, payload: bytes.subarray(2 + n + SEQ_BYTES) };
}
