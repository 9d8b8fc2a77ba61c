import { subjects, telemetryStream } from '@zcp/model';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { busContract } from './bus-contract.js';
import { createMemoryBus } from './memory-bus.js';

busContract('memory', async () => {
  const bus = createMemoryBus();
  return { bus, cleanup: () => bus.close() };
});

const enc = (s: string) => new TextEncoder().encode(s);

describe('createMemoryBus', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('forgets message ids after the duplicate window, read from the injected clock', async () => {
    const clock = { ms: 0 };
    const bus = createMemoryBus({ now: () => clock.ms });
    const stream = { ...telemetryStream('p1'), duplicateWindowMs: 5_000 };
    await bus.ensureStream(stream);
    const subject = subjects.telemetry('p1', 'pv1');
    await bus.publish(subject, enc('a'), { msgId: 'id' });
    clock.ms = 4_999;
    expect((await bus.publish(subject, enc('a'), { msgId: 'id' })).duplicate).toBe(true);
    clock.ms = 5_000;
    expect(await bus.publish(subject, enc('a'), { msgId: 'id' })).toEqual({ stream: stream.name, seq: 2, duplicate: false });
    await bus.close();
  });

  it('leaves no timer behind after close(), even with batches waiting and acks outstanding', async () => {
    vi.useFakeTimers();
    const bus = createMemoryBus();
    const stream = telemetryStream('p2');
    await bus.ensureStream(stream);
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let batches = 0;
    await bus.consume({ stream: stream.name, durable: 'd', batchSize: 100, maxWaitMs: 1_000, ackWaitMs: 60_000 }, async () => {
      batches++;
      await gate;
    });
    await bus.publish(subjects.telemetry('p2', 'pv1'), enc('x'));
    // One timer fills the batch (maxWaitMs).
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(batches).toBe(1);
    // Now the ack wait runs while the handler holds the batch.
    expect(vi.getTimerCount()).toBe(1);
    const closed = bus.close();
    release();
    await closed;
    expect(vi.getTimerCount()).toBe(0);
    expect(bus.isConnected()).toBe(false);
  });

  it('logs a throwing subscriber and keeps delivering to the others', async () => {
    const errors: unknown[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (o: unknown) => errors.push(o) };
    const bus = createMemoryBus({ logger });
    await bus.ensureStream(telemetryStream('p3'));
    const got: string[] = [];
    bus.subscribe('park.p3.>', () => {
      throw new Error('boom');
    });
    bus.subscribe('park.p3.>', (m) => got.push(m.subject));
    await bus.publish(subjects.telemetry('p3', 'pv1'), enc('x'));
    await vi.waitFor(() => expect(got).toHaveLength(1));
    expect(errors).toHaveLength(1);
    await bus.close();
  });
});
