import type { BatchHandler, DurableMessage } from '../bus.js';

// Small helpers for the contract suite (bus-contract.ts); test support, not bus behaviour.

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Long enough for a wrong implementation to deliver what it should not have. */
export const QUIET_MS = 300;

/** A batch handler that keeps every message it is handed. */
export function recorder(): { got: DurableMessage[]; handler: BatchHandler } {
  const got: DurableMessage[] = [];
  return {
    got,
    handler: async (batch) => {
      got.push(...batch);
    },
  };
}
