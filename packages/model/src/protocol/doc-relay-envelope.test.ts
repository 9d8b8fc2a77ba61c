import { describe, expect, it } from 'vitest';
import { decodeDocRelayEnvelope, encodeDocRelayEnvelope } from './doc-relay-envelope.js';

describe('doc relay envelope v1', () => {
  it('round-trips updates (with seq) and awareness messages', () => {
    const payload = new Uint8Array([1, 2, 3, 250]);
    expect(decodeDocRelayEnvelope(encodeDocRelayEnvelope({ kind: 'update', origin: 'relay-α', seq: 2 ** 40, payload }))).toEqual({
      kind: 'update',
      origin: 'relay-α',
      seq: 2 ** 40,
      payload,
    });
    expect(decodeDocRelayEnvelope(encodeDocRelayEnvelope({ kind: 'awareness', origin: 'r', payload }))).toEqual({ kind: 'awareness', origin: 'r', payload });
  });
  it('returns undefined for malformed bytes instead of throwing', () => {
    for (const bad of [[], [1], [9, 1, 65, 0], [1, 5, 65], [1, 1, 65, 0, 0], [2, 0, 1], [1, 1, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]]) {
      expect(decodeDocRelayEnvelope(new Uint8Array(bad))).toBeUndefined();
    }
    // seq 0 and NaN are not sequence numbers
    const zero = encodeDocRelayEnvelope({ kind: 'update', origin: 'r', seq: 1, payload: new Uint8Array() });
    new DataView(zero.buffer).setFloat64(3, 0);
    expect(decodeDocRelayEnvelope(zero)).toBeUndefined();
  });
  it('refuses an empty or oversized origin id', () => {
    expect(() => encodeDocRelayEnvelope({ kind: 'awareness', origin: '', payload: new Uint8Array() })).toThrow(RangeError);
    expect(() => encodeDocRelayEnvelope({ kind: 'awareness', origin: 'x'.repeat(256), payload: new Uint8Array() })).toThrow(RangeError);
  });
});
