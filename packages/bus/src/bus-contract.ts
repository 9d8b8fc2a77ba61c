import { storageConsumer, subjects, telemetryStream } from '@zcp/model';
import { uniqueName, waitFor } from '@zcp/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchHandler, Bus, BusMessage, ConsumeOptions, Consumer, DurableMessage, StreamSpec } from './bus.js';
import { dec, enc, QUIET_MS, recorder, sleep } from './lib/contract-helpers.js';

/** A bus made for one test, and what tears it down (close it, drop anything it owns). */
export interface BusUnderTest {
  bus: Bus;
  cleanup(): Promise<void>;
}

/**
 * The behaviour every `Bus` keeps, run against each implementation (memory-bus.test.ts,
 * nats-bus.test.ts) so the embedded bus cannot drift from JetStream (ADR 0001). Every test
 * makes its own park id, stream and durable names and deletes its streams: a real server
 * keeps state between runs.
 *
 * @example
 * busContract('memory', async () => {
 *   const bus = createMemoryBus();
 *   return { bus, cleanup: () => bus.close() };
 * });
 */
export function busContract(name: string, makeBus: () => Promise<BusUnderTest>): void {
  describe(`Bus contract: ${name}`, () => {
    let env: BusUnderTest;
    let bus: Bus;
    let streams: string[];
    let consumers: Consumer[];

    beforeEach(async () => {
      env = await makeBus();
      bus = env.bus;
      streams = [];
      consumers = [];
    });

    afterEach(async () => {
      await Promise.all(consumers.map((c) => c.stop()));
      if (bus.isConnected()) for (const s of streams) await bus.deleteStream(s);
      await env.cleanup();
    });

    /** A fresh park with its telemetry stream. */
    async function freshPark(extra: Partial<StreamSpec> = {}) {
      const parkId = uniqueName('p');
      const spec: StreamSpec = { ...telemetryStream(parkId), ...extra };
      streams.push(spec.name);
      await bus.ensureStream(spec);
      return { parkId, spec, stream: spec.name, durable: storageConsumer(parkId), subject: (assetId: string) => subjects.telemetry(parkId, assetId) };
    }

    async function consume(options: ConsumeOptions, handler: BatchHandler): Promise<Consumer> {
      const c = await bus.consume(options, handler);
      consumers.push(c);
      return c;
    }

    async function publishMany(subjectOf: (i: number) => string, count: number, from = 0) {
      const acks = [];
      // Chunked so thousands of publishes do not all wait on one connection at once.
      for (let i = from; i < from + count; i += 200) {
        const chunk = [];
        for (let j = i; j < Math.min(i + 200, from + count); j++) chunk.push(bus.publish(subjectOf(j), enc(`m${j}`), { msgId: `m${j}` }));
        acks.push(...(await Promise.all(chunk)));
      }
      return acks;
    }

    const lagOf = (stream: string, durable: string) => bus.consumerLag(stream, durable);

    it('delivers to subscribers by NATS wildcards: * is one token, > one or more', async () => {
      const id = uniqueName('w');
      // Test-owned subjects: the product's subject scheme never needs tails of mixed depth.
      const root = `zcptest.${id}`;
      streams.push(`W_${id}`);
      await bus.ensureStream({ name: `W_${id}`, subjects: [`${root}.>`] });
      const patterns = [`${root}.*`, `${root}.a.*`, `${root}.a.>`, `${root}.*.b`, `${root}.>`, `${root}.y.>`, `zcptest.other_${id}.>`];
      const seen = new Map<string, string[]>(patterns.map((p) => [p, []]));
      const subs = patterns.map((p) => bus.subscribe(p, (m: BusMessage) => seen.get(p)?.push(`${m.subject.slice(root.length + 1)}=${dec(m.data)}`)));

      for (const tail of ['a', 'a.b', 'a.b.c', 'x']) await bus.publish(`${root}.${tail}`, enc(tail));
      // The catch-all sees everything last, so the others have had their chance too.
      await waitFor(() => seen.get(`${root}.>`)?.length === 4, { what: 'catch-all subscriber' });
      await sleep(50);

      expect(seen.get(`${root}.*`)).toEqual(['a=a', 'x=x']);
      expect(seen.get(`${root}.a.*`)).toEqual(['a.b=a.b']);
      expect(seen.get(`${root}.a.>`)).toEqual(['a.b=a.b', 'a.b.c=a.b.c']);
      expect(seen.get(`${root}.*.b`)).toEqual(['a.b=a.b']);
      expect(seen.get(`${root}.y.>`)).toEqual([]);
      expect(seen.get(`zcptest.other_${id}.>`)).toEqual([]);

      for (const s of subs) s.unsubscribe();
      await bus.publish(`${root}.a`, enc('after'));
      await sleep(QUIET_MS);
      expect(seen.get(`${root}.>`)).toHaveLength(4);
    });

    it('stores publishes with rising sequence numbers and a durable consumer gets each exactly once, in order', async () => {
      const p = await freshPark();
      const before = Date.now();
      const acks = await publishMany((i) => p.subject(`a${i % 5}`), 200);
      const after = Date.now();
      expect(new Set(acks.map((a) => a.stream))).toEqual(new Set([p.stream]));
      expect(acks.every((a) => !a.duplicate)).toBe(true);
      expect(acks.map((a) => a.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      const indexOf = new Map(acks.map((a, i) => [a.seq, i]));

      const r = recorder();
      await consume({ stream: p.stream, durable: p.durable, batchSize: 32, maxWaitMs: 50 }, r.handler);
      await waitFor(() => r.got.length >= 200, { what: '200 messages' });
      await waitFor(async () => (await lagOf(p.stream, p.durable)) === 0, { what: 'lag 0' });
      await sleep(QUIET_MS);

      expect(r.got.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(r.got.every((m) => m.deliveryCount === 1)).toBe(true);
      // The store time (the start of publish → commit latency); a server clock may be a little off.
      expect(r.got.every((m) => m.storedAtMs >= before - 1000 && m.storedAtMs <= after + 1000)).toBe(true);
      for (const m of r.got) {
        const i = indexOf.get(m.seq) ?? -1;
        expect([m.subject, dec(m.data)]).toEqual([p.subject(`a${i % 5}`), `m${i}`]);
      }
    });

    it('drops a repeated msgId inside the duplicate window', async () => {
      const p = await freshPark();
      const first = await bus.publish(p.subject('pv1'), enc('one'), { msgId: 'batch-1' });
      const again = await bus.publish(p.subject('pv1'), enc('one, resent'), { msgId: 'batch-1' });
      const other = await bus.publish(p.subject('pv1'), enc('two'), { msgId: 'batch-2' });
      expect(first).toEqual({ stream: p.stream, seq: 1, duplicate: false });
      expect(again).toEqual({ stream: p.stream, seq: 1, duplicate: true });
      expect(other).toEqual({ stream: p.stream, seq: 2, duplicate: false });

      const r = recorder();
      await consume({ stream: p.stream, durable: p.durable, maxWaitMs: 20 }, r.handler);
      await waitFor(() => r.got.some((m) => m.seq === other.seq), { what: 'second message' });
      await sleep(QUIET_MS);
      expect(r.got.map((m) => dec(m.data))).toEqual(['one', 'two']);
    });

    it('redelivers a batch whose handler threw, with a higher deliveryCount, until it is acked', async () => {
      const p = await freshPark();
      await publishMany(() => p.subject('pv1'), 5);
      let threw = 0;
      const acked: DurableMessage[] = [];
      await consume({ stream: p.stream, durable: p.durable, batchSize: 10, maxWaitMs: 50 }, async (batch) => {
        if (batch.some((m) => m.seq === 3) && threw === 0) {
          threw++;
          throw new Error('database unavailable');
        }
        acked.push(...batch);
      });
      await waitFor(() => new Set(acked.map((m) => m.seq)).size === 5, { what: 'all 5 acked' });
      await waitFor(async () => (await lagOf(p.stream, p.durable)) === 0, { what: 'lag 0' });
      await sleep(QUIET_MS);
      expect(threw).toBe(1);
      expect(acked.map((m) => m.seq).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(acked.find((m) => m.seq === 3)?.deliveryCount).toBe(2);
    });

    it('redelivers to another consumer when the ack wait passes without an ack', async () => {
      const p = await freshPark();
      let release = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const slow: DurableMessage[] = [];
      const options = { stream: p.stream, durable: p.durable, ackWaitMs: 1_000, batchSize: 1, maxWaitMs: 0 };
      await consume(options, async (batch) => {
        slow.push(...batch);
        await gate;
      });
      await bus.publish(p.subject('pv1'), enc('stuck'));
      await waitFor(() => slow.length === 1, { what: 'first delivery' });

      const other = recorder();
      await consume(options, other.handler);
      try {
        await waitFor(() => other.got.length === 1, { what: 'redelivery after ack wait', timeoutMs: 20_000 });
      } finally {
        release();
      }
      expect(other.got[0]).toMatchObject({ seq: slow[0]?.seq, deliveryCount: 2 });
      expect(dec(other.got[0]?.data ?? new Uint8Array())).toBe('stuck');
    });

    it('splits 2,000 messages between two consumers of one durable: no overlap, no loss', async () => {
      const p = await freshPark();
      const a = recorder();
      const b = recorder();
      const options = { stream: p.stream, durable: p.durable, batchSize: 50, maxWaitMs: 20 };
      await consume(options, a.handler);
      await consume(options, b.handler);
      await publishMany((i) => p.subject(`a${i % 7}`), 2_000);

      await waitFor(() => a.got.length + b.got.length >= 2_000, { what: '2,000 messages', timeoutMs: 20_000 });
      await waitFor(async () => (await lagOf(p.stream, p.durable)) === 0, { what: 'lag 0' });
      await sleep(QUIET_MS);

      const seqs = [...a.got, ...b.got].map((m) => m.seq);
      expect(seqs).toHaveLength(2_000);
      expect(new Set(seqs).size).toBe(2_000);
      expect(a.got.length).toBeGreaterThan(0);
      expect(b.got.length).toBeGreaterThan(0);
    });

    it('resumes a durable after stop() without loss or duplicates (relay restart)', async () => {
      const p = await freshPark();
      await publishMany(() => p.subject('pv1'), 600);
      const before: number[] = [];
      const options = { stream: p.stream, durable: p.durable, batchSize: 20, maxWaitMs: 20 };
      const first = await consume(options, async (batch) => {
        await sleep(10);
        before.push(...batch.map((m) => m.seq));
      });
      await waitFor(() => before.length >= 100, { what: 'first relay under way' });
      await first.stop();
      const handledBeforeStop = before.length;
      await publishMany(() => p.subject('pv2'), 400, 600);
      await sleep(QUIET_MS);
      expect(before).toHaveLength(handledBeforeStop);

      const after: number[] = [];
      await consume(options, async (batch) => {
        after.push(...batch.map((m) => m.seq));
      });
      await waitFor(() => before.length + after.length >= 1_000, { what: '1,000 messages across the restart' });
      await waitFor(async () => (await lagOf(p.stream, p.durable)) === 0, { what: 'lag 0' });
      await sleep(QUIET_MS);

      const all = [...before, ...after];
      expect(all).toHaveLength(1_000);
      expect(new Set(all).size).toBe(1_000);
      expect(after.length).toBeGreaterThanOrEqual(400);
    });

    it('loses nothing published while a caught-up consumer is stopping', async () => {
      const p = await freshPark();
      const options = { stream: p.stream, durable: p.durable, batchSize: 50, maxWaitMs: 20 };
      const before: number[] = [];
      const first = await consume(options, async (batch) => {
        before.push(...batch.map((m) => m.seq));
      });
      await publishMany(() => p.subject('pv1'), 50);
      await waitFor(() => before.length === 50, { what: 'caught up' });

      // The consumer now has a pull waiting: messages may reach it while it stops.
      const publishing = (async () => {
        for (let i = 50; i < 350; i += 10) {
          await publishMany(() => p.subject('pv1'), 10, i);
          await sleep(5);
        }
      })();
      await sleep(20);
      await first.stop();
      await publishing;
      const handledBeforeStop = before.length;

      const after: number[] = [];
      await consume(options, async (batch) => {
        after.push(...batch.map((m) => m.seq));
      });
      await waitFor(() => before.length + after.length >= 350, { what: '350 messages across the stop' });
      await sleep(QUIET_MS);
      expect(before).toHaveLength(handledBeforeStop);
      const all = [...before, ...after];
      expect(all).toHaveLength(350);
      expect(new Set(all).size).toBe(350);
    });

    it('stops handing batches while paused and catches up on resume', async () => {
      const p = await freshPark();
      const r = recorder();
      const c = await consume({ stream: p.stream, durable: p.durable, batchSize: 10, maxWaitMs: 20 }, r.handler);
      await publishMany(() => p.subject('pv1'), 10);
      await waitFor(() => r.got.length === 10, { what: 'first 10' });

      c.pause();
      await publishMany(() => p.subject('pv1'), 10, 10);
      await sleep(QUIET_MS);
      expect(r.got).toHaveLength(10);
      expect(await lagOf(p.stream, p.durable)).toBe(10);

      c.resume();
      await waitFor(() => r.got.length >= 20, { what: '20 after resume' });
      await waitFor(async () => (await lagOf(p.stream, p.durable)) === 0, { what: 'lag 0' });
      expect(new Set(r.got.map((m) => m.seq)).size).toBe(20);
    });

    it('reports consumer lag as pending plus unacked, falling to 0 once consumed', async () => {
      const p = await freshPark();
      let release = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const r = recorder();
      await consume({ stream: p.stream, durable: p.durable, batchSize: 10, maxWaitMs: 20 }, async (batch) => {
        await gate;
        await r.handler(batch);
      });
      await publishMany(() => p.subject('pv1'), 30);
      try {
        await waitFor(async () => (await lagOf(p.stream, p.durable)) === 30, { what: 'lag 30 while the handler is blocked' });
      } finally {
        release();
      }
      await waitFor(async () => (await lagOf(p.stream, p.durable)) === 0, { what: 'lag 0' });
      expect(r.got).toHaveLength(30);

      await expect(lagOf(p.stream, uniqueName('nobody'))).rejects.toMatchObject({ code: 'CONSUMER_NOT_FOUND' });
      await expect(lagOf(`NOPE_${uniqueName('s')}`, p.durable)).rejects.toMatchObject({ code: 'STREAM_NOT_FOUND' });
    });

    it('limits a durable to its filterSubject', async () => {
      const p = await freshPark();
      const r = recorder();
      const durable = uniqueName('pv1_only');
      await consume({ stream: p.stream, durable, filterSubject: p.subject('pv1'), maxWaitMs: 20 }, r.handler);
      await publishMany((i) => p.subject(i % 2 === 0 ? 'pv1' : 'pv2'), 20);
      await waitFor(() => r.got.length >= 10, { what: '10 pv1 messages' });
      await waitFor(async () => (await lagOf(p.stream, durable)) === 0, { what: 'lag 0' });
      await sleep(QUIET_MS);
      expect(r.got).toHaveLength(10);
      expect(new Set(r.got.map((m) => m.subject))).toEqual(new Set([p.subject('pv1')]));
    });

    it('ensureStream is idempotent, keeps messages, updates subjects and refuses overlaps', async () => {
      const p = await freshPark();
      await bus.ensureStream(p.spec);
      expect((await bus.publish(p.subject('pv1'), enc('1'))).seq).toBe(1);
      await bus.ensureStream(p.spec);
      expect((await bus.publish(p.subject('pv1'), enc('2'))).seq).toBe(2);
      await bus.ensureStream({ ...p.spec, duplicateWindowMs: 60_000, maxAgeMs: 3_600_000, maxBytes: 10_000_000 });
      expect((await bus.publish(p.subject('pv1'), enc('3'))).seq).toBe(3);

      const carbon = subjects.carbon(p.parkId, 'e1');
      await expect(bus.publish(carbon, enc('x'))).rejects.toMatchObject({ code: 'NO_STREAM' });
      await bus.ensureStream({ ...p.spec, subjects: [...p.spec.subjects, carbon] });
      expect(await bus.publish(carbon, enc('4'))).toEqual({ stream: p.stream, seq: 4, duplicate: false });

      const clash = `CLASH_${uniqueName('s')}`;
      streams.push(clash);
      await expect(bus.ensureStream({ name: clash, subjects: [p.subject('pv1')] })).rejects.toMatchObject({ code: 'STREAM_CONFLICT' });
    });

    it('deleteStream removes the stream and its consumers; deleting a missing stream is fine', async () => {
      const p = await freshPark();
      await bus.publish(p.subject('pv1'), enc('1'));
      const r = recorder();
      await consume({ stream: p.stream, durable: p.durable, maxWaitMs: 20 }, r.handler);
      await waitFor(() => r.got.length === 1, { what: 'first message' });

      await bus.deleteStream(p.stream);
      await bus.deleteStream(p.stream);
      await expect(bus.publish(p.subject('pv1'), enc('2'))).rejects.toMatchObject({ code: 'NO_STREAM' });
      await expect(lagOf(p.stream, p.durable)).rejects.toMatchObject({ code: 'STREAM_NOT_FOUND' });
      await expect(bus.consume({ stream: p.stream, durable: p.durable }, r.handler)).rejects.toMatchObject({ code: 'STREAM_NOT_FOUND' });

      await bus.ensureStream(p.spec);
      expect((await bus.publish(p.subject('pv1'), enc('again'))).seq).toBe(1);
    });

    it('publishEphemeral delivers to subscribers in order without any stream, and stores nothing elsewhere', async () => {
      const p = await freshPark();
      // A document subject: no stream captures it (the telemetry stream holds park.{id}.telemetry.>).
      const subject = subjects.doc(p.parkId, 'park');
      const got: string[] = [];
      const other: string[] = [];
      const sub = bus.subscribe(subject, (m) => got.push(`${m.subject}|${dec(m.data)}`));
      bus.subscribe(`park.${p.parkId}.telemetry.>`, (m) => other.push(m.subject));
      for (let i = 0; i < 50; i++) bus.publishEphemeral(subject, enc(`e${i}`));
      await waitFor(() => got.length === 50, { what: '50 ephemeral messages' });
      expect(got).toEqual(Array.from({ length: 50 }, (_, i) => `${subject}|e${i}`));
      sub.unsubscribe();
      bus.publishEphemeral(subject, enc('after unsubscribe'));
      await sleep(QUIET_MS);
      expect(got).toHaveLength(50);
      expect(other).toEqual([]);
      // Nothing reached the park's stream.
      const r = recorder();
      await consume({ stream: p.stream, durable: p.durable, maxWaitMs: 20 }, r.handler);
      await sleep(QUIET_MS);
      expect(r.got).toEqual([]);
      expect(() => bus.publishEphemeral(`park.${p.parkId}.doc.*`, enc('x'))).toThrow(expect.objectContaining({ code: 'INVALID_SUBJECT' }));
    });

    it('refuses wildcard publish subjects and invalid durable names', async () => {
      const p = await freshPark();
      await expect(bus.publish(`park.${p.parkId}.telemetry.*`, enc('x'))).rejects.toMatchObject({ code: 'INVALID_SUBJECT' });
      await expect(bus.publish(`park..telemetry`, enc('x'))).rejects.toMatchObject({ code: 'INVALID_SUBJECT' });
      await expect(bus.consume({ stream: p.stream, durable: 'has.dot' }, async () => {})).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
      await expect(bus.consume({ stream: p.stream, durable: p.durable, batchSize: 0 }, async () => {})).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    });

    it('close() is idempotent, reports disconnected, and refuses further use', async () => {
      expect(bus.isConnected()).toBe(true);
      await bus.close();
      await bus.close();
      expect(bus.isConnected()).toBe(false);
      await expect(bus.publish(subjects.telemetry('closed', 'pv1'), enc('x'))).rejects.toMatchObject({ code: 'CLOSED' });
      expect(() => bus.publishEphemeral(subjects.doc('closed', 'park'), enc('x'))).toThrow(expect.objectContaining({ code: 'CLOSED' }));
      let thrown: unknown;
      try {
        bus.subscribe('park.>', () => {});
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toMatchObject({ code: 'CLOSED' });
    });
  });
}
