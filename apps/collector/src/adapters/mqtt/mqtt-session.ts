import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { redactUrl } from '../../config.js';
import { CollectorError, toCollectorError } from '../../errors.js';
import { type Logger, silentLogger } from '../../logger.js';
import { type Random, systemRandom } from '../../system.js';
import { type BackoffOptions, backoffDelayMs } from '../backoff.js';

/** How long `close` waits for in-flight QoS 1 messages before it drops the connection. */
export const CLOSE_DRAIN_MS = 1000;

/** How to reach a broker: shared by the JSON and Sparkplug adapters and the simulated publishers. */
export interface MqttConnectionOptions {
  /** `mqtt://host:port`, `mqtts://…` (TLS), `ws://…`. */
  url: string;
  /** Default: `${prefix}-${random hex}`; set it (with `cleanSession: false`) for a persistent session. */
  clientId?: string;
  username?: string;
  password?: string;
  /** TLS material for `mqtts://` (PEM text or buffers). */
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized?: boolean; servername?: string };
  /** MQTT clean session / clean start. Default true. */
  cleanSession?: boolean;
  keepaliveS?: number;
  connectTimeoutMs?: number;
  /** Reconnect backoff (exponential with jitter, see backoff.ts). */
  reconnect?: BackoffOptions;
}

export interface MqttSessionHooks {
  /** Called on every (re)connection, after which the caller (re)subscribes. */
  connected(client: MqttClient, info: { reconnected: boolean }): void;
  /** Called once per lost connection, and after every failed attempt while never connected. */
  disconnected(error: CollectorError): void;
  message(topic: string, payload: Buffer): void;
  /** Last chance to change options (e.g. the Sparkplug will's bdSeq) before each attempt. */
  beforeConnect?(options: IClientOptions): void;
}

export interface MqttSession {
  readonly client: MqttClient;
  isConnected(): boolean;
  /** Ends the connection and every timer; idempotent. */
  close(): Promise<void>;
}

export interface OpenMqttSessionOptions {
  connection: MqttConnectionOptions;
  hooks: MqttSessionHooks;
  clientIdPrefix: string;
  will?: IClientOptions['will'];
  logger?: Logger;
  random?: Random;
}

/**
 * One broker connection with our own reconnect policy: mqtt.js reconnects on a fixed period,
 * so its reconnect is switched off (`reconnectPeriod: 0`) and `client.reconnect()` is called
 * after an exponential, jittered delay instead — a fleet of collectors then does not hammer a
 * recovering broker in lockstep. Subscriptions are the caller's job in `connected` (with
 * mqtt.js's own resubscribe off, so there is exactly one place that subscribes).
 *
 * @example
 * const session = openMqttSession({ connection: { url }, clientIdPrefix: 'zcp', hooks })
 * await session.close()
 */
export function openMqttSession(options: OpenMqttSessionOptions): MqttSession {
  const { connection, hooks } = options;
  const logger = options.logger ?? silentLogger;
  const random = options.random ?? systemRandom;
  const clientId = connection.clientId ?? `${options.clientIdPrefix}-${Math.floor(random() * 0xffffffff).toString(16)}`;
  const clientOptions: IClientOptions = {
    clientId,
    username: connection.username,
    password: connection.password,
    clean: connection.cleanSession ?? true,
    keepalive: connection.keepaliveS ?? 30,
    connectTimeout: connection.connectTimeoutMs ?? 10_000,
    reconnectPeriod: 0,
    resubscribe: false,
    manualConnect: true,
    will: options.will,
    ...(connection.tls ?? {}),
  };
  const client = connect(connection.url, clientOptions);
  let closing = false;
  let everConnected = false;
  let wasConnected = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastError: CollectorError | undefined;

  client.on('connect', () => {
    attempt = 0;
    const reconnected = everConnected;
    everConnected = wasConnected = true;
    lastError = undefined;
    logger.info({ url: redactUrl(connection.url), clientId, reconnected }, 'mqtt connected');
    hooks.connected(client, { reconnected });
  });
  client.on('message', (topic, payload) => hooks.message(topic, payload));
  client.on('error', (e) => {
    lastError = toMqttError(e);
    logger.debug({ err: lastError.message }, 'mqtt client error');
  });
  client.on('close', () => {
    if (closing) return;
    const err = lastError ?? new CollectorError('not_connected', `connection to ${redactUrl(connection.url)} closed`);
    lastError = undefined;
    if (wasConnected) logger.warn({ err: err.message }, 'mqtt connection lost');
    wasConnected = false;
    hooks.disconnected(err);
    scheduleReconnect();
  });

  const scheduleReconnect = () => {
    if (closing || timer) return;
    const delay = backoffDelayMs(attempt++, random, connection.reconnect);
    timer = setTimeout(() => {
      timer = undefined;
      if (closing) return;
      hooks.beforeConnect?.(client.options);
      client.reconnect();
    }, delay);
  };

  hooks.beforeConnect?.(client.options);
  client.connect();

  let closed: Promise<void> | undefined;
  return {
    client,
    isConnected: () => client.connected,
    close() {
      closing = true;
      clearTimeout(timer);
      timer = undefined;
      closed ??= (async () => {
        // mqtt.js's polite end waits for every in-flight QoS 1/2 message to be acked, forever:
        // one lost with a dropped connection would hang shutdown. Give them a moment, then force.
        if (client.connected && Object.keys(client.outgoing).length > 0) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, CLOSE_DRAIN_MS);
            client.once('outgoingEmpty', () => {
              clearTimeout(t);
              resolve();
            });
          });
        }
        const force = !client.connected || Object.keys(client.outgoing).length > 0;
        await new Promise<void>((resolve) => client.end(force, {}, () => resolve()));
      })();
      return closed;
    },
  };
}

function toMqttError(e: unknown): CollectorError {
  const err = toCollectorError(e);
  if (err.code !== 'internal') return err;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return new CollectorError('not_connected', err.message, { cause: e });
  return err;
}
