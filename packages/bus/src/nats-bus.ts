import { type JetStreamManager, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { type NatsConnection, type Subscription as NatsSubscription, nanos } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { isPublishSubject } from '@zcp/model';
import type { BatchHandler, Bus, BusMessage, ConsumeOptions, Consumer, PublishAck, StreamSpec, Subscription } from './bus.js';
import { BusError } from './bus-error.js';
import { resolveConsumeOptions } from './lib/consume-options.js';
import { ensureDurable } from './lib/nats-durable.js';
import { isApiError, isNoResponders, JS_CODES, toBusError } from './lib/nats-errors.js';
import { startNatsPuller } from './lib/nats-puller.js';
import { DEFAULT_DUPLICATE_WINDOW_MS } from './lib/stream-defaults.js';
import { type BusLogger, silentBusLogger } from './logger.js';

/** Longest stop() waits for the server to confirm the last acks. */
const FLUSH_TIMEOUT_MS = 2_000;

export interface NatsBusOptions {
  /** e.g. `nats://127.0.0.1:4222` */
  url: string;
  /** Connection name shown by the server's monitoring (`zcp-relay`, `zcp-collector`). */
  name?: string;
  logger?: BusLogger;
}

/**
 * Connects the bus to NATS JetStream. The first connection must succeed (else `CONNECT_FAILED`,
 * so a wrong URL fails fast at start-up); after that the client reconnects forever and
 * `isConnected()` says whether it is connected right now. Streams are file-stored; consumers
 * are durable pull consumers with explicit acks.
 *
 * @example
 * const bus = await connectNatsBus({ url: config.natsUrl, name: 'zcp-relay', logger });
 * await bus.ensureStream(telemetryStream(parkId));
 * @see createMemoryBus for the in-process bus with the same contract
 */
export async function connectNatsBus(options: NatsBusOptions): Promise<Bus> {
  const logger = options.logger ?? silentBusLogger;
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: options.url, name: options.name, maxReconnectAttempts: -1 });
  } catch (err) {
    throw new BusError('CONNECT_FAILED', `could not connect to NATS at ${options.url}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
  } catch (err) {
    await nc.close();
    throw new BusError('CONNECT_FAILED', `JetStream is not available at ${options.url}`, { cause: err });
  }
  return createNatsBus(nc, jsm, logger);
}

function createNatsBus(nc: NatsConnection, jsm: JetStreamManager, logger: BusLogger): Bus {
  const js = jsm.jetstream();
  const pullers = new Set<Consumer>();
  const subscriptions = new Set<NatsSubscription>();
  let connected = true;
  let closing: Promise<void> | undefined;

  const watching = (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        connected = false;
        logger.warn({ server: s.server }, 'bus: disconnected from NATS; reconnecting');
      } else if (s.type === 'reconnect') {
        connected = true;
        logger.info({ server: s.server }, 'bus: reconnected to NATS');
      } else if (s.type === 'error') {
        logger.error({ err: s.error }, 'bus: NATS reported an error');
      } else if (s.type === 'close') {
        connected = false;
      }
    }
  })();

  /** Waits (briefly) until the server has what was sent; never hangs on a dead connection. */
  async function flushAcks(): Promise<void> {
    if (!connected || nc.isClosed()) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, FLUSH_TIMEOUT_MS);
    });
    try {
      await Promise.race([nc.flush(), gaveUp]);
    } catch (err) {
      logger.warn({ err }, 'bus: could not confirm acks reached the server; unconfirmed ones are redelivered');
    } finally {
      clearTimeout(timer);
    }
  }

  function assertOpen(): void {
    if (closing || nc.isClosed()) throw new BusError('CLOSED', 'the NATS bus is closed');
  }

  return {
    kind: 'nats',

    async ensureStream(spec: StreamSpec): Promise<void> {
      assertOpen();
      const maxAgeMs = spec.maxAgeMs ?? 0;
      // The server refuses a duplicate window longer than the age limit.
      const requestedWindowMs = spec.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
      const windowMs = maxAgeMs > 0 ? Math.min(requestedWindowMs, maxAgeMs) : requestedWindowMs;
      const limits = { subjects: [...spec.subjects], duplicate_window: nanos(windowMs), max_age: nanos(maxAgeMs), max_bytes: spec.maxBytes ?? -1 };
      try {
        await jsm.streams.add({ name: spec.name, storage: StorageType.File, ...limits });
      } catch (err) {
        // Exists with other settings: bring them in line (the storage type cannot change).
        if (!isApiError(err, JS_CODES.streamNameInUse)) throw toBusError(err, `create stream '${spec.name}'`);
        try {
          await jsm.streams.update(spec.name, limits);
        } catch (e) {
          throw toBusError(e, `update stream '${spec.name}'`);
        }
      }
    },

    async deleteStream(name: string): Promise<void> {
      assertOpen();
      try {
        await jsm.streams.delete(name);
      } catch (err) {
        if (!isApiError(err, JS_CODES.streamNotFound)) throw toBusError(err, `delete stream '${name}'`);
      }
    },

    async publish(subject: string, data: Uint8Array, opts?: { msgId?: string }): Promise<PublishAck> {
      assertOpen();
      if (!isPublishSubject(subject)) throw new BusError('INVALID_SUBJECT', `'${subject}' is not a valid publish subject`);
      try {
        const ack = await js.publish(subject, data, opts?.msgId === undefined ? undefined : { msgID: opts.msgId });
        return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
      } catch (err) {
        // JetStream answers stored publishes; nobody answering means no stream has the subject.
        if (isNoResponders(err)) throw new BusError('NO_STREAM', `no stream captures subject '${subject}'`, { cause: err });
        throw toBusError(err, `publish to '${subject}'`);
      }
    },

    publishEphemeral(subject: string, data: Uint8Array): void {
      assertOpen();
      if (!isPublishSubject(subject)) throw new BusError('INVALID_SUBJECT', `'${subject}' is not a valid publish subject`);
      try {
        nc.publish(subject, data);
      } catch (err) {
        throw toBusError(err, `publish to '${subject}'`);
      }
    },

    subscribe(pattern: string, handler: (msg: BusMessage) => void): Subscription {
      assertOpen();
      const sub = nc.subscribe(pattern, {
        callback: (err, msg) => {
          if (err) {
            logger.error({ err, pattern }, 'bus: subscription ended with an error');
            return;
          }
          try {
            handler({ subject: msg.subject, data: msg.data });
          } catch (e) {
            logger.error({ err: e, subject: msg.subject, pattern }, 'bus: subscriber threw');
          }
        },
      });
      subscriptions.add(sub);
      return {
        unsubscribe() {
          subscriptions.delete(sub);
          if (!sub.isClosed()) sub.unsubscribe();
        },
      };
    },

    async consume(consumeOptions: ConsumeOptions, handler: BatchHandler): Promise<Consumer> {
      assertOpen();
      const o = resolveConsumeOptions(consumeOptions);
      const what = `consume '${o.durable}' on stream '${o.stream}'`;
      let info: Awaited<ReturnType<typeof ensureDurable>>;
      try {
        info = await ensureDurable(jsm, o);
      } catch (err) {
        throw toBusError(err, what);
      }
      const puller = startNatsPuller({
        consumer: js.consumers.getConsumerFromInfo(info),
        reattach: async () => js.consumers.getConsumerFromInfo(await ensureDurable(jsm, o)),
        options: o,
        handler,
        logger,
        isClosed: () => nc.isClosed(),
        flush: () => flushAcks(),
        onStopped: () => pullers.delete(puller),
      });
      pullers.add(puller);
      return puller;
    },

    async consumerLag(stream: string, durable: string): Promise<number> {
      assertOpen();
      try {
        const info = await jsm.consumers.info(stream, durable);
        return info.num_pending + info.num_ack_pending;
      } catch (err) {
        throw toBusError(err, `lag of '${durable}' on stream '${stream}'`);
      }
    },

    isConnected: () => connected && closing === undefined && !nc.isClosed(),

    close(): Promise<void> {
      closing ??= (async () => {
        // Handlers in flight finish and ack before the connection goes.
        await Promise.all([...pullers].map((p) => p.stop()));
        for (const s of subscriptions) if (!s.isClosed()) s.unsubscribe();
        subscriptions.clear();
        if (!nc.isClosed()) {
          // Draining needs the server; while disconnected, just close.
          await (connected ? nc.drain() : nc.close()).catch((err: unknown) => logger.warn({ err }, 'bus: NATS close did not complete cleanly'));
        }
        await watching;
      })();
      return closing;
    },
  };
}
