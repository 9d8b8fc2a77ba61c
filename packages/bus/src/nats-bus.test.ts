import net, { type AddressInfo } from 'node:net';
import { subjects, telemetryStream } from '@zcp/model';
import { describeWithServer, serverUrls, uniqueName, waitFor } from '@zcp/testkit';
import { expect, it } from 'vitest';
import type { DurableMessage } from './bus.js';
import { busContract } from './bus-contract.js';
import type { BusLogger } from './logger.js';
import { connectNatsBus } from './nats-bus.js';

const enc = (s: string) => new TextEncoder().encode(s);

/** A TCP hop between client and server that a test can cut, to play a network outage. */
async function startOutageProxy(target: string) {
  const u = new URL(target);
  const sockets = new Set<net.Socket>();
  let accepting = true;
  const server = net.createServer((client) => {
    if (!accepting) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(u.port), u.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cut = () => {
    accepting = false;
    for (const s of sockets) s.destroy();
  };
  return {
    url: `nats://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut,
    restore: () => {
      accepting = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        cut();
        server.close(() => resolve());
      }),
  };
}

function recordingLogger() {
  const lines: string[] = [];
  const log = (_obj: object | string, msg?: string) => lines.push(msg ?? String(_obj));
  const logger: BusLogger = { debug: () => {}, info: log, warn: log, error: log };
  return { lines, logger };
}

await describeWithServer(['nats'], 'NATS JetStream bus', () => {
  busContract('nats', async () => {
    const bus = await connectNatsBus({ url: serverUrls.nats, name: 'zcp-bus-contract' });
    return { bus, cleanup: () => bus.close() };
  });

  it('fails fast with CONNECT_FAILED when nothing listens at the URL', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await expect(connectNatsBus({ url: `nats://127.0.0.1:${port}` })).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });

  it('reports a lost connection, reconnects by itself and keeps consuming', async () => {
    const proxy = await startOutageProxy(serverUrls.nats);
    const { lines, logger } = recordingLogger();
    const bus = await connectNatsBus({ url: proxy.url, name: 'zcp-bus-outage', logger });
    const parkId = uniqueName('p');
    const stream = telemetryStream(parkId);
    try {
      await bus.ensureStream(stream);
      const got: DurableMessage[] = [];
      await bus.consume({ stream: stream.name, durable: uniqueName('d'), maxWaitMs: 20 }, async (b) => {
        got.push(...b);
      });
      await bus.publish(subjects.telemetry(parkId, 'pv1'), enc('before'));
      await waitFor(() => got.length === 1, { what: 'message before the outage' });

      proxy.cut();
      await waitFor(() => !bus.isConnected(), { what: 'isConnected() false during the outage' });
      expect(lines).toContain('bus: disconnected from NATS; reconnecting');

      proxy.restore();
      await waitFor(() => bus.isConnected(), { what: 'reconnect', timeoutMs: 20_000 });
      await bus.publish(subjects.telemetry(parkId, 'pv1'), enc('after'));
      await waitFor(() => got.length >= 2, { what: 'message after the outage', timeoutMs: 20_000 });
      expect(got.map((m) => new TextDecoder().decode(m.data))).toEqual(['before', 'after']);
      await bus.deleteStream(stream.name);
    } finally {
      await bus.close();
      await proxy.close();
    }
    expect(bus.isConnected()).toBe(false);
  });

  it('close() completes while the server is unreachable, and then reports disconnected', async () => {
    const proxy = await startOutageProxy(serverUrls.nats);
    const bus = await connectNatsBus({ url: proxy.url, name: 'zcp-bus-close-offline' });
    const parkId = uniqueName('p');
    const stream = telemetryStream(parkId);
    try {
      await bus.ensureStream(stream);
      await bus.consume({ stream: stream.name, durable: uniqueName('d') }, async () => {});
      proxy.cut();
      await waitFor(() => !bus.isConnected(), { what: 'disconnect' });
      await bus.close();
      expect(bus.isConnected()).toBe(false);
      await expect(bus.publish(subjects.telemetry(parkId, 'pv1'), enc('x'))).rejects.toMatchObject({ code: 'CLOSED' });
    } finally {
      await bus.close();
      await proxy.close();
      const cleaner = await connectNatsBus({ url: serverUrls.nats });
      await cleaner.deleteStream(stream.name);
      await cleaner.close();
    }
  });
});
