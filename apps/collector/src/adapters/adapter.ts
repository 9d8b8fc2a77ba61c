import type { Reading } from '@zcp/model';
import type { ErrorInfo } from '../errors.js';

/**
 * One interface for every field protocol the collector speaks — Modbus TCP today; Modbus
 * RTU, OPC UA, MQTT (JSON, Sparkplug B) and HTTP push later. The collector only sees
 * readings grouped by asset; how they were obtained (polling, subscriptions, pushes) stays
 * inside the adapter. Every implementation must pass the contract suite in
 * `adapter-contract.ts`.
 *
 * Rules every adapter keeps:
 * 1. `start` resolves once the adapter is running, even when the device is unreachable —
 *    it then keeps retrying on its own (with backoff) and reports bad quality meanwhile.
 *    It rejects only for errors no retry can fix (bad configuration).
 * 2. Each delivery to the sink holds readings of one asset; a reading's `ts` is when the
 *    value was acquired (epoch ms), its `quality` says whether it can be trusted.
 * 3. When a point cannot be read, the adapter still delivers it — last known value,
 *    quality `bad` — so consumers can tell "device silent" from "value unchanged".
 * 4. The sink is called synchronously and must not throw; adapters never await it.
 * 5. `stop` ends all timers, sockets and in-flight work; no sink call happens after it
 *    resolves. Stopping twice is harmless.
 * 6. `write` resolves with a result (never rejects) and confirms by reading back.
 */
export type AdapterProtocol = 'modbus-tcp' | 'modbus-rtu' | 'modbus-rtu-over-tcp' | 'opc-ua' | 'mqtt' | 'http-push';

export interface ReadingMeta {
  assetId: string;
}

export type ReadingSink = (readings: Reading[], meta: ReadingMeta) => void;

/** What happened during one acquisition cycle (a poll, or a flush of pushed data). */
export interface PollReport {
  adapterId: string;
  /** Epoch ms the cycle started. */
  startedAt: number;
  durationMs: number;
  /** Protocol requests sent (0 while disconnected). */
  requests: number;
  pointsGood: number;
  pointsBad: number;
  /** Requests that failed (exception, timeout, connection lost). */
  errors: number;
}

/** Optional hooks for the collector's metrics and logs; adapters call them synchronously. */
export interface AdapterObserver {
  pollCompleted?(report: PollReport): void;
  connectionChanged?(event: { adapterId: string; connected: boolean; error?: ErrorInfo }): void;
}

export type AdapterState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'stopped';

export interface AdapterStatus {
  id: string;
  protocol: AdapterProtocol;
  state: AdapterState;
  /** Acquisition cycles completed. */
  polls: number;
  /** Cycles that took longer than their interval (the next one started late, never overlapped). */
  overruns: number;
  /** Protocol requests sent, and how many failed. */
  requests: number;
  requestErrors: number;
  /** Point values delivered with quality good / bad. */
  pointsRead: number;
  pointsBad: number;
  /** Successful connections after the first. */
  reconnects: number;
  lastPollDurationMs?: number;
  lastError?: ErrorInfo & { at: number };
}

export interface WriteResult {
  /** True when the device acknowledged the write and the read-back matches it. */
  ok: boolean;
  /** The value read back after writing (when the read-back happened). */
  readBack?: number;
  error?: ErrorInfo;
}

export interface ProtocolAdapter {
  readonly id: string;
  readonly protocol: AdapterProtocol;
  /** Whether this adapter reads (and may write) a point — routes writes to the right adapter. */
  handles(pointId: number): boolean;
  start(sink: ReadingSink, observer?: AdapterObserver): Promise<void>;
  stop(): Promise<void>;
  /** Writes a setpoint and reads it back; absent on read-only protocols. */
  write?(pointId: number, value: number): Promise<WriteResult>;
  status(): AdapterStatus;
}

/** The status of an adapter that has not started yet: every counter at zero. */
export function initialAdapterStatus(id: string, protocol: AdapterProtocol): AdapterStatus {
  return { id, protocol, state: 'idle', polls: 0, overruns: 0, requests: 0, requestErrors: 0, pointsRead: 0, pointsBad: 0, reconnects: 0 };
}
