/**
 * MOCK relay for developing and screenshotting apps/web without the real relay: serves
 * dist/, the HTTP API and socket.io with the demo park and random-walk values. Dev-only;
 * never deployed. Usage: `npx tsx --conditions=source scripts/mock-relay.ts [--port 0]`
 * (prints `mock-relay listening on http://127.0.0.1:<port>`); `--assets 10000` serves a generated park.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import {
  type ClientToServerEvents,
  createRng,
  DELTA_INTERVAL_MS,
  demoPark,
  generatePark,
  indexPark,
  MAX_HISTORY_RANGE_MS,
  ParkJoinSchema,
  type PointValueTuple,
  type Problem,
  roomOfPark,
  type ServerToClientEvents,
  SocketEvent,
  summarizePark,
} from '@zcp/model';
import { Hono } from 'hono';
import { Server } from 'socket.io';
import { createMockSim } from './mock-sim.js';

export interface MockRelayOptions {
  port: number;
  distDir: string;
  stepMs?: number;
  /** Serve a generated park of this many assets instead of the demo park (scale checks). */
  assets?: number;
}

export function createMockRelay(o: MockRelayOptions) {
  const index = indexPark(o.assets ? generatePark({ assets: o.assets }) : demoPark());
  const park = index.park;
  const sim = createMockSim(index, createRng(7), Date.now());
  const problem = (status: number, code: string, title: string): Response =>
    new Response(JSON.stringify({ type: `about:blank#${code}`, title, status, code } satisfies Problem), {
      status,
      headers: { 'content-type': 'application/problem+json' },
    });

  const app = new Hono();
  app.get('/api/parks', (c) => c.json([summarizePark(park)]));
  app.get('/api/parks/:parkId', (c) => (c.req.param('parkId') === park.id ? c.json(park) : problem(404, 'park_not_found', 'no such park')));
  app.get('/api/parks/:parkId/state', (c) =>
    c.req.param('parkId') === park.id ? c.json({ parkId: park.id, ts: Date.now(), values: sim.snapshot() }) : problem(404, 'park_not_found', 'no such park'),
  );
  app.get('/api/points/:pointId/history', (c) => {
    const id = Number(c.req.param('pointId'));
    if (!index.pointById.has(id)) return problem(404, 'point_not_found', 'no such point');
    const to = Date.parse(c.req.query('to') ?? new Date().toISOString());
    const from = Date.parse(c.req.query('from') ?? new Date(to - 3_600_000).toISOString());
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to || to - from > MAX_HISTORY_RANGE_MS) return problem(400, 'invalid_range', 'bad from/to');
    const h = sim.history(id, from, to);
    return c.json({ pointId: id, from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...h });
  });
  app.all('/api/*', () => problem(404, 'not_found', 'no such route'));
  let joins = 0;
  app.get('/mock/stats', (c) => c.json({ joins }));
  app.post('/mock/kick', (c) => {
    io?.disconnectSockets(true);
    return c.json({ kicked: true });
  });
  app.use('/*', serveStatic({ root: o.distDir }));
  const indexHtml = join(o.distDir, 'index.html');
  app.get('*', (c) => (existsSync(indexHtml) ? c.html(readFileSync(indexHtml, 'utf8')) : c.text('build apps/web first (npx vite build)', 404)));

  let io: Server<ClientToServerEvents, ServerToClientEvents> | undefined;
  let timers: ReturnType<typeof setInterval>[] = [];
  let server: HttpServer | undefined;

  return {
    start(): Promise<number> {
      return new Promise((resolve) => {
        server = serve({ fetch: app.fetch, port: o.port, hostname: '127.0.0.1' }, (info) => resolve(info.port)) as HttpServer;
        io = new Server<ClientToServerEvents, ServerToClientEvents>(server, { serveClient: false });
        io.on('connection', (socket) => {
          socket.emit(SocketEvent.relayStatus, { bus: 'memory', db: 'pglite', busConnected: true, dbReachable: true });
          socket.on(SocketEvent.parkJoin, (req, ack) => {
            const parsed = ParkJoinSchema.safeParse(req);
            if (!parsed.success || parsed.data.parkId !== park.id)
              return ack({ ok: false, code: 'park_not_found', message: `mock serves only park ${park.id}` });
            void socket.join(roomOfPark(park.id));
            joins++;
            ack({ ok: true, snapshot: { parkId: park.id, ts: Date.now(), values: sim.snapshot() } });
          });
          socket.on(SocketEvent.parkLeave, (req) => void socket.leave(roomOfPark(req.parkId)));
        });
        const pending = new Map<number, PointValueTuple>();
        let last = Date.now();
        timers.push(
          setInterval(() => {
            const now = Date.now();
            for (const t of sim.step(now, (now - last) / 1000)) pending.set(t[0], t);
            last = now;
          }, o.stepMs ?? 1000),
          setInterval(() => {
            if (pending.size === 0) return;
            io?.to(roomOfPark(park.id)).emit(SocketEvent.stateDelta, { parkId: park.id, ts: Date.now(), values: [...pending.values()] });
            pending.clear();
          }, DELTA_INTERVAL_MS),
        );
      });
    },
    async stop(): Promise<void> {
      for (const t of timers) clearInterval(t);
      timers = [];
      io?.disconnectSockets(true);
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    },
  };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const portArg = process.argv.indexOf('--port');
  const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;
  const assetsArg = process.argv.indexOf('--assets');
  const assets = assetsArg > 0 ? Number(process.argv[assetsArg + 1]) : undefined;
  const relay = createMockRelay({ port, assets, distDir: join(dirname(fileURLToPath(import.meta.url)), '..', 'dist') });
  const actual = await relay.start();
  process.stdout.write(`mock-relay listening on http://127.0.0.1:${actual}\n`);
  const shutdown = () => void relay.stop().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
