import type { Bus, Subscription } from '@zcp/bus';
import { decodeDocRelayEnvelope, encodeDocRelayEnvelope, subjects } from '@zcp/model';
import type { CollabExtension } from '../types.js';

export interface NatsBridgeOptions {
  bus: Bus;
  relayId: string;
  onError(what: string, key: string, err: unknown): void;
}

/**
 * Carries stored updates and awareness between relays on `subjects.doc(parkId, docId)` as core
 * (not stored) messages in the v1 envelope (packages/model protocol/doc-relay-envelope.ts).
 * Subscribes before the document is read from the database, so nothing published meanwhile is
 * lost; ignores its own messages. A message missed anyway (bus outage, the subscription racing
 * the read) is repaired from PostgreSQL: a gap in the update numbers, pending Yjs structs or the
 * periodic catch-up re-read the log tail.
 */
export function natsBridgeExtension(o: NatsBridgeOptions): CollabExtension {
  const subs = new Map<string, Subscription>();
  const publish = (key: string, subject: string, data: Uint8Array) => {
    try {
      o.bus.publishEphemeral(subject, data);
    } catch (err) {
      // Other relays converge from the log; a bus outage only delays them.
      o.onError('publish to the bus', key, err);
    }
  };
  return {
    name: 'nats-bridge',
    beforeLoadDocument({ doc }) {
      const sub = o.bus.subscribe(subjects.doc(doc.ref.parkId, doc.ref.docId), (msg) => {
        const env = decodeDocRelayEnvelope(msg.data);
        if (!env) {
          o.onError('decode a relay message', doc.key, new Error(`malformed envelope of ${msg.data.length} bytes`));
          return;
        }
        if (env.origin === o.relayId) return;
        if (env.kind === 'update') doc.applyStored([{ seq: env.seq, bytes: env.payload }]);
        else doc.applyRemoteAwareness(env.payload);
      });
      subs.get(doc.key)?.unsubscribe();
      subs.set(doc.key, sub);
    },
    afterStoreUpdates({ doc, stored }) {
      const subject = subjects.doc(doc.ref.parkId, doc.ref.docId);
      for (const u of stored) publish(doc.key, subject, encodeDocRelayEnvelope({ kind: 'update', origin: o.relayId, seq: u.seq, payload: u.bytes }));
    },
    onLocalAwareness({ doc, update }) {
      publish(doc.key, subjects.doc(doc.ref.parkId, doc.ref.docId), encodeDocRelayEnvelope({ kind: 'awareness', origin: o.relayId, payload: update }));
    },
    afterUnloadDocument({ doc }) {
      subs.get(doc.key)?.unsubscribe();
      subs.delete(doc.key);
    },
    onStop() {
      for (const s of subs.values()) s.unsubscribe();
      subs.clear();
    },
  };
}
