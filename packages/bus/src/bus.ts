/**
 * The message bus, as the collector and the relay see it. Two implementations keep one
 * contract (src/bus-contract.ts): NATS JetStream (`NATS_URL` set) and an in-process bus with
 * the same subject semantics for the embedded default.
 */

export interface BusMessage {
  subject: string;
  data: Uint8Array;
}

export interface DurableMessage extends BusMessage {
  /** Stream sequence number. */
  seq: number;
  /** 1 on first delivery, >1 when redelivered. */
  deliveryCount: number;
  /** When the stream stored the message (epoch ms): publish → commit latency starts here. */
  storedAtMs: number;
}

export interface StreamSpec {
  name: string;
  subjects: string[];
  /** JetStream de-duplication window for message ids. Default 2 minutes. */
  duplicateWindowMs?: number;
  /** Discard messages older than this. Default: keep until limits. */
  maxAgeMs?: number;
  /** Max bytes kept in the stream. Default: unlimited. */
  maxBytes?: number;
}

export interface PublishAck {
  stream: string;
  seq: number;
  /** True when the server recognised the message id inside the duplicate window. */
  duplicate: boolean;
}

export interface ConsumeOptions {
  stream: string;
  /** Durable name: every caller with the same name shares one consumer (work-queue style). */
  durable: string;
  filterSubject?: string;
  /** Redeliver a message not acked within this time. Default 30 s. */
  ackWaitMs?: number;
  /** Most messages handed to the handler at once. Default 256. */
  batchSize?: number;
  /** Longest wait for a batch to fill, ms. Default 200. */
  maxWaitMs?: number;
}

/**
 * Handles one batch. When it resolves every message in the batch is acked; when it throws,
 * every message is negatively acked and redelivered later. So ack-after-commit is simply:
 * commit inside the handler.
 */
export type BatchHandler = (batch: DurableMessage[]) => Promise<void>;

export interface Consumer {
  /** Stops pulling; in-flight handler completes (and acks) first. */
  stop(): Promise<void>;
  /** Pause pulling without giving up the consumer (backpressure). */
  pause(): void;
  resume(): void;
}

export interface Subscription {
  unsubscribe(): void;
}

export interface Bus {
  readonly kind: 'nats' | 'memory';
  /** Creates the stream or updates its subjects and limits; idempotent. */
  ensureStream(spec: StreamSpec): Promise<void>;
  /** Deletes a stream and its consumers; no error when it does not exist. */
  deleteStream(name: string): Promise<void>;
  /** Stored publish: resolves once the stream has the message. `msgId` de-duplicates. */
  publish(subject: string, data: Uint8Array, options?: { msgId?: string }): Promise<PublishAck>;
  /**
   * Core (non-JetStream) publish: fire-and-forget to current subscribers, no acknowledgement,
   * nothing stored — meant for subjects no stream captures (e.g. `subjects.doc`, Yjs traffic
   * between relays that PostgreSQL already holds). A subscriber that is not connected right now
   * misses the message. Throws `INVALID_SUBJECT` / `CLOSED` like `publish`.
   */
  publishEphemeral(subject: string, data: Uint8Array): void;
  /** Every subscriber whose pattern matches receives every message (stored publishes included). */
  subscribe(pattern: string, handler: (msg: BusMessage) => void): Subscription;
  /** Pulls from a durable consumer (created on first use) and hands batches to `handler`. */
  consume(options: ConsumeOptions, handler: BatchHandler): Promise<Consumer>;
  /** Messages the durable consumer has not yet had acked (pending + unacked). */
  consumerLag(stream: string, durable: string): Promise<number>;
  isConnected(): boolean;
  close(): Promise<void>;
}
