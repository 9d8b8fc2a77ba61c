import { subjectMatches } from '@zcp/model';
import type { StreamSpec } from '../bus.js';
import { DEFAULT_DUPLICATE_WINDOW_MS } from './stream-defaults.js';

export interface StoredMessage {
  seq: number;
  subject: string;
  data: Uint8Array;
  storedAtMs: number;
}

/**
 * One stream held in memory the way JetStream's limits retention keeps it: sequence numbers
 * from 1, message ids remembered for the duplicate window, the oldest messages discarded when
 * `maxAgeMs` or `maxBytes` is exceeded. Acked messages stay (as in JetStream); only limits
 * remove them. Limits are enforced when a message is appended or read, not on a timer.
 */
export class MemoryStream {
  private readonly messages = new Map<number, StoredMessage>();
  // Insertion order is publication order, so expired ids are always at the front.
  private readonly ids = new Map<string, { seq: number; atMs: number }>();
  private bytes = 0;
  firstSeq = 1;
  lastSeq = 0;

  constructor(
    public spec: StreamSpec,
    private readonly now: () => number,
  ) {}

  captures(subject: string): boolean {
    return this.spec.subjects.some((p) => subjectMatches(p, subject));
  }

  /** Stores a message, or reports the earlier one when `msgId` is inside the window. */
  append(subject: string, data: Uint8Array, msgId?: string): { seq: number; duplicate: boolean } {
    const nowMs = this.now();
    this.forgetIds(nowMs);
    if (msgId !== undefined) {
      const seen = this.ids.get(msgId);
      if (seen) return { seq: seen.seq, duplicate: true };
    }
    const seq = ++this.lastSeq;
    // Copied so a publisher reusing its buffer cannot change what was stored.
    this.messages.set(seq, { seq, subject, data: data.slice(), storedAtMs: nowMs });
    this.bytes += sizeOf(subject, data);
    if (msgId !== undefined) this.ids.set(msgId, { seq, atMs: nowMs });
    this.applyLimits(nowMs);
    return { seq, duplicate: false };
  }

  get(seq: number): StoredMessage | undefined {
    this.applyLimits(this.now());
    return this.messages.get(seq);
  }

  get size(): number {
    this.applyLimits(this.now());
    return this.messages.size;
  }

  private forgetIds(nowMs: number): void {
    const requestedMs = this.spec.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
    const maxAgeMs = this.spec.maxAgeMs ?? 0;
    // As JetStream does: an id is not remembered longer than its message is kept.
    const windowMs = maxAgeMs > 0 ? Math.min(requestedMs, maxAgeMs) : requestedMs;
    for (const [id, seen] of this.ids) {
      if (nowMs - seen.atMs < windowMs) break;
      this.ids.delete(id);
    }
  }

  private applyLimits(nowMs: number): void {
    const { maxAgeMs, maxBytes } = this.spec;
    while (this.firstSeq <= this.lastSeq) {
      const oldest = this.messages.get(this.firstSeq);
      if (oldest) {
        const tooOld = maxAgeMs !== undefined && maxAgeMs > 0 && nowMs - oldest.storedAtMs >= maxAgeMs;
        const tooBig = maxBytes !== undefined && maxBytes >= 0 && this.bytes > maxBytes;
        if (!tooOld && !tooBig) return;
        this.messages.delete(this.firstSeq);
        this.bytes -= sizeOf(oldest.subject, oldest.data);
      }
      this.firstSeq++;
    }
  }
}

// JetStream also counts headers and framing; subject plus payload is close enough for a
// limit that exists to bound memory.
function sizeOf(subject: string, data: Uint8Array): number {
  return subject.length + data.byteLength;
}
