import type { EventEmitter } from 'node:events';
import type { Quality, Reading } from '@zcp/model';
import type { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import type { ClientSession, ClientSubscription, DataType, DataValue, OPCUAClient, UserIdentityInfo } from 'node-opcua-client';
import { CollectorError, type ErrorInfo, toCollectorError } from '../../errors.js';
import { silentLogger } from '../../logger.js';
import { systemClock, systemRandom } from '../../system.js';
import {
  type AdapterObserver,
  type AdapterState,
  type AdapterStatus,
  initialAdapterStatus,
  type ProtocolAdapter,
  type ReadingSink,
  type WriteResult,
} from '../adapter.js';
import { backoffDelayMs } from '../backoff.js';
import { discoverPointNodes } from './opcua-browse.js';
import { createOpcuaClient } from './opcua-client.js';
import { readAll, writeAndReadBack } from './opcua-io.js';
import { routeOpcuaLogs } from './opcua-logs.js';
import { type OpcuaAdapterOptions, type OpcuaNode, resolveOpcuaOptions } from './opcua-options.js';
import { monitorNodes } from './opcua-subscription.js';
import { numberOf, opcuaErrorInfo, qualityOf } from './opcua-values.js';

/**
 * Reads an OPC UA server through one session with one subscription: every node is a
 * monitored item (sampled by the server at `samplingIntervalMs`, changes published every
 * `publishingIntervalMs`, optional absolute deadband) — no polling. Changes are delivered per
 * asset once per publishing interval with the StatusCode's severity as quality and the
 * source timestamp as `ts`. After (re)subscribing, the first delivery waits until every item
 * has reported its initial value, so consumers start from a complete picture.
 *
 * Connection loss: node-opcua's reconnection (its own backoff) restores the channel and the
 * session and transfers or re-creates the subscription; meanwhile every point is delivered
 * with its last value and quality bad, and after recovery one Read refreshes all values (a
 * transferred subscription does not resend unchanged ones). A refused login or session is
 * retried with our backoff and reported in `status().lastError`.
 *
 * @example
 * const adapter = createOpcuaAdapter({ endpointUrl, pkiDir, securityMode: 'SignAndEncrypt',
 *   securityPolicy: 'Basic256Sha256', auth: { type: 'username', username, password },
 *   nodes: [{ nodeId: 'ns=1;s=bess1.p_kw', pointId: 42, assetId: 'bess1' }] })
 * await adapter.start((readings, { assetId }) => publish(assetId, readings))
 */
export function createOpcuaAdapter(options: OpcuaAdapterOptions): ProtocolAdapter {
  const o = resolveOpcuaOptions(options);
  const { id, endpointUrl } = o;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const logger = (options.logger ?? silentLogger).child({ adapter: id });
  routeOpcuaLogs(options.logger ?? silentLogger);

  /** Points this adapter delivers, with their node once known (discovery fills them in). */
  const points = new Map<number, { assetId: string; node?: OpcuaNode }>(o.points.map((p) => [p.pointId, { assetId: p.assetId, node: p.node }]));
  const lastValue = new Map<number, number>();
  const pending = new Map<number, Reading>();
  const status: AdapterStatus = initialAdapterStatus(id, 'opc-ua');
  let sink: ReadingSink | undefined;
  let observer: AdapterObserver = {};
  let stopped = false;
  let client: OPCUAClient | undefined;
  let session: ClientSession | undefined;
  let subscription: ClientSubscription | undefined;
  /** Session and subscription up: values flow. */
  let live = false;
  let everLive = false;
  /** Items not yet heard from since (re)subscribing, and until when the first delivery waits for them. */
  let awaitingInitial = new Set<number>();
  let initialDeadline = 0;
  let cycleRequests = 0;
  let lastBadDeliveryAt = Number.NEGATIVE_INFINITY;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryWake: (() => void) | undefined;
  let establishing: Promise<void> | undefined;
  const dataTypes = new Map<string, DataType>();
  /** Resolves `start` after the first connection attempt either way, like the Modbus adapter. */
  let settleFirstOutcome: (() => void) | undefined;

  const expectInitialValues = () => {
    awaitingInitial = new Set([...points.keys()].filter((p) => points.get(p)?.node));
    initialDeadline = clock() + o.initialValuesTimeoutMs;
  };

  const noteError = (err: ErrorInfo) => {
    status.lastError = { ...err, at: clock() };
  };
  /** Last publish response (data or keep-alive); a live subscription silent for too long is rebuilt. */
  let lastHeardAt = 0;
  const heard = () => {
    lastHeardAt = clock();
  };
  const request = () => {
    status.requests++;
    cycleRequests++;
  };

  const setLive = (up: boolean, err?: ErrorInfo) => {
    if (live === up) return;
    live = up;
    status.state = up ? 'connected' : 'disconnected';
    if (up) {
      // A subscription that just went live is silent only from now on, not since 1970.
      heard();
      if (everLive) status.reconnects++;
      everLive = true;
      settleFirstOutcome?.();
    } else {
      pending.clear();
      lastBadDeliveryAt = Number.NEGATIVE_INFINITY;
    }
    observer.connectionChanged?.({ adapterId: id, connected: up, ...(err ? { error: err } : {}) });
  };

  const onValue = (pointId: number, dv: DataValue) => {
    if (stopped) return;
    const point = points.get(pointId);
    if (!point?.node) return;
    awaitingInitial.delete(pointId);
    const raw = numberOf(dv.value?.value);
    let quality: Quality = qualityOf(dv.statusCode);
    let value = raw * point.node.scale + point.node.offset;
    if (!Number.isFinite(value)) {
      value = lastValue.get(pointId) ?? 0;
      quality = 'bad';
    } else if (quality !== 'bad') {
      lastValue.set(pointId, value);
    } else {
      // A Bad status carries no trustworthy value (often null): keep the last one.
      value = lastValue.get(pointId) ?? 0;
    }
    // OPC UA's "no timestamp" is null or DateTime 0 (year 1601, negative epoch ms).
    const stamp = [dv.sourceTimestamp?.getTime(), dv.serverTimestamp?.getTime()].find((t) => t !== undefined && t > 0);
    const ts = Math.round(stamp ?? clock());
    pending.set(pointId, { pointId, ts, value, quality });
  };

  const deliver = (readings: Iterable<Reading>): { good: number; bad: number } => {
    const byAsset = new Map<string, Reading[]>();
    let good = 0;
    let bad = 0;
    for (const r of readings) {
      const assetId = points.get(r.pointId)?.assetId as string;
      const list = byAsset.get(assetId) ?? [];
      list.push(r);
      byAsset.set(assetId, list);
      if (r.quality === 'bad') bad++;
      else good++;
    }
    for (const [assetId, list] of byAsset) {
      try {
        sink?.(list, { assetId });
      } catch (e) {
        logger.error({ assetId, err: toCollectorError(e).message }, 'reading sink threw; readings of this cycle lost for the asset');
      }
    }
    return { good, bad };
  };

  /** One cycle: changes since the last one, or every point bad while the server is away. */
  const flush = () => {
    flushTimer = undefined;
    if (stopped) return;
    const startedAt = clock();
    let counts: { good: number; bad: number } | undefined;
    if (live && startedAt - lastHeardAt > o.subscriptionSilenceMs) {
      // node-opcua's recovery left a subscription that publishes nothing (not even
      // keep-alives): drop it and subscribe again on a fresh session.
      const err: ErrorInfo = { code: 'timeout', message: `no publish response from ${endpointUrl} for ${Math.round(startedAt - lastHeardAt)} ms` };
      noteError(err);
      logger.warn({ endpointUrl, silentMs: startedAt - lastHeardAt }, 'opc ua subscription silent; re-subscribing');
      setLive(false, err);
      void resubscribe();
    }
    if (live) {
      if (awaitingInitial.size === 0 || startedAt >= initialDeadline) {
        if (awaitingInitial.size > 0) logger.warn({ missing: awaitingInitial.size }, 'some monitored items sent no initial value in time');
        awaitingInitial.clear();
        const readings = [...pending.values()];
        pending.clear();
        counts = deliver(readings);
      }
    } else if (startedAt - lastBadDeliveryAt >= o.badRepeatIntervalMs) {
      lastBadDeliveryAt = startedAt;
      const ts = Math.round(startedAt);
      counts = deliver([...points.keys()].map((pointId) => ({ pointId, ts, value: lastValue.get(pointId) ?? 0, quality: 'bad' as const })));
    }
    if (counts) {
      const durationMs = clock() - startedAt;
      status.polls++;
      status.pointsRead += counts.good;
      status.pointsBad += counts.bad;
      status.lastPollDurationMs = durationMs;
      observer.pollCompleted?.({
        adapterId: id,
        startedAt,
        durationMs,
        requests: cycleRequests,
        pointsGood: counts.good,
        pointsBad: counts.bad,
        errors: 0,
      });
      cycleRequests = 0;
    }
    flushTimer = setTimeout(flush, o.publishingIntervalMs);
  };

  /** After node-opcua restored the session: one Read of every node (a transferred subscription resends nothing). */
  const refreshAll = (s: ClientSession) =>
    readAll(
      s,
      [...points.entries()].flatMap(([pointId, p]) => (p.node ? [{ pointId, nodeId: p.node.nodeId }] : [])),
      o.maxNodesPerRead,
      onValue,
      request,
    );

  const sleepBackoff = (attempt: number) =>
    new Promise<void>((resolve) => {
      retryWake = resolve;
      retryTimer = setTimeout(resolve, backoffDelayMs(attempt, random, o.reconnect));
    });

  let subscriptionGeneration = 0;
  const resubscribe = async () => {
    const c = client;
    if (!c || establishing || stopped) return;
    subscriptionGeneration++;
    const sub = subscription;
    const s = session;
    subscription = session = undefined;
    await sub?.terminate().catch(() => undefined);
    await s?.close().catch(() => undefined);
    if (stopped) return;
    establishing = establish(c, true).finally(() => {
      establishing = undefined;
    });
  };

  /** Connects (unless `channelUp`), logs in, discovers (if asked) and subscribes; retries until it works or stop. */
  const establish = async (c: OPCUAClient, channelUp = false) => {
    let attempt = 0;
    let connected = channelUp;
    while (!stopped) {
      try {
        status.state = 'connecting';
        if (!connected) {
          request();
          await c.connect(endpointUrl); // retries on its own (connectionStrategy) until reachable
          connected = true;
        }
        if (stopped) return;
        request();
        const s = await c.createSession(o.identity as UserIdentityInfo);
        session = s;
        if (o.discover && !o.discoveredOnce) {
          const found = await discoverPointNodes(s, o.discover.rootNodeId, o.discover.points);
          status.requests += found.requests;
          for (const n of found.nodes) {
            const p = points.get(n.pointId);
            if (p) p.node = { nodeId: n.nodeId, scale: 1, offset: 0, deadband: o.discover.deadband ?? 0 };
          }
          o.discoveredOnce = true;
          // No variable for these: deliver them bad (once) rather than never.
          const ts = Math.round(clock());
          for (const pointId of found.missing) pending.set(pointId, { pointId, ts, value: lastValue.get(pointId) ?? 0, quality: 'bad' });
          if (found.missing.length > 0)
            logger.warn({ missing: found.missing.length, unmatched: found.unmatched }, 'browse discovery found no variable for some points');
          logger.info({ found: found.nodes.length, requests: found.requests }, 'browse discovery done');
        }
        if (stopped) return;
        const nodes = [...points.entries()].flatMap(([pointId, p]) => (p.node ? [{ pointId, node: p.node }] : []));
        expectInitialValues();
        // Values of a subscription we have given up on (its items may still report Bad while
        // it is torn down) must not overwrite the new one's.
        const generation = ++subscriptionGeneration;
        const monitored = await monitorNodes(s, nodes, {
          samplingIntervalMs: o.samplingIntervalMs,
          publishingIntervalMs: o.publishingIntervalMs,
          onValue: (pointId, dv) => {
            if (generation === subscriptionGeneration) onValue(pointId, dv);
          },
          request,
          heard: () => {
            if (generation === subscriptionGeneration) heard();
          },
        });
        subscription = monitored.subscription;
        for (const failed of monitored.failed) logger.warn(failed, 'monitored item refused; point stays bad');
        if (stopped) return;
        logger.info({ endpointUrl, items: nodes.length, refused: monitored.failed.length }, 'opc ua subscribed');
        setLive(true);
        return;
      } catch (e) {
        if (stopped) return;
        const err = opcuaErrorInfo(e, endpointUrl);
        status.requestErrors++;
        noteError(err);
        status.state = 'disconnected';
        logger.warn({ code: err.code, err: err.message, attempt }, 'opc ua session setup failed; retrying');
        settleFirstOutcome?.();
        const s = session;
        session = undefined;
        if (s) await s.close().catch(() => undefined);
        await sleepBackoff(attempt++);
        retryTimer = undefined;
      }
    }
  };

  let certificateManager: OPCUACertificateManager | undefined;
  const createClient = (): OPCUAClient => {
    const created = createOpcuaClient(o);
    certificateManager = created.certificateManager;
    const c = created.client;
    const events = c as unknown as EventEmitter;
    events.on('backoff', (retry: number, delayMs: number) => {
      noteError({ code: 'not_connected', message: `cannot reach ${endpointUrl} (attempt ${retry + 1}, next in ${Math.round(delayMs)} ms)` });
      if (retry === 0) logger.warn({ endpointUrl }, 'opc ua server unreachable; retrying');
      settleFirstOutcome?.();
    });
    events.on('connection_lost', () => {
      const err: ErrorInfo = { code: 'not_connected', message: `connection to ${endpointUrl} lost` };
      noteError(err);
      logger.warn({ endpointUrl }, 'opc ua connection lost; points marked bad');
      setLive(false, err);
    });
    events.on('connection_reestablished', () => {
      const s = session;
      if (stopped || !s || !subscription) return;
      logger.info({ endpointUrl }, 'opc ua connection re-established');
      expectInitialValues();
      heard();
      setLive(true);
      refreshAll(s).catch((e) => {
        const err = opcuaErrorInfo(e, endpointUrl);
        status.requestErrors++;
        noteError(err);
        logger.warn({ code: err.code, err: err.message }, 'opc ua refresh after reconnection failed');
      });
    });
    return c;
  };

  const nodeOf = (pointId: number) => points.get(pointId)?.node;

  return {
    id,
    protocol: 'opc-ua',
    handles: (pointId) => points.has(pointId),

    async start(s, ob) {
      if (status.state !== 'idle') throw new CollectorError('already_started', `adapter ${id} was already started`);
      sink = s;
      observer = ob ?? {};
      const c = createClient();
      client = c;
      const firstOutcome = new Promise<void>((resolve) => {
        settleFirstOutcome = resolve;
      });
      establishing = establish(c).finally(() => {
        establishing = undefined;
        settleFirstOutcome?.();
      });
      await firstOutcome;
      settleFirstOutcome = undefined;
      if (!stopped) flushTimer = setTimeout(flush, 0);
    },

    async stop() {
      if (stopped) {
        await establishing;
        return;
      }
      stopped = true;
      clearTimeout(flushTimer);
      clearTimeout(retryTimer);
      retryWake?.();
      // Close what is open, then disconnect: that also aborts a pending connect and its retries.
      const closeAll = async () => {
        const sub = subscription;
        const s = session;
        subscription = session = undefined;
        if (sub) await sub.terminate().catch(() => undefined);
        if (s) await s.close().catch(() => undefined);
        await client?.disconnect().catch(() => undefined);
      };
      await closeAll();
      await establishing;
      // establish() may have finished a step after the first close: close again.
      await closeAll();
      client = undefined;
      await certificateManager?.dispose().catch(() => undefined);
      live = false;
      status.state = 'stopped';
    },

    async write(pointId, value): Promise<WriteResult> {
      const node = nodeOf(pointId);
      if (!points.has(pointId)) return { ok: false, error: { code: 'unknown_point', message: `point ${pointId} is not mapped by ${id}` } };
      const s = session;
      if (!node || !s || !live || stopped) return { ok: false, error: { code: 'not_connected', message: `${id} is not connected` } };
      try {
        const result = await writeAndReadBack(s, node, value, dataTypes, request);
        if (result.ok) logger.info({ pointId, value, readBack: result.readBack }, 'opc ua write');
        else logger.warn({ pointId, value, readBack: result.readBack, code: result.error?.code, err: result.error?.message }, 'opc ua write not confirmed');
        return result;
      } catch (e) {
        const error = opcuaErrorInfo(e, endpointUrl);
        status.requestErrors++;
        noteError(error);
        logger.warn({ pointId, value, code: error.code, err: error.message }, 'opc ua write failed');
        return { ok: false, error };
      }
    },

    status: () => ({ ...status, state: (stopped ? 'stopped' : status.state) as AdapterState }),
  };
}
