import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClientToServerEvents, type ServerToClientEvents, SocketEvent, type StateSnapshot } from '@zcp/model';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { type ConnState, connectLive, type LiveClient } from './live-client.js';

/** A socket.io server on port 0 that answers joins with a numbered snapshot. */
async function startServer() {
  const http = createServer();
  // ws named explicitly: under vitest engine.io's default `require('ws').Server` meets the ESM wrapper, which lacks it.
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, { wsEngine: WebSocketServer });
  let joins = 0;
  io.on('connection', (socket) => {
    socket.on(SocketEvent.parkJoin, (req, ack) => {
      joins++;
      if (req.parkId !== 'p1') return ack({ ok: false, code: 'park_not_found', message: 'no' });
      ack({ ok: true, snapshot: { parkId: 'p1', ts: joins, values: [[1, joins, joins * 10, 0]] } });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return { io, url, joins: () => joins, close: () => new Promise<void>((r) => io.close(() => r())) };
}

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('connectLive', () => {
  let client: LiveClient | undefined;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  afterEach(async () => {
    client?.close();
    await server?.close();
  });

  it('joins, takes the snapshot, and re-joins for a fresh one after the server drops it', async () => {
    server = await startServer();
    const snapshots: StateSnapshot[] = [];
    const deltas: StateSnapshot[] = [];
    const states: ConnState[] = [];
    client = connectLive(
      'p1',
      { snapshot: (s) => snapshots.push(s), delta: (d) => deltas.push(d), state: (s) => states.push(s), relayStatus: () => {}, joinFailed: () => {} },
      server.url,
    );
    await until(() => snapshots.length === 1);
    expect(snapshots[0]?.values).toEqual([[1, 1, 10, 0]]);
    expect(states.at(-1)).toBe('connected');

    server.io.emit(SocketEvent.stateDelta, { parkId: 'p1', ts: 5, values: [[1, 5, 50, 0]] });
    server.io.emit(SocketEvent.stateDelta, { parkId: 'other', ts: 5, values: [] });
    await until(() => deltas.length >= 1);
    expect(deltas.every((d) => d.parkId === 'p1')).toBe(true);

    server.io.disconnectSockets(true);
    await until(() => snapshots.length === 2);
    expect(server.joins()).toBe(2);
    expect(snapshots[1]?.values).toEqual([[1, 2, 20, 0]]);
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('connected');
  });

  it('reports a refused join', async () => {
    server = await startServer();
    let failure = '';
    client = connectLive(
      'nope',
      { snapshot: () => {}, delta: () => {}, state: () => {}, relayStatus: () => {}, joinFailed: (code) => (failure = code) },
      server.url,
    );
    await until(() => failure !== '');
    expect(failure).toBe('park_not_found');
  });
});
