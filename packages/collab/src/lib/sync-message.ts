import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * One y-protocols sync message (the payload of `doc:sync`): `[type varUint][bytes varUint8Array]`,
 * exactly as y-protocols/sync writes it (step 1 carries a state vector, step 2 and update carry
 * a Yjs update). Shared by the browser provider and the relay so both read the same bytes.
 */
export type SyncMessage = { type: 'step1'; stateVector: Uint8Array } | { type: 'step2'; update: Uint8Array } | { type: 'update'; update: Uint8Array };

const TYPE_CODES = { step1: 0, step2: 1, update: 2 } as const;

export function encodeSyncMessage(m: SyncMessage): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, TYPE_CODES[m.type]);
  encoding.writeVarUint8Array(e, m.type === 'step1' ? m.stateVector : m.update);
  return encoding.toUint8Array(e);
}

/** Reads a sync message; undefined when the bytes are not one (never throws: they come off the network). */
export function decodeSyncMessage(bytes: unknown): SyncMessage | undefined {
  if (!(bytes instanceof Uint8Array)) return undefined;
  try {
    const d = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    if (decoding.hasContent(d)) return undefined;
    if (type === 0) return { type: 'step1', stateVector: payload };
    if (type === 1) return { type: 'step2', update: payload };
    if (type === 2) return { type: 'update', update: payload };
    return undefined;
  } catch {
    return undefined;
  }
}
