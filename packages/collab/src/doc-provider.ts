import type { DocOpenAck, DocSyncAck, DocWireRef } from '@zcp/model';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CollabError } from './lib/errors.js';
import { decodeSyncMessage, encodeSyncMessage } from './lib/sync-message.js';

/**
 * The part of a socket.io-client `Socket<ServerToClientEvents, ClientToServerEvents>` the
 * provider uses, typed structurally so tests can pass an in-memory pair and the web app its
 * real socket. Event names and payloads are those of `packages/model` (`SocketEvent.doc*`).
 */
export interface DocSocket {
  readonly connected: boolean;
  on(ev: 'connect', fn: () => void): unknown;
  on(ev: 'disconnect', fn: (reason: string) => void): unknown;
  on(ev: 'doc:sync', fn: (ref: DocWireRef, msg: Uint8Array) => void): unknown;
  on(ev: 'doc:awareness', fn: (ref: DocWireRef, msg: Uint8Array) => void): unknown;
  on(ev: 'doc:closed', fn: (ref: DocWireRef, reason: { code: string; message: string }) => void): unknown;
  off(ev: 'connect', fn: () => void): unknown;
  off(ev: 'disconnect', fn: (reason: string) => void): unknown;
  off(ev: 'doc:sync', fn: (ref: DocWireRef, msg: Uint8Array) => void): unknown;
  off(ev: 'doc:awareness', fn: (ref: DocWireRef, msg: Uint8Array) => void): unknown;
  off(ev: 'doc:closed', fn: (ref: DocWireRef, reason: { code: string; message: string }) => void): unknown;
  emit(ev: 'doc:open', ref: DocWireRef, ack: (res: DocOpenAck) => void): unknown;
  emit(ev: 'doc:close', ref: DocWireRef): unknown;
  emit(ev: 'doc:sync', ref: DocWireRef, msg: Uint8Array, ack?: (res: DocSyncAck) => void): unknown;
  emit(ev: 'doc:awareness', ref: DocWireRef, msg: Uint8Array): unknown;
}

export type DocProviderStatus = 'connecting' | 'synced' | 'offline' | 'refused';

export interface DocProviderOptions {
  socket: DocSocket;
  ref: DocWireRef;
  doc?: Y.Doc;
  awareness?: Awareness;
  /** Wait before re-opening a document the relay closed, or first retry after `unavailable` (doubling, ≤ 10 s). Default 500 ms. */
  reopenDelayMs?: number;
}

type ProviderEvents = {
  status: (status: DocProviderStatus) => void;
  pending: (pending: number) => void;
  synced: () => void;
};

const DEFAULT_REOPEN_DELAY_MS = 500;
/** Longest wait between re-open attempts while the relay answers `unavailable`. */
const MAX_REOPEN_DELAY_MS = 10_000;

/**
 * Keeps a Y.Doc in sync with a relay over the socket.io connection (`doc:*` events).
 *
 * - Opens the document on connect and on every reconnect, then runs the y-protocols exchange:
 *   its step 1 asks for what the relay has; the relay's step 1 is answered with a step 2 holding
 *   everything local the relay lacks — which is how edits made offline merge after a reconnect.
 * - Every local change (transaction origin other than the provider) is sent as an update with
 *   an acknowledgement; the relay acknowledges only after storing it. `pending` counts local
 *   updates not yet acknowledged ("offline — n changes pending"), and drops to 0 once the relay
 *   has stored them (an acknowledged step 2 covers every change made before it was sent).
 * - Awareness (presence) travels as `doc:awareness`; `destroy()` withdraws the local state.
 *
 * @example
 * const provider = new DocProvider({ socket, ref: { parkId: 'demo', docId: 'park' } });
 * await provider.whenSynced();
 * const store = new AnnotationStore(provider.doc);
 */
export class DocProvider {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly ref: DocWireRef;
  status: DocProviderStatus = 'offline';
  refusal?: { code: string; message: string };
  access: 'read' | 'write' | undefined;
  /** The last update the relay refused to store (e.g. `forbidden` for a read-only principal). */
  lastSyncError?: { code: string; message: string };

  private readonly socket: DocSocket;
  private readonly ownsAwareness: boolean;
  private readonly reopenDelayMs: number;
  private readonly listeners: { [K in keyof ProviderEvents]: Set<ProviderEvents[K]> } = { status: new Set(), pending: new Set(), synced: new Set() };
  /** Local updates by number, removed once the relay acknowledged storing them. */
  private readonly unacked = new Set<number>();
  private localSeq = 0;
  /** Bumped on every (re)open, so acks of an older connection are told apart. */
  private session = 0;
  private open = false;
  private destroyed = false;
  private reopenTimer: ReturnType<typeof setTimeout> | undefined;
  private unavailableRetries = 0;
  private syncedWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(o: DocProviderOptions) {
    this.socket = o.socket;
    this.ref = { parkId: o.ref.parkId, docId: o.ref.docId };
    this.doc = o.doc ?? new Y.Doc();
    this.ownsAwareness = o.awareness === undefined;
    this.awareness = o.awareness ?? new Awareness(this.doc);
    this.reopenDelayMs = o.reopenDelayMs ?? DEFAULT_REOPEN_DELAY_MS;
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessChange);
    this.socket.on('connect', this.onConnect);
    this.socket.on('disconnect', this.onDisconnect);
    this.socket.on('doc:sync', this.onSync);
    this.socket.on('doc:awareness', this.onAwareness);
    this.socket.on('doc:closed', this.onClosed);
    if (this.socket.connected) this.openDoc();
  }

  /** Local updates not yet acknowledged as stored by the relay. */
  get pending(): number {
    return this.unacked.size;
  }

  on<K extends keyof ProviderEvents>(event: K, cb: ProviderEvents[K]): void {
    this.listeners[event].add(cb);
  }

  off<K extends keyof ProviderEvents>(event: K, cb: ProviderEvents[K]): void {
    this.listeners[event].delete(cb);
  }

  /** Resolves once the document is synced with the relay (at once if it is); rejects if the relay refuses it. */
  whenSynced(): Promise<void> {
    if (this.status === 'synced') return Promise.resolve();
    if (this.status === 'refused') return Promise.reject(this.refusalError());
    return new Promise((resolve, reject) => this.syncedWaiters.push({ resolve, reject }));
  }

  /** Stops syncing: withdraws the local presence, closes the document on the relay and drops every listener. */
  destroy(): void {
    if (this.destroyed) return;
    removeAwarenessStates(this.awareness, [this.doc.clientID], 'destroy');
    this.destroyed = true;
    clearTimeout(this.reopenTimer);
    if (this.open && this.socket.connected) this.socket.emit('doc:close', this.ref);
    this.open = false;
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessChange);
    this.socket.off('connect', this.onConnect);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off('doc:sync', this.onSync);
    this.socket.off('doc:awareness', this.onAwareness);
    this.socket.off('doc:closed', this.onClosed);
    if (this.ownsAwareness) this.awareness.destroy();
    for (const w of this.syncedWaiters.splice(0)) w.reject(new CollabError('refused', 'provider destroyed before the document synced'));
  }

  private readonly onConnect = () => this.openDoc();

  private readonly onDisconnect = () => {
    this.open = false;
    this.session++;
    // Other participants' presence is unknown while offline; they come back with the next open.
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    if (others.length > 0) removeAwarenessStates(this.awareness, others, this);
    if (this.status !== 'refused') this.setStatus('offline');
  };

  private readonly onClosed = (ref: DocWireRef, reason: { code: string; message: string }) => {
    if (!this.isMine(ref) || this.destroyed) return;
    this.open = false;
    this.session++;
    this.lastSyncError = reason;
    this.setStatus('connecting');
    this.scheduleReopen(this.reopenDelayMs);
  };

  private scheduleReopen(delayMs: number): void {
    clearTimeout(this.reopenTimer);
    this.reopenTimer = setTimeout(() => {
      if (this.socket.connected && !this.destroyed) this.openDoc();
    }, delayMs);
  }

  private openDoc(): void {
    if (this.destroyed) return;
    const session = ++this.session;
    this.setStatus('connecting');
    this.socket.emit('doc:open', this.ref, (res) => {
      if (this.destroyed || session !== this.session) return;
      if (!res.ok && res.code === 'unavailable') {
        // The relay cannot load the document right now (its database is down): try again later.
        this.lastSyncError = { code: res.code, message: res.message };
        this.setStatus('offline');
        this.scheduleReopen(Math.min(this.reopenDelayMs * 2 ** this.unavailableRetries++, MAX_REOPEN_DELAY_MS));
        return;
      }
      if (!res.ok) {
        this.refusal = { code: res.code, message: res.message };
        this.setStatus('refused');
        for (const w of this.syncedWaiters.splice(0)) w.reject(this.refusalError());
        return;
      }
      this.refusal = undefined;
      this.unavailableRetries = 0;
      this.access = res.access;
      this.open = true;
      this.socket.emit('doc:sync', this.ref, encodeSyncMessage({ type: 'step1', stateVector: Y.encodeStateVector(this.doc) }));
      if (this.awareness.getLocalState() !== null) this.socket.emit('doc:awareness', this.ref, encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
    });
  }

  private readonly onSync = (ref: DocWireRef, bytes: Uint8Array) => {
    if (!this.isMine(ref) || !this.open) return;
    const msg = decodeSyncMessage(toBytes(bytes));
    if (!msg) return;
    if (msg.type === 'step1') {
      // The relay asks for what it lacks: everything local it has not stored, offline edits included.
      if (this.access !== 'write') return;
      const covered = [...this.unacked];
      this.sendWithAck(encodeSyncMessage({ type: 'step2', update: Y.encodeStateAsUpdate(this.doc, msg.stateVector) }), covered);
      return;
    }
    try {
      Y.applyUpdate(this.doc, msg.update, this);
    } catch {
      // A malformed update from the relay: ignore it; the next sync exchange repairs the state.
      return;
    }
    if (msg.type === 'step2' && this.status !== 'synced') {
      this.setStatus('synced');
      for (const cb of this.listeners.synced) cb();
      for (const w of this.syncedWaiters.splice(0)) w.resolve();
    }
  };

  private readonly onAwareness = (ref: DocWireRef, bytes: Uint8Array) => {
    if (!this.isMine(ref) || !this.open) return;
    try {
      applyAwarenessUpdate(this.awareness, toBytes(bytes), this);
    } catch {
      // Malformed presence from the relay is dropped; presence is refreshed every few seconds anyway.
    }
  };

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this) return;
    const id = ++this.localSeq;
    this.unacked.add(id);
    this.emitPending();
    if (this.open && this.socket.connected && this.access === 'write') this.sendWithAck(encodeSyncMessage({ type: 'update', update }), [id]);
    else if (this.open && this.access === 'read') this.lastSyncError = { code: 'forbidden', message: 'read-only access: local changes are not stored' };
  };

  private readonly onAwarenessChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    if (origin === this || !this.open || !this.socket.connected) return;
    const changed = [...added, ...updated, ...removed];
    if (changed.length > 0) this.socket.emit('doc:awareness', this.ref, encodeAwarenessUpdate(this.awareness, changed));
  };

  /** Sends a step 2 or update; when the relay says it is stored, the local updates `covered` are no longer pending. */
  private sendWithAck(message: Uint8Array, covered: number[]): void {
    const session = this.session;
    this.socket.emit('doc:sync', this.ref, message, (res) => {
      if (this.destroyed) return;
      if (res.ok) {
        for (const id of covered) this.unacked.delete(id);
        this.emitPending();
      } else if (session === this.session) {
        this.lastSyncError = { code: res.code, message: res.message };
      }
    });
  }

  private isMine(ref: DocWireRef): boolean {
    return ref?.parkId === this.ref.parkId && ref?.docId === this.ref.docId;
  }

  private setStatus(s: DocProviderStatus): void {
    if (this.status === s) return;
    this.status = s;
    for (const cb of this.listeners.status) cb(s);
  }

  private emitPending(): void {
    const n = this.unacked.size;
    for (const cb of this.listeners.pending) cb(n);
  }

  private refusalError(): CollabError {
    return new CollabError(
      'refused',
      `relay refused ${this.ref.parkId}/${this.ref.docId}: ${this.refusal?.code ?? 'unknown'} — ${this.refusal?.message ?? ''}`,
    );
  }
}

/** socket.io hands binary to Node clients as Buffer (a Uint8Array) and may hand ArrayBuffer elsewhere. */
function toBytes(b: Uint8Array | ArrayBuffer): Uint8Array {
  return b instanceof Uint8Array ? b : new Uint8Array(b);
}
