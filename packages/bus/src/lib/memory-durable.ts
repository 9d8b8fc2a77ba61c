import { subjectMatches } from '@zcp/model';
import type { MemoryStream, StoredMessage } from './memory-stream.js';
import type { TimerHandle, TimerSet } from './timer-set.js';

/** One message handed out by a durable, tagged with the delivery it belongs to. */
export interface Delivery {
  seq: number;
  subject: string;
  data: Uint8Array;
  deliveryCount: number;
  storedAtMs: number;
  /** Distinguishes this delivery from a later redelivery of the same message. */
  token: number;
}

/** A batch handed to one puller; settle it with `ack` or `nak`. */
export interface Lease {
  deliveries: Delivery[];
  ackTimer: TimerHandle | undefined;
  settled: boolean;
}

export interface PullHandle {
  /** The filled batch, or undefined when the pull was withdrawn or the durable removed. */
  result: Promise<Lease | undefined>;
  /** Withdraws the pull; messages it already took go back for redelivery at once. */
  cancel(): void;
}

export interface DurableConfig {
  filterSubject?: string | undefined;
  ackWaitMs: number;
}

interface Pending {
  deliveryCount: number;
  token: number;
  /** True while a puller holds it; false while it waits (nak delay or redelivery queue). */
  out: boolean;
}

interface PullRequest {
  max: number;
  maxWaitMs: number;
  taken: Delivery[];
  timer: TimerHandle | undefined;
  done: boolean;
  resolve(lease: Lease | undefined): void;
}

/**
 * A durable pull consumer in memory, modelled on JetStream's: every puller sharing the name
 * queues a pull request; messages go to the oldest request until it is full or `maxWaitMs`
 * after its first message (work-queue: each delivery goes to exactly one puller). A delivery
 * not acked within `ackWaitMs` of being handed over, or nak'ed, is redelivered with a higher
 * `deliveryCount`. Acks are by stream sequence, as JetStream's are.
 */
export class MemoryDurable {
  private nextSeq = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly redeliver: number[] = [];
  private readonly waiting: PullRequest[] = [];
  private tokens = 0;
  private disposed = false;

  constructor(
    private readonly stream: MemoryStream,
    public config: DurableConfig,
    private readonly timers: TimerSet,
  ) {}

  pull(max: number, maxWaitMs: number): PullHandle {
    let request: PullRequest | undefined;
    const result = new Promise<Lease | undefined>((resolve) => {
      request = { max, maxWaitMs, taken: [], timer: undefined, done: false, resolve };
    });
    const req = request as PullRequest;
    if (this.disposed) {
      req.resolve(undefined);
      return { result, cancel: () => {} };
    }
    this.waiting.push(req);
    this.dispatch();
    return { result, cancel: () => this.withdraw(req) };
  }

  ack(lease: Lease): void {
    if (lease.settled) return;
    lease.settled = true;
    this.timers.clear(lease.ackTimer);
    for (const d of lease.deliveries) this.pending.delete(d.seq);
  }

  /** Negative ack: the lease's messages are redelivered after `delayMs`. */
  nak(lease: Lease, delayMs: number): void {
    if (lease.settled) return;
    lease.settled = true;
    this.timers.clear(lease.ackTimer);
    this.release(lease.deliveries, delayMs);
  }

  /** Messages not yet acked: never delivered (matching the filter) plus delivered and unacked. */
  lag(): number {
    let n = 0;
    for (let seq = Math.max(this.nextSeq, this.stream.firstSeq); seq <= this.stream.lastSeq; seq++) {
      const m = this.stream.get(seq);
      if (m && this.accepts(m.subject)) n++;
    }
    for (const seq of this.pending.keys()) if (this.stream.get(seq)) n++;
    return n;
  }

  /** New messages may be deliverable; hand them to waiting pulls. */
  dispatch(): void {
    while (!this.disposed && this.waiting.length > 0) {
      const req = this.waiting[0] as PullRequest;
      const d = this.nextDelivery();
      if (!d) return;
      req.taken.push(d);
      if (req.taken.length >= req.max) {
        this.waiting.shift();
        this.finish(req);
      } else if (req.taken.length === 1) {
        req.timer = this.timers.set(req.maxWaitMs, () => {
          this.removeWaiting(req);
          this.finish(req);
        });
      }
    }
  }

  /** The stream was deleted: pending pulls end empty and nothing more is delivered. */
  dispose(): void {
    this.disposed = true;
    for (const req of this.waiting.splice(0)) {
      this.timers.clear(req.timer);
      req.done = true;
      req.resolve(undefined);
    }
  }

  private accepts(subject: string): boolean {
    const f = this.config.filterSubject;
    return f === undefined || subjectMatches(f, subject);
  }

  private nextDelivery(): Delivery | undefined {
    while (this.redeliver.length > 0) {
      const seq = this.redeliver.shift() as number;
      const p = this.pending.get(seq);
      if (!p || p.out) continue;
      const m = this.stream.get(seq);
      if (!m) {
        // Discarded by a stream limit while waiting for redelivery.
        this.pending.delete(seq);
        continue;
      }
      p.deliveryCount++;
      p.token = ++this.tokens;
      p.out = true;
      return toDelivery(m, p);
    }
    if (this.nextSeq < this.stream.firstSeq) this.nextSeq = this.stream.firstSeq;
    while (this.nextSeq <= this.stream.lastSeq) {
      const m = this.stream.get(this.nextSeq++);
      if (!m || !this.accepts(m.subject)) continue;
      const p: Pending = { deliveryCount: 1, token: ++this.tokens, out: true };
      this.pending.set(m.seq, p);
      return toDelivery(m, p);
    }
    return undefined;
  }

  private finish(req: PullRequest): void {
    if (req.done) return;
    req.done = true;
    this.timers.clear(req.timer);
    const lease: Lease = { deliveries: req.taken, ackTimer: undefined, settled: false };
    // The ack wait counts from the hand-over to the puller, which is when its handler starts.
    lease.ackTimer = this.timers.set(this.config.ackWaitMs, () => this.expire(lease));
    req.resolve(lease);
  }

  private withdraw(req: PullRequest): void {
    if (req.done) return;
    req.done = true;
    this.removeWaiting(req);
    this.timers.clear(req.timer);
    req.resolve(undefined);
    if (req.taken.length > 0) this.release(req.taken, 0);
  }

  private removeWaiting(req: PullRequest): void {
    const i = this.waiting.indexOf(req);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  /** The ack wait passed: the deliveries still out go back to the queue (the lease may still ack). */
  private expire(lease: Lease): void {
    lease.ackTimer = undefined;
    if (lease.settled) return;
    for (const d of lease.deliveries) {
      const p = this.pending.get(d.seq);
      if (p && p.token === d.token && p.out) {
        p.out = false;
        this.redeliver.push(d.seq);
      }
    }
    this.dispatch();
  }

  private release(deliveries: Delivery[], delayMs: number): void {
    const due = deliveries.filter((d) => {
      const p = this.pending.get(d.seq);
      return p !== undefined && p.token === d.token && p.out;
    });
    for (const d of due) (this.pending.get(d.seq) as Pending).out = false;
    const requeue = () => {
      for (const d of due) {
        const p = this.pending.get(d.seq);
        if (p && p.token === d.token && !p.out) this.redeliver.push(d.seq);
      }
      this.dispatch();
    };
    if (delayMs <= 0) requeue();
    else this.timers.set(delayMs, requeue);
  }
}

function toDelivery(m: StoredMessage, p: Pending): Delivery {
  return { seq: m.seq, subject: m.subject, data: m.data, deliveryCount: p.deliveryCount, storedAtMs: m.storedAtMs, token: p.token };
}
