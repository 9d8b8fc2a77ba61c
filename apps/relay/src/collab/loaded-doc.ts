import { encodeSyncMessage } from '@zcp/collab';
import type { DocRef, DocSyncAck, Principal } from '@zcp/model';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { SeqTracker } from './seq-tracker.js';
import type { DocHandle, LogTail, StoredUpdate } from './types.js';

/** How the document reaches the sockets that have it open (a socket.io room in production). */
export interface DocBroadcast {
  sync(msg: Uint8Array, exceptSocketId?: string): void;
  awareness(msg: Uint8Array, exceptSocketId?: string): void;
}

/** What a loaded document needs from the core and its extensions. */
export interface LoadedDocDeps {
  broadcast: DocBroadcast;
  store(updates: readonly Uint8Array[]): Promise<number[]>;
  fetch(sinceSeq: number): Promise<LogTail>;
  /** After a commit: the stored updates, and for each queued client update the ms from its arrival to the commit. */
  afterStore(stored: readonly StoredUpdate[], arrivalToCommitMs: readonly number[]): void;
  localAwareness(update: Uint8Array): void;
  onError(what: string, err: unknown): void;
  /** A failed store leaves memory ahead of the database: the core closes and drops the document. */
  onStorageFailed(): void;
}

export interface Session {
  socketId: string;
  principal: Principal;
  access: 'read' | 'write';
  /** Awareness client ids this socket introduced (removed when it leaves). */
  awarenessIds: Set<number>;
}

type Origin = { kind: 'client'; socketId: string } | { kind: 'bus' } | { kind: 'log' };
const BUS: Origin = { kind: 'bus' };
const LOG: Origin = { kind: 'log' };

interface WriteEntry {
  /** Bytes to store; undefined when the update changed nothing (acked after earlier writes commit). */
  bytes: Uint8Array | undefined;
  socketId: string;
  /** performance.now() when the client's message arrived. */
  receivedAt: number;
  resolve(ack: DocSyncAck): void;
}

/** Most queued updates one storage transaction takes (group commit). */
const MAX_WRITE_BATCH = 256;
/** A gap in the numbers is given this long to fill from the bus before the log is re-read. */
const GAP_GRACE_MS = 100;

/**
 * One document loaded in this relay: its Y.Doc and Awareness, the sockets that have it open,
 * and the write queue that stores client updates before they are acknowledged or shown to
 * anyone else.
 *
 * A client update is applied to memory first (so Yjs computes what it really changes), then
 * queued; the queue stores what is queued in one transaction (group commit), and only after the
 * commit is the update sent to the other clients, published to the other relays and
 * acknowledged. Updates stored by other relays arrive from the bus (or a log re-read) and go
 * straight to the local clients.
 */
export class LoadedDoc implements DocHandle {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness: Awareness;
  readonly sessions = new Map<string, Session>();
  ready = false;
  closed = false;
  idleTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly seqs = new SeqTracker();
  private readonly queue: WriteEntry[] = [];
  private writing: Promise<void> | undefined;
  private captured: Uint8Array | undefined;
  private beforeReady: StoredUpdate[] = [];
  private catchUpTimer: ReturnType<typeof setTimeout> | undefined;
  private catchingUp: Promise<void> | undefined;
  private catchUpAgain = false;

  constructor(
    readonly key: string,
    readonly ref: DocRef,
    private readonly deps: LoadedDocDeps,
  ) {
    this.awareness = new Awareness(this.doc);
    // The relay is no participant: only clients have presence.
    this.awareness.setLocalState(null);
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  get appliedThroughSeq(): number {
    return this.seqs.appliedThrough;
  }

  clientCount(): number {
    return this.sessions.size;
  }

  /** True while writes are queued or in flight (the document is not unloaded then). */
  get busy(): boolean {
    return this.queue.length > 0 || this.writing !== undefined || this.catchingUp !== undefined;
  }

  /** Reads the whole log (after the bridge subscribed), then applies what the bus delivered meanwhile. */
  async load(): Promise<{ bytes: number; updates: number }> {
    const tail = await this.deps.fetch(0);
    this.applyTail(tail);
    this.ready = true;
    const early = this.beforeReady;
    this.beforeReady = [];
    this.applyStored(early);
    return { bytes: Y.encodeStateAsUpdate(this.doc).length, updates: tail.updates.length + (tail.snapshot ? 1 : 0) };
  }

  applyStored(updates: readonly StoredUpdate[]): void {
    if (this.closed) return;
    if (!this.ready) {
      this.beforeReady.push(...updates);
      return;
    }
    for (const u of updates) {
      if (this.seqs.has(u.seq)) continue;
      if (!this.applySafely(u.bytes, BUS, `stored update ${u.seq} from the bus`)) continue;
      this.seqs.add(u.seq);
    }
    if (this.seqs.hasGap) this.scheduleCatchUp(GAP_GRACE_MS);
    this.checkPending();
  }

  applyRemoteAwareness(update: Uint8Array): void {
    if (this.closed) return;
    try {
      applyAwarenessUpdate(this.awareness, update, BUS);
    } catch (err) {
      this.deps.onError('apply awareness from the bus', err);
    }
  }

  requestCatchUp(_reason: string): void {
    this.scheduleCatchUp(0);
  }

  /** Step 2 for a client's step 1: everything this relay has that the client lacks. */
  syncStep2For(stateVector: Uint8Array): Uint8Array {
    return encodeSyncMessage({ type: 'step2', update: Y.encodeStateAsUpdate(this.doc, stateVector) });
  }

  /** Step 1 to a client: "send me what I lack" (answered with a step 2 that is stored before its ack). */
  syncStep1(): Uint8Array {
    return encodeSyncMessage({ type: 'step1', stateVector: Y.encodeStateVector(this.doc) });
  }

  /** The presence of everyone known, for a socket that just opened the document. */
  awarenessSnapshot(): Uint8Array | undefined {
    const ids = [...this.awareness.getStates().keys()];
    return ids.length > 0 ? encodeAwarenessUpdate(this.awareness, ids) : undefined;
  }

  /**
   * A client's step 2 or update: applied to memory, stored, then shown to the others and
   * acknowledged. Resolves with the ack; never throws.
   */
  applyClientUpdate(update: Uint8Array, socketId: string): Promise<DocSyncAck> {
    if (this.closed) return Promise.resolve({ ok: false, code: 'not_open', message: 'document closed on this relay' });
    const receivedAt = performance.now();
    this.captured = undefined;
    try {
      Y.applyUpdate(this.doc, update, { kind: 'client', socketId } satisfies Origin);
    } catch (err) {
      this.deps.onError('apply client update', err);
      if (this.captured === undefined) return Promise.resolve({ ok: false, code: 'invalid_request', message: 'not a decodable Yjs update' });
    }
    // Structs Yjs could not integrate yet (missing dependencies) are kept raw: the stored log must
    // hold everything acknowledged, even what only a later update makes visible.
    const pending = this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
    const bytes = pending ? update : this.captured;
    this.captured = undefined;
    if (pending) this.requestCatchUp('pending structs after a client update');
    return new Promise((resolve) => {
      this.queue.push({ bytes, socketId, receivedAt, resolve });
      // Cleared in a then-callback: drain may finish synchronously (nothing to store).
      this.writing ??= this.drain().finally(() => {
        this.writing = undefined;
      });
    });
  }

  applyClientAwareness(update: Uint8Array, session: Session): boolean {
    try {
      applyAwarenessUpdate(this.awareness, update, session);
      return true;
    } catch (err) {
      this.deps.onError('apply client awareness', err);
      return false;
    }
  }

  /** A socket left: its presence goes for everyone. */
  removeSession(socketId: string): void {
    const s = this.sessions.get(socketId);
    if (!s) return;
    this.sessions.delete(socketId);
    if (s.awarenessIds.size > 0) removeAwarenessStates(this.awareness, [...s.awarenessIds], s);
  }

  /** Waits for queued writes to finish (shutdown). */
  async flushWrites(): Promise<void> {
    while (this.writing) await this.writing;
    await this.catchingUp;
  }

  destroy(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.catchUpTimer);
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }

  /** Re-reads the log after what has been applied (a periodic safety net, and after gaps). */
  async catchUp(): Promise<void> {
    if (this.closed || !this.ready) return;
    if (this.catchingUp) {
      this.catchUpAgain = true;
      return this.catchingUp;
    }
    this.catchingUp = (async () => {
      do {
        this.catchUpAgain = false;
        try {
          this.applyTail(await this.deps.fetch(this.seqs.appliedThrough));
        } catch (err) {
          this.deps.onError('re-read the update log', err);
          return;
        }
      } while (this.catchUpAgain && !this.closed);
    })().finally(() => {
      this.catchingUp = undefined;
    });
    return this.catchingUp;
  }

  private applyTail(tail: LogTail): void {
    if (this.closed) return;
    if (tail.snapshot && tail.snapshot.throughSeq > this.seqs.appliedThrough) {
      if (this.applySafely(tail.snapshot.state, LOG, `snapshot through ${tail.snapshot.throughSeq}`)) this.seqs.advanceTo(tail.snapshot.throughSeq);
    }
    let last = this.seqs.appliedThrough;
    for (const u of tail.updates) {
      if (!this.seqs.has(u.seq)) this.applySafely(u.bytes, LOG, `stored update ${u.seq}`);
      last = Math.max(last, u.seq);
    }
    // Numbers commit in order per document: a read that returned up to `last` saw everything before it.
    this.seqs.advanceTo(last);
  }

  private applySafely(bytes: Uint8Array, origin: Origin, what: string): boolean {
    try {
      Y.applyUpdate(this.doc, bytes, origin);
      return true;
    } catch (err) {
      this.deps.onError(`apply ${what}`, err);
      return false;
    }
  }

  private checkPending(): void {
    if (this.doc.store.pendingStructs !== null) this.scheduleCatchUp(GAP_GRACE_MS);
  }

  private scheduleCatchUp(delayMs: number): void {
    if (this.catchUpTimer !== undefined || this.closed) return;
    this.catchUpTimer = setTimeout(() => {
      this.catchUpTimer = undefined;
      void this.catchUp();
    }, delayMs);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_WRITE_BATCH);
      const toStore = batch.filter((e): e is WriteEntry & { bytes: Uint8Array } => e.bytes !== undefined);
      let seqs: number[];
      try {
        seqs = toStore.length > 0 ? await this.deps.store(toStore.map((e) => e.bytes)) : [];
      } catch (err) {
        this.deps.onError('store client updates', err);
        const failed = [...batch, ...this.queue.splice(0)];
        for (const e of failed)
          e.resolve({ ok: false, code: 'storage_failed', message: 'the relay could not store the update; re-open the document to re-sync' });
        this.deps.onStorageFailed();
        return;
      }
      const stored: StoredUpdate[] = toStore.map((e, i) => ({ seq: seqs[i] as number, bytes: e.bytes }));
      for (const u of stored) this.seqs.add(u.seq);
      // One message per commit: under load a commit holds several updates, so clients get fewer,
      // larger messages instead of falling behind. A lone update skips its sender; a merged one
      // reaches the senders too (applying their own changes again changes nothing).
      const only = toStore.length === 1 ? toStore[0] : undefined;
      if (only) this.deps.broadcast.sync(encodeSyncMessage({ type: 'update', update: only.bytes }), only.socketId);
      else if (toStore.length > 1) this.deps.broadcast.sync(encodeSyncMessage({ type: 'update', update: Y.mergeUpdates(toStore.map((e) => e.bytes)) }));
      const committedAt = performance.now();
      this.deps.afterStore(
        stored,
        batch.map((e) => committedAt - e.receivedAt),
      );
      for (const e of batch) e.resolve({ ok: true });
    }
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown) => {
    const o = origin as Origin | undefined;
    if (o?.kind === 'client') {
      // Shown to others only once stored (drain); remember what it changed.
      this.captured = this.captured ? Y.mergeUpdates([this.captured, update]) : update;
      return;
    }
    if (this.ready) this.deps.broadcast.sync(encodeSyncMessage({ type: 'update', update }));
  };

  private readonly onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0 || this.closed) return;
    const msg = encodeAwarenessUpdate(this.awareness, changed);
    if (origin === BUS) {
      this.deps.broadcast.awareness(msg);
      return;
    }
    const session = origin as Session | undefined;
    if (session && typeof session === 'object' && 'socketId' in session) {
      for (const id of added) session.awarenessIds.add(id);
      for (const id of removed) session.awarenessIds.delete(id);
      this.deps.broadcast.awareness(msg, session.socketId);
      this.deps.localAwareness(msg);
      return;
    }
    // The awareness timeout dropped a state nobody renewed: every relay does that itself.
    this.deps.broadcast.awareness(msg);
  };
}
