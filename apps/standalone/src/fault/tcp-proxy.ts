import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Connections accepted since start (a reconnecting client shows up here). */
  readonly connections: number;
  /** Drops every open connection and refuses new ones (accepted, then reset at once). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * A TCP forwarder on 127.0.0.1:0 whose link can be cut and restored: makes a server
 * unreachable for ONE client without stopping the server other tests share.
 *
 * @example
 * const proxy = await startTcpProxy({ host: '127.0.0.1', port: 4222 }); proxy.cut(); proxy.restore()
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let up = true;
  let connections = 0;
  const server = net.createServer((client) => {
    if (!up) {
      client.resetAndDestroy();
      return;
    }
    connections++;
    const upstream = net.connect(target);
    open.add(client);
    open.add(upstream);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', closeBoth).on('close', closeBoth);
    upstream.on('error', closeBoth).on('close', closeBoth);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    get connections() {
      return connections;
    },
    cut() {
      up = false;
      for (const s of open) s.resetAndDestroy();
      open.clear();
    },
    restore() {
      up = true;
    },
    close() {
      for (const s of open) s.destroy();
      open.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
