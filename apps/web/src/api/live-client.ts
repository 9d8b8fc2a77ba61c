import { type CarbonWindowMessage, type ClientToServerEvents, type RelayStatus, type ServerToClientEvents, SocketEvent, type StateSnapshot } from '@zcp/model';
import { io, type Socket } from 'socket.io-client';

/** What the UI shows: live, trying to get back, or given up for now (still retrying). */
export type ConnState = 'connected' | 'reconnecting' | 'offline';

export interface LiveHandlers {
  /** Full state: on every (re)join. */
  snapshot(s: StateSnapshot): void;
  delta(d: StateSnapshot): void;
  state(s: ConnState): void;
  relayStatus(s: RelayStatus): void;
  /** The relay refused the join (unknown park, bad request). */
  joinFailed(code: string, message: string): void;
  /** A closed 1-minute carbon window of the park. */
  carbonWindow?(w: CarbonWindowMessage): void;
}

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveClient {
  /** The one connection to the relay: shared documents (annotations, presence) ride on it too. */
  readonly socket: LiveSocket;
  /** Changes the handshake's `auth` (who this is) and reconnects so the relay sees it. */
  reauth(auth: Record<string, unknown>): void;
  close(): void;
}

export interface LiveOptions {
  /** Relay origin; same origin when absent. */
  url?: string;
  /** The handshake's `auth` payload (development principal until login exists). */
  auth?: Record<string, unknown>;
}

const JOIN_TIMEOUT_MS = 5_000;
const JOIN_RETRY_MS = 2_000;
/** Failed reconnect attempts after which the indicator says "offline" rather than "reconnecting". */
const OFFLINE_AFTER_ATTEMPTS = 3;

/**
 * Joins a park's live room and keeps it joined: every (re)connect re-joins and hands the
 * fresh snapshot to `snapshot`, so nothing missed while away is kept stale.
 *
 * @example
 * const live = connectLive('demo', { snapshot, delta, state, relayStatus, joinFailed });
 */
export function connectLive(parkId: string, on: LiveHandlers, opts: LiveOptions | string = {}): LiveClient {
  const o: LiveOptions = typeof opts === 'string' ? { url: opts } : opts;
  const ioOpts = { transports: ['websocket', 'polling'], reconnectionDelayMax: 5_000, ...(o.auth ? { auth: o.auth } : {}) };
  const socket: LiveSocket = o.url ? io(o.url, ioOpts) : io(ioOpts);
  let closed = false;
  let attempts = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const browserOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;
  // Also runs under node (tests): only a browser has online/offline events.
  const win = typeof window !== 'undefined' ? window : undefined;
  const report = () => {
    if (socket.connected) on.state('connected');
    else on.state(browserOffline() || attempts >= OFFLINE_AFTER_ATTEMPTS ? 'offline' : 'reconnecting');
  };

  const join = async () => {
    clearTimeout(retry);
    try {
      const ack = await socket.timeout(JOIN_TIMEOUT_MS).emitWithAck(SocketEvent.parkJoin, { parkId });
      if (ack.ok) on.snapshot(ack.snapshot);
      else on.joinFailed(ack.code, ack.message);
    } catch {
      // No ack in time: try again while still connected (a reconnect re-joins anyway).
      if (!closed && socket.connected) retry = setTimeout(() => void join(), JOIN_RETRY_MS);
    }
  };

  socket.on('connect', () => {
    attempts = 0;
    report();
    void join();
  });
  socket.on('disconnect', (reason) => {
    // After a server-side disconnect socket.io does not retry by itself.
    if (reason === 'io server disconnect' && !closed) socket.connect();
    report();
  });
  socket.on('connect_error', () => {
    attempts++;
    report();
  });
  socket.on(SocketEvent.stateSnapshot, (s) => {
    if (s.parkId === parkId) on.snapshot(s);
  });
  socket.on(SocketEvent.stateDelta, (d) => {
    if (d.parkId === parkId) on.delta(d);
  });
  socket.on(SocketEvent.relayStatus, (s) => on.relayStatus(s));
  socket.on(SocketEvent.carbonWindow, (w) => {
    if (w.parkId === parkId) on.carbonWindow?.(w);
  });

  const onOnline = () => {
    if (!socket.connected) socket.connect();
    report();
  };
  // The browser says the network is gone: drop the socket now rather than wait for a ping
  // timeout (tens of seconds), so shared documents count their changes as pending at once.
  const onOffline = () => {
    if (socket.connected) socket.disconnect();
    report();
  };
  win?.addEventListener('online', onOnline);
  win?.addEventListener('offline', onOffline);
  report();

  return {
    socket,
    reauth(auth) {
      socket.auth = auth;
      if (socket.connected) {
        socket.disconnect();
        socket.connect();
      }
    },
    close() {
      closed = true;
      clearTimeout(retry);
      win?.removeEventListener('online', onOnline);
      win?.removeEventListener('offline', onOffline);
      socket.emit(SocketEvent.parkLeave, { parkId });
      socket.disconnect();
    },
  };
}
