import { createServer, type Server } from 'node:http';
import {
  type CarbonWindowMessage,
  type ClientToServerEvents,
  demoPark,
  enterpriseOfAsset,
  type JoinAck,
  type ServerToClientEvents,
  SocketEvent,
  type StateDelta,
} from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { pino } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevIdp, DEV_AUDIENCE, DEV_ISSUER, type DevIdp } from '../auth/dev-idp.js';
import { createJwtVerifier } from '../auth/jwt-verifier.js';
import { createRelayMetrics } from '../observability/metrics.js';
import { ParkRegistry } from '../parks/park-registry.js';
import { attachSocketFanout, type SocketFanout } from './socket-fanout.js';

/** Sockets behind the access policy (issue 7): verified handshake, join decided, masked views. */
const park = demoPark();
const parks = new ParkRegistry([park]);
const [e1, e2] = park.enterprises;
const pointOf = (enterpriseId: string | null) => {
  const asset = park.assets.find((a) => enterpriseOfAsset(park, a) === enterpriseId);
  const p = park.points.find((x) => x.assetId === asset?.id);
  if (!p) throw new Error(`no point of ${enterpriseId}`);
  return p.id;
};
let server: Server;
let fanout: SocketFanout;
let idp: DevIdp;
let port = 0;
const sockets: Socket[] = [];

beforeAll(async () => {
  idp = await createDevIdp([park]);
  const verifier = createJwtVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: idp.jwks });
  server = createServer();
  fanout = attachSocketFanout({
    httpServer: server,
    parks,
    logger: pino({ level: 'silent' }),
    metrics: createRelayMetrics(),
    status: () => ({ bus: 'memory', db: 'pglite', busConnected: true, dbReachable: true }),
    now: Date.now,
    deltaIntervalMs: 50,
    auth: { verify: (t) => verifier.verify(t) },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await fanout.close();
  await new Promise((r) => server.close(r));
});

type S = Socket<ServerToClientEvents, ClientToServerEvents>;
const open = (token?: string): S => {
  const s: S = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, ...(token !== undefined && { auth: { token } }) });
  sockets.push(s);
  return s;
};
const tokenOf = async (user: string) => (await idp.issue(user))?.token ?? '';
const join = (s: S) => new Promise<JoinAck>((resolve) => s.emit(SocketEvent.parkJoin, { parkId: park.id }, resolve));
const refused = (s: S) => new Promise<{ message: string; data?: { code: string } }>((resolve) => s.once('connect_error', (e) => resolve(e as never)));

describe('sockets behind the access policy', () => {
  it('refuses a handshake without a token, or with a forged or expired one, saying why', async () => {
    expect((await refused(open())).data?.code).toBe('unauthenticated');
    const good = await tokenOf('operator');
    expect((await refused(open(`${good.slice(0, -3)}abc`))).data?.code).toBe('bad_signature');
    const old = (await idp.issue('operator', new Date(Date.now() - 48 * 3600_000)))?.token ?? '';
    expect((await refused(open(old))).data?.code).toBe('expired_token');
  });

  it('gives an enterprise manager only its own and park-level points, in the snapshot and in every delta', async () => {
    const live = parks.get(park.id)?.live;
    if (!live || !e1 || !e2) throw new Error('setup');
    const mine = pointOf(e1.id);
    const theirs = pointOf(e2.id);
    const pub = pointOf(null);
    live.apply([
      { pointId: mine, ts: Date.now(), value: 1, quality: 'good' },
      { pointId: theirs, ts: Date.now(), value: 2, quality: 'good' },
      { pointId: pub, ts: Date.now(), value: 3, quality: 'good' },
    ]);
    const manager = open(await tokenOf(`manager-${e1.id}`));
    const operator = open(await tokenOf('operator'));
    const [m, op] = await Promise.all([join(manager), join(operator)]);
    if (!m.ok || !op.ok) throw new Error('join refused');
    const ids = (a: typeof m) => (a.ok ? new Set(a.snapshot.values.map((v) => v[0])) : new Set());
    expect(ids(m).has(mine)).toBe(true);
    expect(ids(m).has(pub)).toBe(true);
    expect(ids(m).has(theirs)).toBe(false);
    expect(ids(op).has(theirs)).toBe(true);

    const seen = { manager: new Set<number>(), operator: new Set<number>() };
    manager.on(SocketEvent.stateDelta, (d: StateDelta) => {
      for (const v of d.values) seen.manager.add(v[0]);
    });
    operator.on(SocketEvent.stateDelta, (d: StateDelta) => {
      for (const v of d.values) seen.operator.add(v[0]);
    });
    live.apply([
      { pointId: mine, ts: Date.now() + 1, value: 10, quality: 'good' },
      { pointId: theirs, ts: Date.now() + 1, value: 20, quality: 'good' },
    ]);
    await waitFor(() => seen.operator.has(theirs) && seen.manager.has(mine), { what: 'deltas' });
    await new Promise((r) => setTimeout(r, 150));
    expect(seen.manager.has(theirs)).toBe(false);

    const windows: CarbonWindowMessage[] = [];
    manager.on(SocketEvent.carbonWindow, (w) => windows.push(w));
    const figures = { kwh: 1, gridKwh: 1, tco2: 0.001, tce: 0.0003, intensity: 3 };
    fanout.emitCarbonWindow({
      parkId: park.id,
      windowStart: 0,
      windowMs: 60_000,
      factorTPerMwh: 0.8325,
      tcePerMwh: 0.3,
      park: figures,
      enterprises: [
        { enterpriseId: e1.id, ...figures },
        { enterpriseId: e2.id, ...figures },
      ],
    });
    await waitFor(() => windows.length > 0, { what: 'carbon window' });
    expect(windows[0]?.enterprises.map((e) => e.enterpriseId)).toEqual([e1.id]);
  });

  it('lets an executive join with park-level points only', async () => {
    const exec = open(await tokenOf('executive'));
    const ack = await join(exec);
    if (!ack.ok) throw new Error(ack.message);
    const assetOfPoint = (id: number) => park.assets.find((a) => a.id === park.points.find((p) => p.id === id)?.assetId);
    const owners = new Set(
      ack.snapshot.values.map((v) => {
        const a = assetOfPoint(v[0]);
        return a ? enterpriseOfAsset(park, a) : 'unknown';
      }),
    );
    expect([...owners]).toEqual([null]);
  });
});
