import type { Server as HttpServer } from 'node:http';
import {
  type CarbonWindowMessage,
  type ClientToServerEvents,
  DELTA_INTERVAL_MS,
  DOC_MESSAGE_MAX_BYTES,
  decide,
  type JoinAck,
  type Mask,
  ParkJoinSchema,
  type Principal,
  type RelayStatus,
  roomOfPark,
  roomOfParkView,
  type ServerToClientEvents,
  SocketEvent,
  visibleEnterprise,
  visiblePointIds,
} from '@zcp/model';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { AuditLog } from '../auth/audit-log.js';
import { AuthError } from '../auth/auth-error.js';
import type { RelayMetrics } from '../observability/metrics.js';
import type { ParkRegistry } from '../parks/park-registry.js';

/** Event name, document reference and attachment framing around a binary doc message. */
const SOCKET_FRAME_OVERHEAD_BYTES = 64 * 1024;

export interface SocketFanoutOptions {
  httpServer: HttpServer;
  parks: ParkRegistry;
  logger: Logger;
  metrics: RelayMetrics;
  status: () => RelayStatus;
  now: () => number;
  deltaIntervalMs?: number;
  /**
   * Who each socket is (issue 7): the handshake's `auth.token` (or the session cookie) is
   * verified before the connection is accepted, and every join asks the access policy. Absent
   * only in tests of the fan-out itself.
   */
  auth?: { verify(token: string): Promise<Principal>; audit?: AuditLog };
}

/** Cookie the development login sets; sockets opened by a page send it with the handshake. */
const TOKEN_COOKIE = 'zcp_token';

function handshakeToken(auth: unknown, cookieHeader: string | undefined): string | undefined {
  const t = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
  if (typeof t === 'string' && t.length > 0) return t;
  const m = cookieHeader
    ?.split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${TOKEN_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(TOKEN_COOKIE.length + 1)) : undefined;
}

/** The room a principal's socket joins for a park, and what that room shows. */
interface ParkView {
  room: string;
  parkId: string;
  /** Point ids shown; undefined = all. */
  points: Set<number> | undefined;
  principal: Principal | undefined;
  mask: Mask;
}

export interface SocketFanout {
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  /** Sends a closed carbon window to the park's room, and to each masked view with only the enterprises it may see. */
  emitCarbonWindow(w: CarbonWindowMessage): void;
  close(): Promise<void>;
}

/**
 * Live state to browsers: a socket joins a park's room and gets the snapshot in the join
 * acknowledgement; from then on it gets one coalesced delta per interval (≤ 4 Hz) holding
 * only the points that changed — however fast readings arrive.
 */
export function attachSocketFanout(o: SocketFanoutOptions): SocketFanout {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(o.httpServer, {
    serveClient: false,
    transports: ['websocket', 'polling'],
    // Room for the largest shared-document message (collab answers bigger ones with `too_large`
    // instead of the transport dropping the connection) plus the packet's framing.
    maxHttpBufferSize: DOC_MESSAGE_MAX_BYTES + SOCKET_FRAME_OVERHEAD_BYTES,
  });
  const log = o.logger.child({ component: 'socket-fanout' });
  /** Masked views in use, by room. */
  const views = new Map<string, ParkView>();
  const auth = o.auth;
  const audit = (
    socket: { id: string; data: { principal?: Principal }; handshake: { address: string } },
    parkId: string | null,
    reason: string,
    resource: string,
  ) =>
    void auth?.audit
      ?.append({
        event: 'access_denied',
        outcome: 'denied',
        principal: socket.data.principal,
        parkId,
        resource,
        ip: socket.handshake.address,
        detail: { reason },
      })
      .catch(() => {});

  if (auth) {
    io.use((socket, next) => {
      const token = handshakeToken(socket.handshake.auth, socket.handshake.headers.cookie);
      if (!token) {
        const err = Object.assign(new Error('unauthenticated'), {
          data: { code: 'unauthenticated', message: 'sign in first: send auth.token in the handshake' },
        });
        next(err);
        return;
      }
      auth.verify(token).then(
        (principal) => {
          socket.data.principal = principal;
          next();
        },
        (e: unknown) => {
          const code = e instanceof AuthError ? e.code : 'invalid_token';
          audit(socket, null, code, 'socket connect');
          next(Object.assign(new Error(code), { data: { code, message: e instanceof Error ? e.message : String(e) } }));
        },
      );
    });
  }

  const viewOf = (principal: Principal | undefined, parkId: string, mask: Mask): ParkView => {
    if (mask === 'none') return { room: roomOfPark(parkId), parkId, points: undefined, principal, mask };
    const key = mask === 'all' ? 'agg' : `e:${[...(principal?.enterpriseIds ?? [])].sort().join('+')}`;
    const room = roomOfParkView(parkId, key);
    const known = views.get(room);
    if (known) return known;
    const entry = o.parks.get(parkId);
    const view: ParkView = { room, parkId, points: entry ? visiblePointIds(entry.index.park, principal, mask) : new Set(), principal, mask };
    views.set(room, view);
    return view;
  };

  io.on('connection', (socket) => {
    o.metrics.socketClients.inc();
    socket.emit(SocketEvent.relayStatus, o.status());
    socket.on(SocketEvent.parkJoin, (req, ack) => {
      const reply: (res: JoinAck) => void = typeof ack === 'function' ? ack : () => {};
      const parsed = ParkJoinSchema.safeParse(req);
      if (!parsed.success) {
        reply({ ok: false, code: 'invalid_request', message: parsed.error.issues.map((i) => i.message).join('; ') });
        return;
      }
      const entry = o.parks.get(parsed.data.parkId);
      if (!entry) {
        reply({ ok: false, code: 'park_not_found', message: `no park '${parsed.data.parkId}'` });
        return;
      }
      let mask: Mask = 'none';
      if (auth) {
        const d = decide(socket.data.principal as Principal | undefined, 'park.read', { parkId: parsed.data.parkId });
        if (!d.allow) {
          audit(socket, parsed.data.parkId, d.reason, `socket ${SocketEvent.parkJoin}`);
          reply({ ok: false, code: d.code, message: d.reason });
          return;
        }
        mask = d.mask;
      }
      const view = viewOf(socket.data.principal as Principal | undefined, parsed.data.parkId, mask);
      void socket.join(view.room);
      const values = entry.live.snapshot();
      reply({ ok: true, snapshot: { parkId: parsed.data.parkId, ts: o.now(), values: view.points ? values.filter((v) => view.points?.has(v[0])) : values } });
    });
    socket.on(SocketEvent.parkLeave, (req) => {
      const parsed = ParkJoinSchema.safeParse(req);
      if (!parsed.success) return;
      for (const room of socket.rooms)
        if (room === roomOfPark(parsed.data.parkId) || room.startsWith(`${roomOfPark(parsed.data.parkId)}#`)) void socket.leave(room);
    });
    socket.on('disconnect', () => o.metrics.socketClients.dec());
  });

  let lastStatus = JSON.stringify(o.status());
  const timer = setInterval(() => {
    for (const entry of o.parks.list()) {
      if (entry.live.pendingChanges === 0) continue;
      const parkId = entry.index.park.id;
      const values = entry.live.takeDelta();
      const ts = o.now();
      io.to(roomOfPark(parkId)).emit(SocketEvent.stateDelta, { parkId, ts, values });
      o.metrics.deltasSent.inc();
      for (const view of views.values()) {
        if (view.parkId !== parkId || !io.sockets.adapter.rooms.has(view.room)) continue;
        const shown = values.filter((v) => view.points?.has(v[0]));
        if (shown.length > 0) io.to(view.room).emit(SocketEvent.stateDelta, { parkId, ts, values: shown });
      }
    }
    const status = o.status();
    const text = JSON.stringify(status);
    if (text !== lastStatus) {
      lastStatus = text;
      io.emit(SocketEvent.relayStatus, status);
      log.info({ status }, 'relay status changed');
    }
  }, o.deltaIntervalMs ?? DELTA_INTERVAL_MS);
  timer.unref();

  return {
    io,
    emitCarbonWindow(w) {
      io.to(roomOfPark(w.parkId)).emit(SocketEvent.carbonWindow, w);
      for (const view of views.values()) {
        if (view.parkId !== w.parkId || !io.sockets.adapter.rooms.has(view.room)) continue;
        io.to(view.room).emit(SocketEvent.carbonWindow, {
          ...w,
          enterprises: w.enterprises.filter((e) => visibleEnterprise(view.principal, view.mask, e.enterpriseId)),
        });
      }
    },
    close: async () => {
      clearInterval(timer);
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        // io.close() also closes the HTTP server; the relay closes that itself, in order.
        io.engine.close();
        resolve();
      });
    },
  };
}
