import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { type Bus, type Consumer, connectNatsBus, createMemoryBus, type Subscription } from '@zcp/bus';
import type { Park, RelayStatus } from '@zcp/model';
import { Hono } from 'hono';
import { type Logger, pino } from 'pino';
import { Registry } from 'prom-client';
import { createFsBlobStore } from './attachments/fs-blob-store.js';
import { createAuditLog } from './auth/audit-log.js';
import { createRelayAuth, type RelayAuth } from './auth/relay-auth.js';
import { type LiveCarbon, startLiveCarbon } from './carbon/live/live-carbon.js';
import { createPdfPrinter } from './carbon/report/index.js';
import { type Collab, createCollab } from './collab/index.js';
import type { RelayConfig } from './config.js';
import { createApiApp } from './http/api-app.js';
import { problemResponse, toProblem } from './http/api-error.js';
import { createStaticDeviceAuthenticator, type DeviceAuthenticator, parseDeviceTokens } from './http/ingest/index.js';
import { createRateLimiter } from './http/rate-limit.js';
import { subscribeLive } from './ingest/live-subscriber.js';
import { createStorageGate, type StorageGate } from './ingest/storage-gate.js';
import { startStorageWorkers } from './ingest/storage-worker.js';
import { attachSocketFanout, type SocketFanout } from './live/socket-fanout.js';
import { LOG_REDACT_PATHS } from './observability/log-redaction.js';
import { createRelayMetrics, type RelayMetrics } from './observability/metrics.js';
import { ParkRegistry } from './parks/park-registry.js';
import { createReadingStore } from './storage/index.js';
import { partitionedTables } from './storage/partitions.js';
import type { ReadingStore } from './storage/reading-store.js';
import { type RollupWorker, startRollupWorker } from './storage/rollups/index.js';

export interface RelayDeps {
  parks: readonly Park[];
  /** Share a bus (the embedded all-in-one passes its in-process bus); else one is made from config. */
  bus?: Bus;
  store?: ReadingStore;
  logger?: Logger;
  now?: () => number;
  /** More Prometheus registries served at /metrics (the all-in-one adds the collector's). */
  extraMetrics?: readonly Registry[];
  /** Who may push readings to POST /api/ingest; default: from INGEST_DEVICES(_FILE), else nobody. */
  devices?: DeviceAuthenticator;
}

export interface Relay {
  readonly app: Hono;
  readonly metrics: RelayMetrics;
  readonly parks: ParkRegistry;
  /** Available after start(). */
  readonly store: ReadingStore;
  readonly bus: Bus;
  /** Port actually bound (after start; config port 0 picks a free one). */
  readonly port: number;
  /** Shared documents (issue 6); available after start(). */
  readonly collab: Collab;
  /** This relay's id on the bus (relay-to-relay document traffic). */
  readonly relayId: string;
  /** Identity (issue 7): token verification, the development IdP when AUTH_MODE=dev, the audit trail. */
  readonly auth: RelayAuth;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The relay: consumes telemetry, stores it, keeps live state, fans it out over socket.io
 * and serves the HTTP API and the web app on one port.
 *
 * @example
 * const relay = createRelay(loadRelayConfig(process.env), { parks: [demoPark()] }); await relay.start()
 */
export function createRelay(config: RelayConfig, deps: RelayDeps): Relay {
  const logger = deps.logger ?? pino({ level: config.logLevel, name: 'relay', redact: LOG_REDACT_PATHS });
  const now = deps.now ?? Date.now;
  const metrics = createRelayMetrics();
  const parks = new ParkRegistry(deps.parks);
  let store = deps.store;
  let bus = deps.bus;
  let server: HttpServer | undefined;
  let fanout: SocketFanout | undefined;
  const consumers: Consumer[] = [];
  const subscriptions: Subscription[] = [];
  const liveCarbon: LiveCarbon[] = [];
  let dbReachable = false;
  let gate: StorageGate | undefined;
  let maintenance: NodeJS.Timeout | undefined;
  let rollups: RollupWorker | undefined;
  let collab: Collab | undefined;
  const relayId = `relay-${randomUUID()}`;

  const status = (): RelayStatus => ({
    bus: bus?.kind ?? 'memory',
    db: store?.kind ?? 'pglite',
    busConnected: bus?.isConnected() ?? false,
    dbReachable,
    storagePaused: gate?.state().paused ?? false,
  });

  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    metrics.httpRequests.inc({ method: c.req.method, route: c.req.routePath, status: String(c.res.status) });
  });
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    dbReachable = store ? await store.ping().catch(() => false) : false;
    const s = status();
    const paused = gate?.state();
    if (s.dbReachable && s.busConnected && !paused?.paused) return c.json({ status: 'ready', checks: s });
    const why = [
      !s.dbReachable && `database (${s.db}) unreachable`,
      !s.busConnected && `bus (${s.bus}) disconnected`,
      paused?.paused && `storage paused ${Math.round((now() - paused.sinceMs) / 1000)} s ago after a failed write (${paused.reason}); JetStream keeps the data`,
    ]
      .filter(Boolean)
      .join('; ');
    return problemResponse({ type: 'https://zcp.dev/problems/not_ready', title: 'Service Unavailable', status: 503, code: 'not_ready', detail: why });
  });
  const metricsRegistry = deps.extraMetrics?.length ? Registry.merge([metrics.registry, ...deps.extraMetrics]) : metrics.registry;
  app.get('/metrics', async (c) => c.text(await metricsRegistry.metrics(), 200, { 'content-type': metricsRegistry.contentType }));
  const pdfPrinter = createPdfPrinter();
  const audit = createAuditLog(() => {
    if (!store) throw new Error('relay not started');
    return store.sql;
  });
  const auth = createRelayAuth(config.auth, deps.parks, audit, logger);
  const api = createApiApp({
    parks,
    get store() {
      if (!store) throw new Error('relay not started');
      return store;
    },
    now,
    onUnexpectedError: (err, path) => logger.error({ err, path }, 'unexpected error in HTTP handler'),
    pdfPrinter,
    auth: {
      verify: (t) => auth.verify(t),
      audit,
      ...(auth.devIdp && { devIdp: auth.devIdp }),
      ...(auth.loginUrl && { loginUrl: auth.loginUrl }),
      secureCookies: auth.secureCookies,
    },
    corsOrigins: config.auth.corsOrigins,
    rateLimiter: createRateLimiter(),
    ...(config.attachments.store === 'fs' && { attachments: createFsBlobStore(config.attachments.dir) }),
    attachmentMaxBytes: config.attachments.maxBytes,
    ingest: {
      get bus() {
        if (!bus) throw new Error('relay not started');
        return bus;
      },
      devices: deps.devices ?? loadDeviceAuthenticator(config, logger),
      maxBodyBytes: config.ingest.maxBodyBytes,
      onIngest: (summary) => {
        const log = logger.child({ component: 'ingest' });
        if (summary.rejected > 0) log.warn(summary, 'push ingest: some rows rejected');
        else log.debug(summary, 'push ingest');
      },
    },
  });
  app.route('/', api);
  mountWebApp(app, config.webDistDir, logger);
  app.onError((err, c) => {
    logger.error({ err, path: c.req.path }, 'unexpected error in HTTP handler');
    return problemResponse(toProblem(err, c.req.path));
  });

  const relay: Relay = {
    app,
    metrics,
    parks,
    get store() {
      if (!store) throw new Error('relay not started');
      return store;
    },
    get bus() {
      if (!bus) throw new Error('relay not started');
      return bus;
    },
    get port() {
      return (server?.address() as AddressInfo | null)?.port ?? config.port;
    },
    auth,
    get collab() {
      if (!collab) throw new Error('relay not started');
      return collab;
    },
    relayId,

    async start() {
      const t0 = performance.now();
      store ??= await createReadingStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, writerConnections: config.storageWorkers });
      const { applied } = await store.migrate();
      if (applied.length > 0) logger.info({ applied }, 'database migrations applied');
      dbReachable = true;
      const maintain = async () => {
        try {
          const r = await store?.maintainPartitions(partitionedTables(config.retention), now());
          if (r && r.dropped.length > 0) {
            metrics.partitionsDropped.inc(r.dropped.length);
            logger.info({ dropped: r.dropped }, 'retention: partitions dropped');
          }
        } catch (err) {
          logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'partition maintenance failed; retried next round');
        }
      };
      await maintain();
      maintenance = setInterval(maintain, config.partitionMaintenanceMs);
      maintenance.unref();
      const readyStore = store;
      gate = createStorageGate({ ping: () => readyStore.ping(), logger, metrics, now });
      for (const entry of parks.list()) entry.live.seed(await store.latest(entry.index.park.points.map((p) => p.id)));
      if (config.rollup.intervalMs > 0)
        rollups = startRollupWorker({
          db: store.sql,
          logger: logger.child({ component: 'rollups' }),
          now,
          intervalMs: config.rollup.intervalMs,
          graceMs: config.rollup.graceMs,
          quietMs: config.rollup.quietMs,
          maxMinutesPerRound: 1_000,
        });

      if (!bus) {
        if (config.natsUrl) {
          bus = await connectNatsBus({ url: config.natsUrl, name: 'zcp-relay', logger });
          logger.info({ url: config.natsUrl }, 'bus: NATS JetStream');
        } else {
          bus = createMemoryBus({ logger });
          logger.warn('bus: in-process (NATS_URL not set) — only collectors in this process can publish');
        }
      }
      for (const entry of parks.list()) {
        const park = entry.index.park;
        subscriptions.push(subscribeLive(park, bus, entry.live, logger));
        liveCarbon.push(await startLiveCarbon({ park, bus, logger, now, onWindow: (w) => fanout?.emitCarbonWindow(w) }));
        consumers.push(
          ...(await startStorageWorkers({
            park,
            bus,
            store,
            logger,
            metrics,
            batchMessages: config.storageBatchMessages,
            maxWaitMs: config.storageMaxWaitMs,
            workers: config.storageWorkers,
            retentionDays: config.retention.rawDays,
            gate,
            now,
          })),
        );
      }

      server = createServer(getRequestListener(app.fetch));
      fanout = attachSocketFanout({ httpServer: server, parks, logger, metrics, status, now, auth: { verify: (t) => auth.verify(t), audit } });
      collab = createCollab(config.collab, { relayId, parks, sql: store.sql, bus, logger, registry: metrics.registry, audit });
      collab.attach(fanout.io);
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(config.port, config.host, () => resolve());
      });
      logger.info(
        { port: relay.port, host: config.host, parks: parks.list().map((e) => e.index.park.id), startMs: Math.round(performance.now() - t0) },
        'relay listening',
      );
    },

    async stop() {
      // Queued document writes finish (and are acknowledged) before the sockets go.
      await collab?.stop();
      await fanout?.close();
      await pdfPrinter.close();
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      for (const s of subscriptions.splice(0)) s.unsubscribe();
      for (const c of liveCarbon.splice(0)) await c.stop();
      clearInterval(maintenance);
      gate?.stop();
      for (const c of consumers.splice(0)) await c.stop();
      await rollups?.stop();
      if (!deps.bus) await bus?.close();
      if (!deps.store) await store?.close();
      logger.info('relay stopped');
    },
  };
  return relay;
}

/** Device tokens from the environment (inline JSON or a file); none configured → every push is 401. */
function loadDeviceAuthenticator(config: RelayConfig, logger: Logger): DeviceAuthenticator {
  const text = config.ingest.devicesJson ?? (config.ingest.devicesFile ? readFileSync(config.ingest.devicesFile, 'utf8') : undefined);
  const entries = text === undefined ? [] : parseDeviceTokens(text);
  if (entries.length === 0) logger.info('push ingest: no device tokens configured (INGEST_DEVICES / INGEST_DEVICES_FILE); POST /api/ingest answers 401');
  else logger.info({ devices: entries.map((e) => e.deviceId) }, 'push ingest: device tokens loaded');
  return createStaticDeviceAuthenticator(entries);
}

/** Serves the built web app, with index.html for client-side routes. */
function mountWebApp(app: Hono, webDistDir: string | undefined, logger: Logger): void {
  const index = webDistDir ? join(webDistDir, 'index.html') : undefined;
  if (!webDistDir || !index || !existsSync(index)) {
    logger.warn({ webDistDir }, 'web app not built (no index.html): run `npm run build -w @zcp/web`; serving the API only');
    app.get('/', (c) =>
      c.html(
        '<!doctype html><meta charset="utf-8"><title>ZCP relay</title><p>The web app is not built. Run <code>npm run build -w @zcp/web</code>. API: <a href="/api/openapi.json">/api/openapi.json</a></p>',
      ),
    );
    return;
  }
  app.use('/*', serveStatic({ root: webDistDir }));
  app.get('*', async (c) => c.html(await readFile(index, 'utf8')));
}
