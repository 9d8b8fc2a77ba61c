import { isPublishSubject, subjectMatches } from '@zcp/model';
import type { BatchHandler, Bus, BusMessage, ConsumeOptions, Consumer, PublishAck, StreamSpec, Subscription } from './bus.js';
import { BusError } from './bus-error.js';
import { resolveConsumeOptions } from './lib/consume-options.js';
import { MemoryDurable } from './lib/memory-durable.js';
import { type MemoryPuller, startMemoryPuller } from './lib/memory-puller.js';
import { MemoryStream } from './lib/memory-stream.js';
import { patternsOverlap } from './lib/subject-overlap.js';
import { createTimerSet } from './lib/timer-set.js';
import { type BusLogger, silentBusLogger } from './logger.js';

export interface MemoryBusOptions {
  logger?: BusLogger;
  /**
   * Wall clock for the duplicate window and `maxAgeMs`; default `Date.now`. Inject one to test
   * window expiry without waiting. (Batch and ack-wait timers use the global timers, which
   * vitest's fake timers control.)
   */
  now?: () => number;
}

interface StreamEntry {
  stream: MemoryStream;
  durables: Map<string, MemoryDurable>;
}

interface LocalSubscription {
  pattern: string;
  handler: (msg: BusMessage) => void;
}

/**
 * The in-process bus: the embedded default when `NATS_URL` is not set. Same subject
 * semantics, stream sequence numbers, msg-id de-duplication, shared durable work-queue
 * consumers and redelivery as JetStream (the contract suite in bus-contract.ts runs against
 * both), but it cannot span processes and keeps streams in memory (set `maxAgeMs` or
 * `maxBytes` on long-running streams). Like core NATS, subscribers see every publish,
 * including a repeated msg id and a subject no stream captures (which then rejects with
 * `NO_STREAM`). Subscribers and handlers run asynchronously, in publication order.
 *
 * @example
 * const bus = createMemoryBus({ logger });
 * await bus.ensureStream(telemetryStream(parkId));
 * const consumer = await bus.consume({ stream: telemetryStream(parkId).name, durable: storageConsumer(parkId) }, async (batch) => store(batch));
 * await bus.publish(subjects.telemetry(parkId, assetId), payload, { msgId: batchId });
 */
export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  const logger = options.logger ?? silentBusLogger;
  const now = options.now ?? Date.now;
  const timers = createTimerSet();
  const streams = new Map<string, StreamEntry>();
  const subscriptions = new Set<LocalSubscription>();
  const pullers = new Set<MemoryPuller>();
  let closing: Promise<void> | undefined;

  function assertOpen(): void {
    if (closing) throw new BusError('CLOSED', 'the memory bus is closed');
  }

  function streamEntry(name: string): StreamEntry {
    const entry = streams.get(name);
    if (!entry) throw new BusError('STREAM_NOT_FOUND', `stream '${name}' not found`);
    return entry;
  }

  function fanOut(subject: string, data: Uint8Array): void {
    for (const sub of subscriptions) {
      if (!subjectMatches(sub.pattern, subject)) continue;
      // Asynchronous like a network delivery, so a subscriber that publishes cannot re-enter.
      queueMicrotask(() => {
        if (!subscriptions.has(sub)) return;
        try {
          sub.handler({ subject, data });
        } catch (err) {
          logger.error({ err, subject, pattern: sub.pattern }, 'bus: subscriber threw');
        }
      });
    }
  }

  return {
    kind: 'memory',

    async ensureStream(spec: StreamSpec): Promise<void> {
      assertOpen();
      for (const [name, other] of streams) {
        if (name === spec.name) continue;
        const clash = spec.subjects.find((s) => other.stream.spec.subjects.some((o) => patternsOverlap(s, o)));
        if (clash !== undefined) throw new BusError('STREAM_CONFLICT', `subjects of stream '${spec.name}' overlap stream '${name}' ('${clash}')`);
      }
      const entry = streams.get(spec.name);
      if (entry) {
        entry.stream.spec = { ...spec, subjects: [...spec.subjects] };
        return;
      }
      streams.set(spec.name, { stream: new MemoryStream({ ...spec, subjects: [...spec.subjects] }, now), durables: new Map() });
      // Pullers of a durable whose stream was deleted and is now back can resume.
      for (const p of pullers) p.wake();
    },

    async deleteStream(name: string): Promise<void> {
      assertOpen();
      const entry = streams.get(name);
      if (!entry) return;
      streams.delete(name);
      for (const d of entry.durables.values()) d.dispose();
    },

    async publish(subject: string, data: Uint8Array, opts?: { msgId?: string }): Promise<PublishAck> {
      assertOpen();
      if (!isPublishSubject(subject)) throw new BusError('INVALID_SUBJECT', `'${subject}' is not a valid publish subject`);
      fanOut(subject, data);
      for (const [name, entry] of streams) {
        if (!entry.stream.captures(subject)) continue;
        const { seq, duplicate } = entry.stream.append(subject, data, opts?.msgId);
        if (!duplicate) for (const d of entry.durables.values()) d.dispatch();
        return { stream: name, seq, duplicate };
      }
      throw new BusError('NO_STREAM', `no stream captures subject '${subject}'`);
    },

    publishEphemeral(subject: string, data: Uint8Array): void {
      assertOpen();
      if (!isPublishSubject(subject)) throw new BusError('INVALID_SUBJECT', `'${subject}' is not a valid publish subject`);
      fanOut(subject, data);
      // As on a NATS server, a core publish on a subject a stream captures is stored too.
      for (const entry of streams.values()) {
        if (!entry.stream.captures(subject)) continue;
        const { duplicate } = entry.stream.append(subject, data);
        if (!duplicate) for (const d of entry.durables.values()) d.dispatch();
        return;
      }
    },

    subscribe(pattern: string, handler: (msg: BusMessage) => void): Subscription {
      assertOpen();
      const sub: LocalSubscription = { pattern, handler };
      subscriptions.add(sub);
      return { unsubscribe: () => subscriptions.delete(sub) };
    },

    async consume(consumeOptions: ConsumeOptions, handler: BatchHandler): Promise<Consumer> {
      assertOpen();
      const o = resolveConsumeOptions(consumeOptions);
      const config = { filterSubject: o.filterSubject, ackWaitMs: o.ackWaitMs };
      const entry = streamEntry(o.stream);
      const existing = entry.durables.get(o.durable);
      // As on the server, a later consume with other settings updates the shared durable.
      if (existing) existing.config = config;
      else entry.durables.set(o.durable, new MemoryDurable(entry.stream, config, timers));

      const puller = startMemoryPuller({
        options: o,
        handler,
        logger,
        durable() {
          const current = streams.get(o.stream);
          if (!current) return undefined;
          const existing = current.durables.get(o.durable);
          if (existing) return existing;
          const created = new MemoryDurable(current.stream, config, timers);
          current.durables.set(o.durable, created);
          return created;
        },
        onStopped: () => pullers.delete(puller),
      });
      pullers.add(puller);
      return puller;
    },

    async consumerLag(stream: string, durable: string): Promise<number> {
      assertOpen();
      const d = streamEntry(stream).durables.get(durable);
      if (!d) throw new BusError('CONSUMER_NOT_FOUND', `consumer '${durable}' not found on stream '${stream}'`);
      return d.lag();
    },

    isConnected: () => closing === undefined,

    close(): Promise<void> {
      closing ??= (async () => {
        subscriptions.clear();
        // In-flight handlers finish (and ack) first, as with a NATS drain.
        await Promise.all([...pullers].map((p) => p.stop()));
        for (const entry of streams.values()) for (const d of entry.durables.values()) d.dispose();
        streams.clear();
        timers.clearAll();
      })();
      return closing;
    },
  };
}
