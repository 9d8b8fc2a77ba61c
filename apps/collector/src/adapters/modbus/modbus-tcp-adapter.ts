import type { EventEmitter } from 'node:events';
import type { Quality, Reading } from '@zcp/model';
import ModbusSerial from 'modbus-serial';
import { CollectorError, type ErrorInfo, errorInfo, toCollectorError } from '../../errors.js';
import { type Logger, silentLogger } from '../../logger.js';
import { decodeRegisters, encodeRegisters } from '../../modbus/codec.js';
import { planReads, type ReadBlock } from '../../modbus/read-plan.js';
import type { RegisterMap, RegisterMapEntry } from '../../modbus/register-map.js';
import { type Clock, type Random, systemClock, systemRandom } from '../../system.js';
import type { AdapterObserver, AdapterState, AdapterStatus, ProtocolAdapter, ReadingSink, WriteResult } from '../adapter.js';
import { type BackoffOptions, backoffDelayMs } from '../backoff.js';

export const DEFAULT_POLL_INTERVAL_MS = 1000;
export const DEFAULT_MODBUS_TIMEOUT_MS = 1000;
/** After this many timeouts in a row the link is presumed dead (half-open TCP) and rebuilt. */
export const DEFAULT_MAX_CONSECUTIVE_TIMEOUTS = 3;

export interface ModbusTcpAdapterOptions {
  /** Adapter id in logs, metrics and status. Default `modbus-tcp:${host}:${port}`. */
  id?: string;
  host: string;
  port: number;
  registerMap: RegisterMap;
  pollIntervalMs?: number;
  /** Per-request response timeout (and TCP connect timeout), ms. */
  timeoutMs?: number;
  maxRegistersPerRead?: number;
  maxGapRegisters?: number;
  reconnect?: BackoffOptions;
  maxConsecutiveTimeouts?: number;
  logger?: Logger;
  clock?: Clock;
  /** Jitter source for reconnect backoff. */
  random?: Random;
}

// modbus-serial is CommonJS with an ESM-style d.ts: under NodeNext the default import is
// `module.exports`, and the client class is also `module.exports.default` (same object).
const ModbusRTU = ModbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

/**
 * Polls Modbus TCP devices through one connection: the register map is coalesced into reads
 * of ≤ 125 registers per unit, read in sequence every `pollIntervalMs` (a poll never
 * overlaps the previous one; a late poll counts as an overrun), decoded and delivered per
 * asset. A failed read (exception, timeout, lost connection) delivers that block's points
 * with their last value and quality bad; a lost connection is rebuilt with exponential
 * backoff and jitter. Requests are strictly sequential on the connection: modbus-serial's
 * TCP framing does not reassemble responses split across TCP segments, so pipelining is
 * not safe — run one adapter per gateway to read devices in parallel.
 *
 * @example
 * const adapter = createModbusTcpAdapter({ host: '127.0.0.1', port, registerMap })
 * await adapter.start((readings, { assetId }) => publish(assetId, readings))
 * await adapter.write?.(setpointPointId, -500) // { ok: true, readBack: -500 }
 */
export function createModbusTcpAdapter(options: ModbusTcpAdapterOptions): ProtocolAdapter {
  const { host, port, registerMap } = options;
  const id = options.id ?? `modbus-tcp:${host}:${port}`;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_MODBUS_TIMEOUT_MS;
  const maxConsecutiveTimeouts = options.maxConsecutiveTimeouts ?? DEFAULT_MAX_CONSECUTIVE_TIMEOUTS;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const logger = (options.logger ?? silentLogger).child({ adapter: id });
  if (!(pollIntervalMs > 0) || !(timeoutMs > 0)) throw new CollectorError('config_invalid', 'pollIntervalMs and timeoutMs must be positive');

  const blocks = planReads(registerMap.entries, { maxRegisters: options.maxRegistersPerRead, maxGapRegisters: options.maxGapRegisters });
  const entryByPoint = new Map<number, RegisterMapEntry>(registerMap.entries.map((e) => [e.pointId, e]));
  const lastValue = new Map<number, number>();
  /** Last error code per block, so a persistent failure is logged once, not every poll. */
  const blockError = new Map<ReadBlock, string>();

  const status: AdapterStatus = {
    id,
    protocol: 'modbus-tcp',
    state: 'idle',
    polls: 0,
    overruns: 0,
    requests: 0,
    requestErrors: 0,
    pointsRead: 0,
    pointsBad: 0,
    reconnects: 0,
  };
  let sink: ReadingSink | undefined;
  let observer: AdapterObserver = {};
  let client: Client | undefined;
  let stopped = false;
  let everConnected = false;
  let reconnectAttempt = 0;
  let consecutiveTimeouts = 0;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let connecting: Promise<void> | undefined;
  let polling: Promise<void> | undefined;

  // One request at a time on the connection (polls and writes interleave between requests).
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const request = <T>(c: Client, unitId: number, fn: (c: Client) => Promise<T>): Promise<T> => {
    status.requests++;
    return exclusive(() => {
      // setID and the request are issued synchronously together: the unit id is captured
      // into the frame when the request is written.
      c.setID(unitId);
      return fn(c);
    });
  };

  const noteError = (err: ErrorInfo) => {
    status.lastError = { ...err, at: clock() };
  };

  const closeClient = (c: Client): Promise<void> =>
    new Promise<void>((resolve) => {
      if (!c.isOpen) return resolve();
      c.destroy(() => resolve());
    });

  const dropConnection = (c: Client, err: CollectorError): void => {
    if (client !== c) return; // already replaced or dropped
    client = undefined;
    void closeClient(c);
    noteError(errorInfo(err));
    status.state = 'disconnected';
    logger.warn({ err: err.message, code: err.code }, 'modbus connection lost');
    observer.connectionChanged?.({ adapterId: id, connected: false, error: errorInfo(err) });
    scheduleReconnect();
  };

  /** One connection attempt; true when connected. Retries are scheduled by `runConnect`. */
  const connect = async (): Promise<boolean> => {
    if (stopped) return false;
    status.state = 'connecting';
    const c: Client = new ModbusRTU();
    c.setTimeout(timeoutMs);
    // The client re-emits port errors (an EventEmitter at runtime, though its d.ts only
    // declares 'close'); without a listener an 'error' event would throw.
    (c as unknown as EventEmitter).on('error', (e: unknown) => logger.debug({ err: toCollectorError(e).message }, 'modbus port error'));
    try {
      await c.connectTCP(host, { port });
    } catch (e) {
      const err = toCollectorError(e);
      void closeClient(c);
      noteError(errorInfo(err));
      status.state = 'disconnected';
      logger.warn({ err: err.message, attempt: reconnectAttempt, host, port }, 'modbus connect failed');
      return false;
    }
    if (stopped) {
      await closeClient(c);
      return false;
    }
    client = c;
    c.on('close', () => dropConnection(c, new CollectorError('not_connected', `connection to ${host}:${port} closed`)));
    consecutiveTimeouts = 0;
    reconnectAttempt = 0;
    if (everConnected) status.reconnects++;
    everConnected = true;
    status.state = 'connected';
    logger.info({ host, port, blocks: blocks.length, points: entryByPoint.size }, 'modbus connected');
    observer.connectionChanged?.({ adapterId: id, connected: true });
    return true;
  };

  const runConnect = (): Promise<void> => {
    connecting = connect().then((ok) => {
      connecting = undefined;
      if (!ok) scheduleReconnect();
    });
    return connecting;
  };

  const scheduleReconnect = (): void => {
    if (stopped || reconnectTimer || connecting) return;
    const delay = backoffDelayMs(reconnectAttempt++, random, options.reconnect);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void runConnect();
    }, delay);
  };

  const onRequestError = (c: Client, block: ReadBlock, err: CollectorError): void => {
    status.requestErrors++;
    noteError(errorInfo(err));
    if (blockError.get(block) !== err.code) {
      blockError.set(block, err.code);
      logger.warn(
        { unitId: block.unitId, address: block.address, count: block.count, code: err.code, err: err.message },
        'modbus read failed; points marked bad',
      );
    }
    if (err.code === 'timeout') {
      if (++consecutiveTimeouts >= maxConsecutiveTimeouts) dropConnection(c, new CollectorError('timeout', `${consecutiveTimeouts} timeouts in a row`));
    } else if (err.code === 'not_connected') {
      dropConnection(c, err);
    }
  };

  const pollOnce = async (): Promise<void> => {
    const startedAt = clock();
    let requests = 0;
    let errors = 0;
    let good = 0;
    let bad = 0;
    const byAsset = new Map<string, Reading[]>();
    const deliver = (e: RegisterMapEntry, value: number, quality: Quality, ts: number) => {
      let list = byAsset.get(e.assetId);
      if (!list) {
        list = [];
        byAsset.set(e.assetId, list);
      }
      list.push({ pointId: e.pointId, ts, value, quality });
      if (quality === 'good') good++;
      else bad++;
    };
    for (const block of blocks) {
      if (stopped) return;
      const c = client;
      let words: number[] | undefined;
      if (c) {
        requests++;
        try {
          const res = await request(c, block.unitId, (cl) =>
            block.table === 'input' ? cl.readInputRegisters(block.address, block.count) : cl.readHoldingRegisters(block.address, block.count),
          );
          words = res.data;
          if (client === c) consecutiveTimeouts = 0;
          if (blockError.delete(block)) logger.info({ unitId: block.unitId, address: block.address }, 'modbus read recovered');
        } catch (e) {
          errors++;
          onRequestError(c, block, toCollectorError(e));
        }
      }
      const ts = Math.round(clock());
      for (const e of block.entries) {
        const value = words ? decodeRegisters(words, e.address - block.address, e) : Number.NaN;
        if (Number.isFinite(value)) {
          lastValue.set(e.pointId, value);
          deliver(e, value, 'good', ts);
        } else {
          // Last known value, or 0 when there never was one: the quality says not to trust it.
          deliver(e, lastValue.get(e.pointId) ?? 0, 'bad', ts);
        }
      }
    }
    if (stopped) return;
    for (const [assetId, readings] of byAsset) {
      try {
        sink?.(readings, { assetId });
      } catch (e) {
        logger.error({ assetId, err: toCollectorError(e).message }, 'reading sink threw; readings of this poll lost for the asset');
      }
    }
    const durationMs = clock() - startedAt;
    status.polls++;
    status.pointsRead += good;
    status.pointsBad += bad;
    status.lastPollDurationMs = durationMs;
    observer.pollCompleted?.({ adapterId: id, startedAt, durationMs, requests, pointsGood: good, pointsBad: bad, errors });
  };

  const runPoll = async (): Promise<void> => {
    pollTimer = undefined;
    if (stopped) return;
    const startedAt = clock();
    polling = pollOnce().catch((e) => {
      logger.error({ err: toCollectorError(e).message }, 'modbus poll failed unexpectedly');
    });
    await polling;
    polling = undefined;
    if (stopped) return;
    const elapsed = clock() - startedAt;
    if (elapsed > pollIntervalMs) status.overruns++;
    pollTimer = setTimeout(runPoll, Math.max(0, pollIntervalMs - elapsed));
  };

  return {
    id,
    protocol: 'modbus-tcp',
    handles: (pointId) => entryByPoint.has(pointId),

    async start(s, o) {
      if (status.state !== 'idle') throw new CollectorError('already_started', `adapter ${id} was already started`);
      sink = s;
      observer = o ?? {};
      await runConnect();
      if (!stopped) pollTimer = setTimeout(runPoll, 0);
    },

    async stop() {
      stopped = true;
      clearTimeout(pollTimer);
      clearTimeout(reconnectTimer);
      pollTimer = reconnectTimer = undefined;
      await connecting;
      // An in-flight request finishes or times out (≤ timeoutMs): modbus-serial has no cancel.
      await polling;
      await queue;
      const c = client;
      client = undefined;
      if (c) await closeClient(c);
      status.state = 'stopped';
    },

    async write(pointId, value): Promise<WriteResult> {
      const entry = entryByPoint.get(pointId);
      if (!entry) return { ok: false, error: { code: 'unknown_point', message: `point ${pointId} is not in ${id}'s register map` } };
      if (!entry.writable) return { ok: false, error: { code: 'not_writable', message: `point ${pointId} is read-only` } };
      const c = client;
      if (!c || stopped) return { ok: false, error: { code: 'not_connected', message: `${id} is not connected` } };
      const words = encodeRegisters(value, entry);
      // What the device can hold (float32 rounding, integer scaling): the read-back must equal it.
      const expected = decodeRegisters(words, 0, entry);
      try {
        await request(c, entry.unitId, (cl) => cl.writeRegisters(entry.address, words));
        const res = await request(c, entry.unitId, (cl) =>
          entry.table === 'input' ? cl.readInputRegisters(entry.address, words.length) : cl.readHoldingRegisters(entry.address, words.length),
        );
        const readBack = decodeRegisters(res.data, 0, entry);
        logger.info({ pointId, value, readBack }, 'modbus write');
        if (readBack !== expected) {
          return { ok: false, readBack, error: { code: 'readback_mismatch', message: `wrote ${expected}, read back ${readBack}` } };
        }
        return { ok: true, readBack };
      } catch (e) {
        const err = errorInfo(e);
        status.requestErrors++;
        noteError(err);
        logger.warn({ pointId, value, code: err.code, err: err.message }, 'modbus write failed');
        return { ok: false, error: err };
      }
    },

    status: () => ({ ...status, state: (stopped ? 'stopped' : status.state) as AdapterState }),
  };
}
