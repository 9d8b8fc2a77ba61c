import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import { type Logger, silentLogger } from '../logger.js';

export interface EmbeddedMqttBroker {
  /** `mqtt://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Drops every client connection (the broker keeps listening): a network blip for tests. */
  dropClients(): void;
  /** Stops accepting and drops everyone (an outage); `restart` listens again on the same port. */
  pause(): Promise<void>;
  restart(): Promise<void>;
  /** Shuts the broker down for good; idempotent. */
  close(): Promise<void>;
}

/**
 * An in-process MQTT broker (aedes) for when no real broker is configured (`MQTT_URL` unset)
 * and for tests: port 0 by default. It says that it is embedded in the log, so nobody
 * mistakes a demo for a plant connection.
 *
 * @example
 * const broker = await startEmbeddedMqttBroker({ logger })
 * createMqttJsonAdapter({ connection: { url: broker.url }, points })
 * await broker.close()
 */
export async function startEmbeddedMqttBroker(options: { host?: string; port?: number; logger?: Logger } = {}): Promise<EmbeddedMqttBroker> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const makeServer = (): Server =>
    createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      aedes.handle(s);
    });
  let server = makeServer();
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as { port: number }).port));
    });
  const port = await listen(options.port ?? 0);
  const url = `mqtt://${host}:${port}`;
  logger.info({ url, broker: 'aedes' }, 'MQTT_URL not set: using an embedded in-process MQTT broker (aedes)');

  const dropClients = () => {
    for (const s of sockets) s.destroy();
  };
  const closeServer = () =>
    new Promise<void>((resolve) => {
      dropClients();
      server.close(() => resolve());
    });
  let serving = true;
  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    dropClients,
    async pause() {
      if (!serving) return;
      serving = false;
      await closeServer();
    },
    async restart() {
      if (serving || closed) return;
      server = makeServer();
      await listen(port);
      serving = true;
    },
    close() {
      closed ??= (async () => {
        if (serving) await closeServer();
        serving = false;
        await new Promise<void>((r) => aedes.close(() => r()));
      })();
      return closed;
    },
  };
}
