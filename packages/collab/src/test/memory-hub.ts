import type { DocOpenAck, DocSyncAck, DocWireRef } from '@zcp/model';
import { Awareness, applyAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { DocSocket } from '../doc-provider.js';
import { decodeSyncMessage, encodeSyncMessage } from '../lib/sync-message.js';

// Test support: an in-memory stand-in for the relay's doc:* handling (one Y.Doc, acks at once
// or when released), and client sockets that can be disconnected and reconnected. The real
// relay is tested against PostgreSQL and NATS in apps/relay/src/collab.

type Handler = (...args: never[]) => void;

export class MemorySocket implements DocSocket {
  connected = false;
  private readonly handlers = new Map<string, Set<Handler>>();
  constructor(private readonly hub: MemoryHub) {}

  on(ev: string, fn: Handler): this {
    const set = this.handlers.get(ev) ?? new Set<Handler>();
    this.handlers.set(ev, set);
    set.add(fn);
    return this;
  }
  off(ev: string, fn: Handler): this {
    this.handlers.get(ev)?.delete(fn);
    return this;
  }
  emit(ev: string, ...args: unknown[]): this {
    if (!this.connected) return this;
    queueMicrotask(() => this.hub.receive(this, ev, args));
    return this;
  }
  /** Delivers a server → client event (asynchronously, like a network). */
  deliver(ev: string, ...args: unknown[]): void {
    queueMicrotask(() => {
      if (!this.connected) return;
      for (const fn of this.handlers.get(ev) ?? []) (fn as (...a: unknown[]) => void)(...args);
    });
  }
  connect(): void {
    this.connected = true;
    for (const fn of this.handlers.get('connect') ?? []) (fn as () => void)();
  }
  disconnect(): void {
    this.connected = false;
    this.hub.drop(this);
    for (const fn of this.handlers.get('disconnect') ?? []) (fn as (r: string) => void)('io client disconnect');
  }
}

export class MemoryHub {
  readonly doc = new Y.Doc();
  readonly awareness = new Awareness(this.doc);
  private readonly open = new Set<MemorySocket>();
  /** When set, acks wait until `releaseAcks()`. */
  holdAcks = false;
  private held: (() => void)[] = [];
  access: 'read' | 'write' = 'write';
  /** Opens answered `unavailable` before the hub accepts them again. */
  unavailableOpens = 0;

  socket(): MemorySocket {
    return new MemorySocket(this);
  }

  releaseAcks(): void {
    for (const a of this.held.splice(0)) a();
  }

  drop(s: MemorySocket): void {
    this.open.delete(s);
  }

  receive(from: MemorySocket, ev: string, args: unknown[]): void {
    const ref = args[0] as DocWireRef;
    if (ev === 'doc:open') {
      if (this.unavailableOpens > 0) {
        this.unavailableOpens--;
        (args[1] as (r: DocOpenAck) => void)({ ok: false, code: 'unavailable', message: 'database down' });
        return;
      }
      this.open.add(from);
      (args[1] as (r: DocOpenAck) => void)({ ok: true, access: this.access });
      from.deliver('doc:sync', ref, encodeSyncMessage({ type: 'step1', stateVector: Y.encodeStateVector(this.doc) }));
      return;
    }
    if (ev === 'doc:sync') {
      const msg = decodeSyncMessage(args[1]);
      const ack = args[2] as ((r: DocSyncAck) => void) | undefined;
      if (!msg) {
        ack?.({ ok: false, code: 'invalid_request', message: 'not a sync message' });
        return;
      }
      if (msg.type === 'step1') {
        from.deliver('doc:sync', ref, encodeSyncMessage({ type: 'step2', update: Y.encodeStateAsUpdate(this.doc, msg.stateVector) }));
        ack?.({ ok: true });
        return;
      }
      if (this.access === 'read') {
        ack?.({ ok: false, code: 'forbidden', message: 'read only' });
        return;
      }
      Y.applyUpdate(this.doc, msg.update);
      for (const s of this.open) if (s !== from) s.deliver('doc:sync', ref, encodeSyncMessage({ type: 'update', update: msg.update }));
      const done = () => ack?.({ ok: true });
      if (this.holdAcks) this.held.push(done);
      else done();
      return;
    }
    if (ev === 'doc:awareness') {
      applyAwarenessUpdate(this.awareness, args[1] as Uint8Array, from);
      for (const s of this.open) if (s !== from) s.deliver('doc:awareness', ref, args[1]);
      return;
    }
    if (ev === 'doc:close') this.open.delete(from);
  }
}
