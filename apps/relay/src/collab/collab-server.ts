import { ANNOTATIONS_MAP, decodeSyncMessage } from '@zcp/collab';
import {
  type ClientToServerEvents,
  DOC_MESSAGE_MAX_BYTES,
  type DocOpenAck,
  type DocRef,
  DocRefSchema,
  type DocSyncAck,
  docKey,
  type Principal,
  type ServerToClientEvents,
  SocketEvent,
} from '@zcp/model';
import type { Server, Socket } from 'socket.io';
import { LoadedDoc } from './loaded-doc.js';
import { CollabCloseCode, type CollabExtension, CollabRefusal, type CollabServerApi, type DocHandle, type LogTail, type RefusalContext } from './types.js';

type IoServer = Server<ClientToServerEvents, ServerToClientEvents>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export interface CollabServerOptions {
  /** This relay's id on the bus (its own messages are ignored when they come back). */
  relayId: string;
  extensions: readonly CollabExtension[];
  /** A document with no client for this long is unloaded. */
  idleMs: number;
  /** How often every loaded document re-reads the log tail (missed bus messages still converge). */
  catchUpIntervalMs: number;
}

export interface CollabServer extends CollabServerApi {
  /** Adds the `doc:*` handlers to every socket of this socket.io server. */
  attach(io: IoServer): void;
  /** Loaded document by key (tests, metrics). */
  loadedDoc(key: string): DocHandle | undefined;
  /** Stops: finishes queued writes, tells clients, unloads every document, stops the extensions. */
  stop(): Promise<void>;
}

type HookName = Exclude<keyof CollabExtension, 'name'>;
type HookArg<K extends HookName> = NonNullable<CollabExtension[K]> extends (arg: infer A) => unknown ? A : never;

/** Socket.io room of a document's clients on this relay (internal to the relay, never on the wire). */
const roomOfDoc = (key: string) => `doc:${key}`;

/**
 * The collab core: authenticates sockets, opens documents through the extensions' access
 * decision, loads them lazily (bridge subscribes, then the log is read), runs the y-protocols
 * exchange, stores client updates before acknowledging them, and unloads idle documents.
 *
 * @example
 * const collab = createCollabServer({ relayId, idleMs: 60_000, catchUpIntervalMs: 2_000, extensions: [auth, logging, bridge, persistence] });
 * collab.attach(io);
 * @see ./README.md for hooks, tables, subjects and limits
 */
export function createCollabServer(o: CollabServerOptions): CollabServer {
  const docs = new Map<string, Promise<LoadedDoc>>();
  const loaded = new Map<string, LoadedDoc>();
  const principals = new Map<string, Promise<Principal>>();
  let io: IoServer | undefined;
  let stopping = false;
  const ext = o.extensions;

  const first = <K extends HookName>(hook: K): NonNullable<CollabExtension[K]> | undefined => {
    const e = ext.find((x) => x[hook] !== undefined);
    return e ? ((e[hook] as (...a: never[]) => unknown).bind(e) as NonNullable<CollabExtension[K]>) : undefined;
  };
  /** Runs a notification hook on every extension; one that throws is reported, the others still run. */
  const each = <K extends HookName>(hook: K, arg: HookArg<K>): void => {
    for (const e of ext) {
      const fn = e[hook] as ((a: HookArg<K>) => unknown) | undefined;
      if (!fn) continue;
      try {
        fn.call(e, arg);
      } catch (err) {
        if (hook !== 'onError') each('onError', { what: `extension ${e.name} ${hook}`, err });
      }
    }
  };
  const fetchHook = first('onFetchUpdates');
  const storeHook = first('onStoreUpdates');
  if (!fetchHook || !storeHook) throw new Error('collab: no extension stores documents (onFetchUpdates / onStoreUpdates)');
  const fetchLog: NonNullable<CollabExtension['onFetchUpdates']> = fetchHook;
  const storeLog: NonNullable<CollabExtension['onStoreUpdates']> = storeHook;

  const api: CollabServerApi = { relayId: o.relayId, loadedDocs: () => [...loaded.values()] };
  for (const e of ext) e.onConfigure?.(api);

  const catchUpTimer = setInterval(() => {
    for (const d of loaded.values()) void d.catchUp();
  }, o.catchUpIntervalMs);
  catchUpTimer.unref();

  function refuse(ctx: RefusalContext): void {
    each('onRefuse', ctx);
  }

  function dropDoc(d: LoadedDoc, reason: { code: string; message: string }): void {
    if (loaded.get(d.key) !== d) return;
    loaded.delete(d.key);
    docs.delete(d.key);
    for (const socketId of d.sessions.keys()) {
      const s = io?.sockets.sockets.get(socketId);
      if (s) {
        s.emit(SocketEvent.docClosed, d.ref, reason);
        void s.leave(roomOfDoc(d.key));
      }
    }
    d.sessions.clear();
    d.destroy();
    each('afterUnloadDocument', { doc: d });
  }

  function scheduleIdle(d: LoadedDoc): void {
    clearTimeout(d.idleTimer);
    if (d.sessions.size > 0) return;
    d.idleTimer = setTimeout(function check() {
      if (d.sessions.size > 0 || d.closed) return;
      if (d.busy) {
        d.idleTimer = setTimeout(check, 100);
        return;
      }
      dropDoc(d, { code: 'idle', message: 'unloaded after idling' });
    }, o.idleMs);
  }

  async function loadDoc(ref: DocRef): Promise<LoadedDoc> {
    const key = docKey(ref);
    const existing = docs.get(key);
    if (existing) return existing;
    const started = performance.now();
    const d: LoadedDoc = new LoadedDoc(key, ref, {
      broadcast: {
        sync: (msg, except) => (except ? io?.to(roomOfDoc(key)).except(except) : io?.to(roomOfDoc(key)))?.emit(SocketEvent.docSync, ref, msg),
        awareness: (msg, except) => (except ? io?.to(roomOfDoc(key)).except(except) : io?.to(roomOfDoc(key)))?.emit(SocketEvent.docAwareness, ref, msg),
      },
      store: (updates) => storeLog({ doc: d, updates }),
      fetch: (sinceSeq): Promise<LogTail> => fetchLog({ doc: d, sinceSeq }),
      afterStore: (stored, arrivalToCommitMs) => each('afterStoreUpdates', { doc: d, stored, arrivalToCommitMs }),
      localAwareness: (update) => each('onLocalAwareness', { doc: d, update }),
      onError: (what, err) => each('onError', { key, what, err }),
      onStorageFailed: () => dropDoc(d, { code: CollabCloseCode.storageFailed, message: 'storage failed; re-open to re-sync' }),
    });
    // Annotations a client's update removes: told to the extensions (the audit trail).
    d.doc.getMap(ANNOTATIONS_MAP).observe((event, tr) => {
      const origin = tr.origin as { kind?: string; socketId?: string } | null;
      if (origin?.kind !== 'client' || !origin.socketId) return;
      const annotationIds = [...event.changes.keys].filter(([, c]) => c.action === 'delete').map(([k]) => k);
      if (annotationIds.length === 0) return;
      const socketId = origin.socketId;
      void (principals.get(socketId) ?? Promise.resolve(undefined))
        .catch(() => undefined)
        .then((principal) => each('onAnnotationsDeleted', { key, ref, annotationIds, socketId, principal }));
    });
    const promise = (async () => {
      for (const e of ext) await e.beforeLoadDocument?.({ doc: d });
      const { bytes, updates } = await d.load();
      loaded.set(key, d);
      each('afterLoadDocument', { doc: d, ms: performance.now() - started, bytes, updates });
      return d;
    })();
    docs.set(key, promise);
    promise.catch((err: unknown) => {
      docs.delete(key);
      d.destroy();
      each('afterUnloadDocument', { doc: d });
      each('onError', { key, what: 'load document', err });
    });
    return promise;
  }

  /** The open document of this socket named by `ref`, or why not. */
  function sessionOf(socket: IoSocket, ref: unknown): { d: LoadedDoc; key: string } | { code: 'invalid_request' | 'not_open'; message: string; key?: string } {
    const parsed = DocRefSchema.safeParse(ref);
    if (!parsed.success) return { code: 'invalid_request', message: 'invalid document reference' };
    const key = docKey(parsed.data);
    const d = loaded.get(key);
    if (!d?.sessions.has(socket.id)) return { code: 'not_open', message: `document '${key}' is not open on this socket`, key };
    return { d, key };
  }

  function onConnection(socket: IoSocket): void {
    const auth = first('onAuthenticate');
    const principal = auth
      ? Promise.resolve().then(() => auth({ socketId: socket.id, auth: socket.handshake.auth, verified: socket.data.principal as Principal | undefined }))
      : Promise.reject(new CollabRefusal('unauthenticated', 'no authentication configured'));
    principal.catch(() => {});
    principals.set(socket.id, principal);

    socket.on(SocketEvent.docOpen, async (ref, ack) => {
      const reply: (r: DocOpenAck) => void = typeof ack === 'function' ? ack : () => {};
      let sub: string | undefined;
      let role: Principal['role'] | undefined;
      let key: string | undefined;
      const no = (code: Extract<DocOpenAck, { ok: false }>['code'], message: string) => {
        refuse({ socketId: socket.id, sub, ...(role && { role }), key, stage: 'open', code, message });
        reply({ ok: false, code, message });
      };
      if (stopping) return no('unavailable', 'relay shutting down');
      const parsed = DocRefSchema.safeParse(ref);
      if (!parsed.success) return no('invalid_request', `invalid document reference: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      key = docKey(parsed.data);
      let p: Principal;
      try {
        p = await principal;
      } catch (err) {
        return no('unauthenticated', err instanceof Error ? err.message : String(err));
      }
      sub = p.sub;
      role = p.role;
      const authorize = first('onAuthorize');
      if (!authorize) return no('forbidden', 'no access rule configured');
      const decision = await authorize({ principal: p, ref: parsed.data });
      if (decision.access === 'none') return no(decision.code ?? 'forbidden', decision.reason ?? 'access denied');
      let d: LoadedDoc;
      try {
        d = await loadDoc(parsed.data);
      } catch (err) {
        return no('unavailable', `document could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!socket.connected) return scheduleIdle(d);
      clearTimeout(d.idleTimer);
      d.sessions.set(socket.id, { socketId: socket.id, principal: p, access: decision.access, awarenessIds: new Set() });
      await socket.join(roomOfDoc(key));
      reply({ ok: true, access: decision.access });
      // Ask the client for what it has that the relay lacks (offline edits); readers cannot add any.
      if (decision.access === 'write') socket.emit(SocketEvent.docSync, parsed.data, d.syncStep1());
      const presence = d.awarenessSnapshot();
      if (presence) socket.emit(SocketEvent.docAwareness, parsed.data, presence);
      each('onOpen', { doc: d, socketId: socket.id, principal: p, access: decision.access });
    });

    socket.on(SocketEvent.docSync, async (ref, msg, ack) => {
      const reply: (r: DocSyncAck) => void = typeof ack === 'function' ? ack : () => {};
      const s = sessionOf(socket, ref);
      const sub = 'd' in s ? s.d.sessions.get(socket.id)?.principal.sub : undefined;
      const no = (code: Extract<DocSyncAck, { ok: false }>['code'], message: string) => {
        refuse({ socketId: socket.id, sub, key: s.key, stage: 'sync', code, message });
        reply({ ok: false, code, message });
      };
      if (!('d' in s)) return no(s.code, s.message);
      if (!(msg instanceof Uint8Array)) return no('invalid_request', 'a sync message must be binary');
      if (msg.length > DOC_MESSAGE_MAX_BYTES) return no('too_large', `sync message of ${msg.length} bytes exceeds ${DOC_MESSAGE_MAX_BYTES}`);
      const m = decodeSyncMessage(msg);
      if (!m) return no('invalid_request', 'not a y-protocols sync message');
      const session = s.d.sessions.get(socket.id);
      if (m.type === 'step1') {
        socket.emit(SocketEvent.docSync, s.d.ref, s.d.syncStep2For(m.stateVector));
        return reply({ ok: true });
      }
      if (session?.access !== 'write') return no('forbidden', 'read-only access: updates are refused');
      const result = await s.d.applyClientUpdate(m.update, socket.id);
      if (!result.ok) refuse({ socketId: socket.id, sub, key: s.key, stage: 'sync', code: result.code, message: result.message });
      reply(result);
    });

    socket.on(SocketEvent.docAwareness, (ref, msg) => {
      const s = sessionOf(socket, ref);
      const fail = (code: string, message: string) => refuse({ socketId: socket.id, key: s.key, stage: 'awareness', code, message });
      if (!('d' in s)) return fail(s.code, s.message);
      if (!(msg instanceof Uint8Array) || msg.length > DOC_MESSAGE_MAX_BYTES) return fail('invalid_request', 'awareness message must be binary and small');
      const session = s.d.sessions.get(socket.id);
      if (session && !s.d.applyClientAwareness(msg, session)) fail('invalid_request', 'not a y-protocols awareness update');
    });

    const leave = (d: LoadedDoc) => {
      d.removeSession(socket.id);
      void socket.leave(roomOfDoc(d.key));
      each('onClose', { doc: d, socketId: socket.id });
      scheduleIdle(d);
    };
    socket.on(SocketEvent.docClose, (ref) => {
      const s = sessionOf(socket, ref);
      if ('d' in s) leave(s.d);
    });
    socket.on('disconnect', () => {
      principals.delete(socket.id);
      for (const d of loaded.values()) if (d.sessions.has(socket.id)) leave(d);
    });
  }

  return {
    ...api,
    attach(server) {
      io = server;
      server.on('connection', onConnection);
    },
    loadedDoc: (key) => loaded.get(key),
    async stop() {
      stopping = true;
      clearInterval(catchUpTimer);
      await Promise.allSettled([...docs.values()]);
      for (const d of [...loaded.values()]) {
        await d.flushWrites();
        dropDoc(d, { code: CollabCloseCode.shuttingDown, message: 'relay shutting down' });
      }
      for (const e of ext) await e.onStop?.();
    },
  };
}
