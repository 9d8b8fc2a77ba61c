import type { Server as HttpServer } from 'node:http';
import {
  type ClientToServerEvents,
  DELTA_INTERVAL_MS,
  DOC_MESSAGE_MAX_BYTES,
  type JoinAck,
  ParkJoinSchema,
  type RelayStatus,
  roomOfPark,
  type ServerToClientEvents,
  SocketEvent,
} from '@zcp/model';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
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
}

export interface SocketFanout {
  io: Server<ClientToServerEvents, ServerToClientEvents>;
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
      void socket.join(roomOfPark(parsed.data.parkId));
      reply({ ok: true, snapshot: { parkId: parsed.data.parkId, ts: o.now(), values: entry.live.snapshot() } });
    });
    socket.on(SocketEvent.parkLeave, (req) => {
      const parsed = ParkJoinSchema.safeParse(req);
      if (parsed.success) void socket.leave(roomOfPark(parsed.data.parkId));
    });
    socket.on('disconnect', () => o.metrics.socketClients.dec());
  });

  let lastStatus = JSON.stringify(o.status());
  const timer = setInterval(() => {
    for (const entry of o.parks.list()) {
      if (entry.live.pendingChanges === 0) continue;
      const parkId = entry.index.park.id;
      io.to(roomOfPark(parkId)).emit(SocketEvent.stateDelta, { parkId, ts: o.now(), values: entry.live.takeDelta() });
      o.metrics.deltasSent.inc();
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
