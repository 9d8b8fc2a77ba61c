import type { Quality, Reading } from '@zcp/model';
import { createPublishFilter, type PublishRule } from '../../devices/publish-filter.js';
import { CollectorError, type ErrorInfo, errorInfo, toCollectorError } from '../../errors.js';
import { type Logger, silentLogger } from '../../logger.js';
import { planReads, type ReadBlock } from '../../modbus/read-plan.js';
import type { RegisterMap, RegisterMapEntry } from '../../modbus/register-map.js';
import { type Clock, type Random, systemClock, systemRandom } from '../../system.js';
import {
  type AdapterObserver,
  type AdapterProtocol,
  type AdapterState,
  type AdapterStatus,
  initialAdapterStatus,
  type ProtocolAdapter,
  type ReadingSink,
  type WriteResult,
} from '../adapter.js';
import { type BackoffOptions, backoffDelayMs } from '../backoff.js';
import {
  closeClient,
  decodeEntry,
  describeTransport,
  encodeEntry,
  type ModbusClient,
  type ModbusTransport,
  openClient,
  readBlock,
  writeEntry,
} from './modbus-client.js';

export const DEFAULT_POLL_INTERVAL_MS = 1000;
export const DEFAULT_MODBUS_TIMEOUT_MS = 1000;
/** After this many timeouts in a row the link is presumed dead (half-open TCP) and rebuilt. */
export const DEFAULT_MAX_CONSECUTIVE_TIMEOUTS = 3;

export interface ModbusAdapterOptions {
  /** Adapter id in logs, metrics and status. Default `${protocol}:${endpoint}`. */
  id?: string;
  transport: ModbusTransport;
  registerMap: RegisterMap;
  pollIntervalMs?: number;
  /** Per-request response timeout (and TCP connect timeout), ms. */
  timeoutMs?: number;
  /** Extra attempts of a request that timed out or got a garbled answer, within one poll. Default 0. */
  retries?: number;
  maxRegistersPerRead?: number;
  maxBitsPerRead?: number;
  maxGapRegisters?: number;
  reconnect?: BackoffOptions;
  maxConsecutiveTimeouts?: number;
  /** Deadband and heartbeat per point id; points without a rule deliver every poll. */
  publishRules?: ReadonlyMap<number, PublishRule>;
  logger?: Logger;
  clock?: Clock;
  /** Jitter source for reconnect backoff. */
  random?: Random;
}

const PROTOCOL_OF: Readonly<Record<ModbusTransport['kind'], AdapterProtocol>> = { tcp: 'modbus-tcp', rtu: 'modbus-rtu', 'rtu-over-tcp': 'modbus-rtu-over-tcp' };

/** Errors worth another attempt within the poll: the device may answer the next one. */
const RETRYABLE = new Set(['timeout', 'internal']);

/**
 * Polls Modbus devices over one link — TCP, RTU on a serial line, or RTU framed over TCP.
 * The register map is coalesced into reads per unit and table (≤ 125 registers, ≤ 2000
 * bits), read in sequence every `pollIntervalMs` (a poll never overlaps the previous one; a
 * late poll counts as an overrun), decoded and delivered per asset. A failed read
 * (exception, timeout, garbled frame, lost link) delivers that block's points with their
 * last value and quality bad; a lost link is rebuilt with exponential backoff and jitter.
 * Requests are strictly sequential: a serial line allows nothing else, and modbus-serial's
 * TCP framing does not reassemble responses split across segments — run one adapter per
 * gateway to read in parallel.
 *
 * @example
 * const adapter = createModbusAdapter({ transport: { kind: 'tcp', host: '127.0.0.1', port }, registerMap })
 * await adapter.start((readings, { assetId }) => publish(assetId, readings))
 * await adapter.write?.(setpointPointId, -500) // { ok: true, readBack: -500 }
 */
export function createModbusAdapter(options: ModbusAdapterOptions): ProtocolAdapter {
  const { transport, registerMap } = options;
  const protocol = PROTOCOL_OF[transport.kind];
  const endpoint = describeTransport(transport);
  const id = options.id ?? `${protocol}:${endpoint}`;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_MODBUS_TIMEOUT_MS;
  const retries = options.retries ?? 0;
  const maxConsecutiveTimeouts = options.maxConsecutiveTimeouts ?? DEFAULT_MAX_CONSECUTIVE_TIMEOUTS;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const logger = (options.logger ?? silentLogger).child({ adapter: id });
  if (!(pollIntervalMs > 0) || !(timeoutMs > 0)) throw new CollectorError('config_invalid', 'pollIntervalMs and timeoutMs must be positive');

  const blocks = planReads(registerMap.entries, {
    maxRegisters: options.maxRegistersPerRead,
    maxBits: options.maxBitsPerRead,
    maxGapRegisters: options.maxGapRegisters,
  });
  const entryByPoint = new Map<number, RegisterMapEntry>(registerMap.entries.map((e) => [e.pointId, e]));
  const filter = createPublishFilter(options.publishRules ?? new Map());
  const lastValue = new Map<number, number>();
  /** Last error code per block, so a persistent failure is logged once, not every poll. */
  const blockError = new Map<ReadBlock, string>();

  const status: AdapterStatus = initialAdapterStatus(id, protocol);
  let sink: ReadingSink | undefined;
  let observer: AdapterObserver = {};
  let client: ModbusClient | undefined;
  let stopped = false;
  let everConnected = false;
  let reconnectAttempt = 0;
  let consecutiveTimeouts = 0;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let connecting: Promise<void> | undefined;
  let polling: Promise<void> | undefined;

  // One request at a time on the link (polls and writes interleave between requests).
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const request = <T>(c: ModbusClient, unitId: number, fn: (c: ModbusClient) => Promise<T>): Promise<T> => {
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

  const dropConnection = (c: ModbusClient, err: CollectorError): void => {
    if (client !== c) return; // already replaced or dropped
    client = undefined;
    void closeClient(c);
    noteError(errorInfo(err));
    status.state = 'disconnected';
    logger.warn({ err: err.message, code: err.code }, 'modbus link lost');
    observer.connectionChanged?.({ adapterId: id, connected: false, error: errorInfo(err) });
    scheduleReconnect();
  };

  /** One connection attempt; true when connected. Retries are scheduled by `runConnect`. */
  const connect = async (): Promise<boolean> => {
    if (stopped) return false;
    status.state = 'connecting';
    let c: ModbusClient;
    try {
      c = await openClient(transport, timeoutMs, (e) => logger.debug({ err: toCollectorError(e).message }, 'modbus port error'));
    } catch (e) {
      const err = toCollectorError(e);
      noteError(errorInfo(err));
      status.state = 'disconnected';
      logger.warn({ err: err.message, attempt: reconnectAttempt, endpoint }, 'modbus connect failed');
      return false;
    }
    if (stopped) {
      await closeClient(c);
      return false;
    }
    client = c;
    c.on('close', () => dropConnection(c, new CollectorError('not_connected', `link to ${endpoint} closed`)));
    consecutiveTimeouts = 0;
    reconnectAttempt = 0;
    if (everConnected) status.reconnects++;
    everConnected = true;
    status.state = 'connected';
    logger.info({ endpoint, blocks: blocks.length, points: entryByPoint.size }, 'modbus connected');
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

  const onRequestError = (c: ModbusClient, block: ReadBlock, err: CollectorError): void => {
    if (blockError.get(block) !== err.code) {
      blockError.set(block, err.code);
      logger.warn(
        { unitId: block.unitId, table: block.table, address: block.address, count: block.count, code: err.code, err: err.message },
        'modbus read failed; points marked bad',
      );
    }
    if (err.code === 'timeout') {
      if (++consecutiveTimeouts >= maxConsecutiveTimeouts) dropConnection(c, new CollectorError('timeout', `${consecutiveTimeouts} timeouts in a row`));
    } else if (err.code === 'not_connected') {
      dropConnection(c, err);
    }
  };

  /** Reads a block, retrying timeouts and garbled answers; undefined when every attempt failed. */
  const readWithRetries = async (c: ModbusClient, block: ReadBlock, counts: { requests: number; errors: number }): Promise<number[] | undefined> => {
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (stopped || client !== c) return undefined;
      counts.requests++;
      try {
        const words = await request(c, block.unitId, (cl) => readBlock(cl, block));
        if (client === c) consecutiveTimeouts = 0;
        if (blockError.delete(block)) logger.info({ unitId: block.unitId, table: block.table, address: block.address }, 'modbus read recovered');
        return words;
      } catch (e) {
        const err = toCollectorError(e);
        counts.errors++;
        status.requestErrors++;
        noteError(errorInfo(err));
        onRequestError(c, block, err);
        if (!RETRYABLE.has(err.code)) return undefined;
      }
    }
    return undefined;
  };

  const pollOnce = async (): Promise<void> => {
    const startedAt = clock();
    const counts = { requests: 0, errors: 0 };
    let good = 0;
    let bad = 0;
    const byAsset = new Map<string, Reading[]>();
    const deliver = (e: RegisterMapEntry, value: number, quality: Quality, ts: number) => {
      if (quality === 'good') good++;
      else bad++;
      const reading: Reading = { pointId: e.pointId, ts, value, quality };
      if (!filter.accept(reading)) return;
      let list = byAsset.get(e.assetId);
      if (!list) {
        list = [];
        byAsset.set(e.assetId, list);
      }
      list.push(reading);
    };
    for (const block of blocks) {
      if (stopped) return;
      const c = client;
      const words = c ? await readWithRetries(c, block, counts) : undefined;
      const ts = Math.round(clock());
      for (const e of block.entries) {
        let value = Number.NaN;
        if (words) {
          try {
            value = decodeEntry(words, block, e);
          } catch {
            // A short answer: the device sent fewer registers than asked for.
          }
        }
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
    observer.pollCompleted?.({ adapterId: id, startedAt, durationMs, requests: counts.requests, pointsGood: good, pointsBad: bad, errors: counts.errors });
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
    protocol,
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
      // What the device can hold (float32 rounding, integer scaling): the read-back must equal it.
      const { words, expected } = encodeEntry(value, entry);
      try {
        const fc = await request(c, entry.unitId, (cl) => writeEntry(cl, entry, words));
        const back = await request(c, entry.unitId, (cl) => readBlock(cl, { table: entry.table, address: entry.address, count: words.length }));
        const readBack = decodeEntry(back, entry, entry);
        logger.info({ pointId, value, readBack, fc }, 'modbus write');
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
