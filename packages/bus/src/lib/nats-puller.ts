import type { ConsumerMessages, Consumer as JsConsumer, JsMsg } from '@nats-io/jetstream';
import type { BatchHandler, Consumer, DurableMessage } from '../bus.js';
import type { BusLogger } from '../logger.js';
import { backoffMs } from './backoff.js';
import type { ResolvedConsumeOptions } from './consume-options.js';
import { createSignal, sleep } from './signal.js';

/** nats.js refuses pull requests that expire sooner. */
const MIN_FETCH_EXPIRES_MS = 1_000;
/** How long stop() lets an open pull run out before closing it (e.g. while disconnected). */
const STOP_GRACE_MS = 2_000;

export interface NatsPullerDeps {
  consumer: JsConsumer;
  /** Re-creates the durable (after a stream was deleted and made again) and returns it. */
  reattach(): Promise<JsConsumer>;
  options: ResolvedConsumeOptions;
  handler: BatchHandler;
  logger: BusLogger;
  isClosed(): boolean;
  /** Makes sure the acks sent so far have reached the server. */
  flush(): Promise<void>;
  onStopped(): void;
}

/**
 * One `consume()` call on JetStream: a loop of bounded `fetch` requests (at most `batchSize`
 * messages each, so a slow handler never piles up more than one batch on the client). Messages
 * are handed over when `batchSize` arrived or `maxWaitMs` after the first; a resolved handler
 * acks each message, a throw naks each with back-off. Pause and stop end the pulling; messages
 * that arrived but were not handed over are nak'ed once their fetch has ended (earlier, the
 * server could hand them straight back to the same fetch), so they go to the next puller at
 * once instead of waiting out the ack wait.
 */
export function startNatsPuller(deps: NatsPullerDeps): Consumer {
  const { options: o, handler, logger } = deps;
  const where = { stream: o.stream, durable: o.durable };
  const fetchExpiresMs = Math.max(MIN_FETCH_EXPIRES_MS, o.maxWaitMs);
  const signal = createSignal();
  let consumer = deps.consumer;
  let current: ConsumerMessages | undefined;
  let paused = false;
  let stopping = false;
  let stopped: Promise<void> | undefined;
  const holding = () => paused || stopping;

  function settle(msgs: JsMsg[], how: (m: JsMsg) => void): void {
    for (const m of msgs) {
      try {
        how(m);
      } catch (err) {
        logger.warn({ err, ...where, seq: m.seq }, 'bus: could not ack/nak; the server redelivers after the ack wait');
      }
    }
  }

  async function handOver(msgs: JsMsg[]): Promise<void> {
    const batch: DurableMessage[] = msgs.map((m) => ({
      subject: m.subject,
      data: m.data,
      seq: m.seq,
      deliveryCount: m.info.deliveryCount,
      storedAtMs: m.info.timestampNanos / 1e6,
    }));
    try {
      await handler(batch);
      settle(msgs, (m) => m.ack());
    } catch (err) {
      const deliveryCount = Math.max(...batch.map((m) => m.deliveryCount));
      logger.warn({ err, ...where, messages: batch.length, deliveryCount }, 'bus: batch handler failed; the batch will be redelivered');
      settle(msgs, (m) => m.nak(backoffMs(deliveryCount)));
    }
  }

  async function drain(fetched: ConsumerMessages): Promise<void> {
    const it = fetched[Symbol.asyncIterator]();
    let batch: JsMsg[] = [];
    const held: JsMsg[] = [];
    let deadline = 0;
    let next: Promise<IteratorResult<JsMsg>> | undefined;
    const flush = async () => {
      const full = batch;
      batch = [];
      if (holding()) held.push(...full);
      else await handOver(full);
    };
    try {
      for (;;) {
        next ??= it.next();
        const r = batch.length > 0 ? await within(next, deadline - Date.now()) : await next;
        if (r === undefined) {
          await flush();
          continue;
        }
        next = undefined;
        if (r.done) break;
        if (holding()) {
          held.push(r.value);
          continue;
        }
        batch.push(r.value);
        if (batch.length === 1) deadline = Date.now() + o.maxWaitMs;
        if (batch.length >= o.batchSize) await flush();
      }
      if (batch.length > 0) await flush();
    } finally {
      settle([...batch, ...held], (m) => m.nak());
    }
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopping && !deps.isClosed()) {
      if (paused) {
        await signal.wait();
        continue;
      }
      try {
        current = await consumer.fetch({ max_messages: o.batchSize, expires: fetchExpiresMs });
        await drain(current);
        failures = 0;
      } catch (err) {
        if (stopping || deps.isClosed()) break;
        failures++;
        logger.warn({ err, ...where, failures }, 'bus: pull failed; retrying');
        await sleep(backoffMs(failures), signal);
        try {
          consumer = await deps.reattach();
        } catch (e) {
          logger.warn({ err: e, ...where }, 'bus: durable consumer not available yet');
        }
      } finally {
        current = undefined;
      }
    }
  })();

  return {
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      signal.notify();
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        signal.notify();
        // Normally the open fetch runs out within fetchExpiresMs; cut it short if it cannot.
        const grace = setTimeout(() => void current?.close(), fetchExpiresMs + STOP_GRACE_MS);
        try {
          await loop;
        } finally {
          clearTimeout(grace);
        }
        await deps.flush().catch(() => {});
        deps.onStopped();
      })();
      return stopped;
    },
  };
}

/** `p`'s result, or undefined when `ms` passes first. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
