import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AuthenticateError } from 'aedes';
import { type Logger, silentLogger } from '../logger.js';

export interface EmbeddedMqttBrokerOptions {
  host?: string;
  port?: number;
  /** Serve MQTT over TLS (`mqtts://`) with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Accept only these credentials (default: anyone, like `allow_anonymous true`). */
  users?: Readonly<Record<string, string>>;
  logger?: Logger;
}

export interface EmbeddedMqttBroker {
  /** `mqtt://127.0.0.1:<port>` (`mqtts://` with TLS). */
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
export async function startEmbeddedMqttBroker(options: EmbeddedMqttBrokerOptions = {}): Promise<EmbeddedMqttBroker> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const users = options.users;
  const aedes = await Aedes.createBroker(
    users
      ? {
          authenticate: (_client, username, password, done) => {
            if (username !== undefined && users[username] !== undefined && users[username] === password?.toString('utf8')) return done(null, true);
            // CONNACK return code 4: bad user name or password.
            done(Object.assign(new Error('bad user name or password'), { returnCode: 4 }) as AuthenticateError, false);
          },
        }
      : {},
  );
  const sockets = new Set<Socket>();
  const onSocket = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    aedes.handle(s);
  };
  const tls = options.tls;
  const makeServer = (): Server => (tls ? createTlsServer({ key: tls.key, cert: tls.cert }, onSocket) : createServer(onSocket));
  let server = makeServer();
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as { port: number }).port));
    });
  const port = await listen(options.port ?? 0);
  const url = `${tls ? 'mqtts' : 'mqtt'}://${host}:${port}`;
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
