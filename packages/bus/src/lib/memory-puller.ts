import type { BatchHandler, Consumer, DurableMessage } from '../bus.js';
import type { BusLogger } from '../logger.js';
import { backoffMs } from './backoff.js';
import type { ResolvedConsumeOptions } from './consume-options.js';
import type { Lease, MemoryDurable, PullHandle } from './memory-durable.js';
import { createSignal } from './signal.js';

export interface MemoryPuller extends Consumer {
  /** Something the loop waits for may have changed (the stream was created again). */
  wake(): void;
}

export interface MemoryPullerDeps {
  options: ResolvedConsumeOptions;
  handler: BatchHandler;
  logger: BusLogger;
  /** The durable as it is now; undefined while its stream does not exist. */
  durable(): MemoryDurable | undefined;
  onStopped(): void;
}

/**
 * One `consume()` call on the memory bus: pulls a batch, hands it to the handler, acks on
 * success and naks (with back-off) on a throw, until stopped. Pausing withdraws the waiting
 * pull, and messages it already took go straight back for other pullers.
 */
export function startMemoryPuller(deps: MemoryPullerDeps): MemoryPuller {
  const { options, handler, logger } = deps;
  const signal = createSignal();
  let paused = false;
  let stopping = false;
  let pull: PullHandle | undefined;
  let stopped: Promise<void> | undefined;

  async function handOver(durable: MemoryDurable, lease: Lease): Promise<void> {
    const batch: DurableMessage[] = lease.deliveries.map((d) => ({
      subject: d.subject,
      data: d.data,
      seq: d.seq,
      deliveryCount: d.deliveryCount,
      storedAtMs: d.storedAtMs,
    }));
    try {
      await handler(batch);
      durable.ack(lease);
    } catch (err) {
      const deliveryCount = Math.max(...batch.map((m) => m.deliveryCount));
      logger.warn(
        { err, stream: options.stream, durable: options.durable, messages: batch.length, deliveryCount },
        'bus: batch handler failed; the batch will be redelivered',
      );
      durable.nak(lease, backoffMs(deliveryCount));
    }
  }

  const loop = (async () => {
    while (!stopping) {
      if (paused) {
        await signal.wait();
        continue;
      }
      const durable = deps.durable();
      if (!durable) {
        await signal.wait();
        continue;
      }
      pull = durable.pull(options.batchSize, options.maxWaitMs);
      const lease = await pull.result;
      pull = undefined;
      if (!lease) continue;
      if (stopping || paused) {
        durable.nak(lease, 0);
        continue;
      }
      await handOver(durable, lease);
    }
  })();

  return {
    pause() {
      paused = true;
      pull?.cancel();
    },
    resume() {
      paused = false;
      signal.notify();
    },
    wake() {
      signal.notify();
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        pull?.cancel();
        signal.notify();
        await loop;
        deps.onStopped();
      })();
      return stopped;
    },
  };
}
