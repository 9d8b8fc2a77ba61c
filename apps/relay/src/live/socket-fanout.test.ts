import { createMemoryBus } from '@zcp/bus';
import {
  type ClientToServerEvents,
  demoPark,
  encodeTelemetryBatch,
  type JoinAck,
  type ServerToClientEvents,
  SocketEvent,
  type StateDelta,
  subjects,
  telemetryBatch,
} from '@zcp/model';
import { waitFor } from '@zcp/testkit';
import { pino } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRelayConfig } from '../config.js';
import { createRelay, type Relay } from '../relay.js';
import { createPgliteStore } from '../storage/index.js';

const park = demoPark();
const bus = createMemoryBus();
let relay: Relay;
const sockets: Socket[] = [];

function client(): Socket<ServerToClientEvents, ClientToServerEvents> {
  const s: Socket<ServerToClientEvents, ClientToServerEvents> = connect(`http://127.0.0.1:${relay.port}`, {
    transports: ['websocket'],
    reconnection: false,
    // A park operator's token from the relay's development IdP (sockets are authenticated, issue 7).
    auth: (cb) => {
      void relay.auth.devIdp?.then((idp) => idp.issue('operator')).then((t) => cb({ token: t?.token }));
    },
  });
  sockets.push(s);
  return s;
}

const join = (s: Socket<ServerToClientEvents, ClientToServerEvents>, parkId: unknown) =>
  new Promise<JoinAck>((resolve) => s.emit(SocketEvent.parkJoin, { parkId } as { parkId: string }, resolve));

let seq = 0;
async function publish(pointId: number, value: number, ts = Date.now()) {
  const point = park.points[pointId - 1];
  if (!point) throw new Error(`no point ${pointId}`);
  const batch = telemetryBatch({ batchId: `t:${seq++}`, parkId: park.id, assetId: point.assetId, source: 'test' }, [{ pointId, ts, value, quality: 'good' }]);
  await bus.publish(subjects.telemetry(park.id, point.assetId), encodeTelemetryBatch(batch), { msgId: batch.batchId });
}

beforeAll(async () => {
  const store = await createPgliteStore({});
  relay = createRelay(loadRelayConfig({ PORT: '0', HOST: '127.0.0.1', WEB_DIST_DIR: '/nonexistent', LOG_LEVEL: 'silent' }), {
    parks: [park],
    bus,
    store,
    logger: pino({ level: 'silent' }),
  });
  await relay.start();
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await relay.stop();
  await relay.store.close();
  await bus.close();
});

describe('socket.io fan-out', () => {
  it('acks a join with the live snapshot and tells the relay status', async () => {
    await publish(3, 33.5);
    await waitFor(() => relay.parks.get(park.id)?.live.get(3));
    const s = client();
    const status = new Promise((resolve) => s.once(SocketEvent.relayStatus, resolve));
    const ack = await join(s, park.id);
    expect(ack.ok).toBe(true);
    if (ack.ok) expect(ack.snapshot.values.find((v) => v[0] === 3)?.[2]).toBe(33.5);
    expect(await status).toMatchObject({ bus: 'memory', db: 'pglite', busConnected: true });
  });

  it.each([
    [{ parkId: 'nope' }, 'park_not_found'],
    [{ parkId: 'a.b' }, 'invalid_request'],
    [{ parkId: 42 }, 'invalid_request'],
  ])('refuses join %j with %s and stays connected', async (req, code) => {
    const s = client();
    const ack = await join(s, req.parkId);
    expect(ack).toMatchObject({ ok: false, code });
    expect(s.connected).toBe(true);
  });

  it('coalesces a flood of readings into at most 4 deltas a second, keeping the newest values', async () => {
    const s = client();
    expect((await join(s, park.id)).ok).toBe(true);
    const deltas: StateDelta[] = [];
    s.on(SocketEvent.stateDelta, (d) => deltas.push(d));
    const t0 = Date.now();
    let last = 0;
    // ~2 s of readings every 5 ms on two points.
    while (Date.now() - t0 < 2000) {
      last++;
      await publish(1, last, t0 + last);
      await publish(2, -last, t0 + last);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => deltas.some((d) => d.values.some((v) => v[0] === 1 && v[2] === last)), { what: 'newest value delivered' });
    const elapsedS = (Date.now() - t0) / 1000;
    expect(last).toBeGreaterThan(100);
    expect(deltas.length).toBeLessThanOrEqual(Math.ceil(elapsedS * 4) + 1);
    // Each delta names a point at most once.
    for (const d of deltas) expect(new Set(d.values.map((v) => v[0])).size).toBe(d.values.length);
  });

  it('stops sending to a socket that left the park', async () => {
    const s = client();
    expect((await join(s, park.id)).ok).toBe(true);
    s.emit(SocketEvent.parkLeave, { parkId: park.id });
    await new Promise((r) => setTimeout(r, 100));
    let got = 0;
    s.on(SocketEvent.stateDelta, () => got++);
    await publish(5, 1);
    await new Promise((r) => setTimeout(r, 700));
    expect(got).toBe(0);
  });
});
