import type { Quality, Reading } from '@zcp/model';
import { CollectorError, type ErrorInfo, errorInfo, toCollectorError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../../system.js';
import { type AdapterObserver, type AdapterProtocol, type AdapterState, type AdapterStatus, initialAdapterStatus, type ReadingSink } from '../adapter.js';

export const DEFAULT_FLUSH_INTERVAL_MS = 1000;

/**
 * What the push-based adapters (MQTT JSON, Sparkplug B) share: readings arrive whenever the
 * broker delivers them and are buffered, then handed to the sink per asset every
 * `flushIntervalMs` — one "acquisition cycle" in the adapter contract's terms, reported to
 * the observer when it carried anything. While disconnected every flush delivers every point
 * with its last value and quality bad (rule 3), like a failed Modbus poll.
 */
export interface PushCore {
  readonly status: AdapterStatus;
  /** Buffers one reading for the next flush; also settles read-back waiters. */
  record(pointId: number, value: number, quality: Quality, ts: number): void;
  /** Marks points bad with their last value now (device death, unusable payload). */
  markBad(pointIds: Iterable<number>): void;
  /** One protocol message received (the `requests` of a cycle). */
  countMessage(): void;
  noteError(err: ErrorInfo): void;
  setConnected(connected: boolean, error?: CollectorError): void;
  lastValue(pointId: number): number | undefined;
  /** Resolves with the first good value of the point that `matches`, or undefined after `timeoutMs`. */
  waitForValue(pointId: number, matches: (v: number) => boolean, timeoutMs: number): Promise<number | undefined>;
  begin(sink: ReadingSink, observer: AdapterObserver | undefined): void;
  isStopped(): boolean;
  /** Ends the flush timer and waiters; no sink call after it returns. */
  end(): void;
  snapshot(): AdapterStatus;
}

export function createPushCore(options: {
  id: string;
  protocol: AdapterProtocol;
  /** Every point the adapter delivers, with its asset. */
  assetOf: ReadonlyMap<number, string>;
  flushIntervalMs: number;
  /**
   * A point with no good value for this long while connected is delivered once with its last
   * value and quality `stale` (a device that went quiet without the broker noticing). Off by default.
   */
  staleAfterMs?: number;
  clock: Clock;
  logger: Logger;
}): PushCore {
  const { id, assetOf, clock, logger } = options;
  if (!(options.flushIntervalMs > 0)) throw new CollectorError('config_invalid', 'flushIntervalMs must be positive');
  const status: AdapterStatus = initialAdapterStatus(id, options.protocol);
  const last = new Map<number, number>();
  /** When each point last had a good value (or when the connection came up, before its first). */
  const freshAt = new Map<number, number>();
  const staleNow = new Set<number>();
  const staleAfterMs = options.staleAfterMs;
  let buffer = new Map<string, Reading[]>();
  let messages = 0;
  let sink: ReadingSink | undefined;
  let observer: AdapterObserver = {};
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopped = false;
  let everConnected = false;
  const waiters = new Set<{ pointId: number; matches: (v: number) => boolean; resolve: (v: number | undefined) => void }>();

  const push = (pointId: number, value: number, quality: Quality, ts: number) => {
    const assetId = assetOf.get(pointId);
    if (assetId === undefined) return;
    let list = buffer.get(assetId);
    if (!list) {
      list = [];
      buffer.set(assetId, list);
    }
    list.push({ pointId, value, quality, ts: Math.max(0, Math.round(ts)) });
  };

  const flush = () => {
    if (stopped) return;
    const startedAt = clock();
    if (status.state !== 'connected') for (const pointId of assetOf.keys()) push(pointId, last.get(pointId) ?? 0, 'bad', startedAt);
    else if (staleAfterMs !== undefined) {
      for (const [pointId, at] of freshAt) {
        if (startedAt - at <= staleAfterMs || staleNow.has(pointId)) continue;
        staleNow.add(pointId);
        push(pointId, last.get(pointId) ?? 0, 'stale', startedAt);
      }
    }
    // A cycle is reported only when it delivers something; messages that gave no reading
    // (births of unmapped metrics, commands) count towards the next one.
    if (buffer.size === 0) return;
    const batch = buffer;
    const requests = messages;
    buffer = new Map();
    messages = 0;
    let good = 0;
    let bad = 0;
    for (const [assetId, readings] of batch) {
      for (const r of readings) {
        if (r.quality === 'good') good++;
        else bad++;
      }
      try {
        sink?.(readings, { assetId });
      } catch (e) {
        logger.error({ assetId, err: toCollectorError(e).message }, 'reading sink threw; readings of this flush lost for the asset');
      }
    }
    status.polls++;
    status.pointsRead += good;
    status.pointsBad += bad;
    const durationMs = clock() - startedAt;
    status.lastPollDurationMs = durationMs;
    observer.pollCompleted?.({ adapterId: id, startedAt, durationMs, requests, pointsGood: good, pointsBad: bad, errors: 0 });
  };

  const core: PushCore = {
    status,
    record(pointId, value, quality, ts) {
      if (stopped || !assetOf.has(pointId)) return;
      if (quality === 'good') {
        last.set(pointId, value);
        freshAt.set(pointId, clock());
        staleNow.delete(pointId);
        for (const w of waiters) {
          if (w.pointId === pointId && w.matches(value)) {
            waiters.delete(w);
            w.resolve(value);
          }
        }
      }
      push(pointId, quality === 'good' ? value : (last.get(pointId) ?? 0), quality, ts);
    },
    markBad(pointIds) {
      const now = clock();
      for (const p of pointIds) core.record(p, 0, 'bad', now);
    },
    countMessage() {
      messages++;
      status.requests++;
    },
    noteError(err) {
      status.requestErrors++;
      status.lastError = { ...err, at: clock() };
    },
    setConnected(connected, error) {
      if (stopped) return;
      if (connected) {
        if (everConnected) status.reconnects++;
        everConnected = true;
        status.state = 'connected';
        // Staleness counts from now: time spent disconnected was already reported as bad.
        const now = clock();
        for (const pointId of assetOf.keys()) freshAt.set(pointId, now);
        staleNow.clear();
      } else {
        status.state = 'disconnected';
        if (error) status.lastError = { ...errorInfo(error), at: clock() };
      }
      observer.connectionChanged?.({ adapterId: id, connected, error: error ? errorInfo(error) : undefined });
    },
    lastValue: (pointId) => last.get(pointId),
    waitForValue(pointId, matches, timeoutMs) {
      return new Promise((resolve) => {
        const w = {
          pointId,
          matches,
          resolve: (v: number | undefined) => {
            clearTimeout(t);
            resolve(v);
          },
        };
        const t = setTimeout(() => {
          waiters.delete(w);
          resolve(undefined);
        }, timeoutMs);
        waiters.add(w);
      });
    },
    begin(s, o) {
      if (status.state !== 'idle' || stopped) throw new CollectorError('already_started', `adapter ${id} was already started`);
      sink = s;
      observer = o ?? {};
      status.state = 'connecting';
      timer = setInterval(flush, options.flushIntervalMs);
    },
    isStopped: () => stopped,
    end() {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      sink = undefined;
      for (const w of waiters) w.resolve(undefined);
      waiters.clear();
      status.state = 'stopped';
    },
    snapshot: () => ({ ...status, state: (stopped ? 'stopped' : status.state) as AdapterState }),
  };
  return core;
}
