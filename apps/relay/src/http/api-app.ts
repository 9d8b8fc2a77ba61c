import { belongsToPark, IdSchema, type PointHistory, type Principal, summarizePark, visiblePark, visiblePointIds } from '@zcp/model';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { z } from 'zod';
import type { BlobStore } from '../attachments/blob-store.js';
import { createSqlBlobStore } from '../attachments/sql-blob-store.js';
import { type AuditLog, createAuditLog } from '../auth/audit-log.js';
import { AuthError } from '../auth/auth-error.js';
import type { DevIdp } from '../auth/dev-idp.js';
import { createPdfPrinter, type PdfPrinter } from '../carbon/report/index.js';
import type { ParkRegistry } from '../parks/park-registry.js';
import type { ReadingStore } from '../storage/reading-store.js';
import { historyFromRollups } from '../storage/rollups/index.js';
import { ApiError, problemResponse, toProblem } from './api-error.js';
import { registerAttachmentRoutes } from './attachment-routes.js';
import { registerAuthRoutes, TOKEN_COOKIE } from './auth-routes.js';
import { registerCarbonImportRoutes } from './carbon-import-routes.js';
import { registerCarbonReportRoutes } from './carbon-report-routes.js';
import { registerCarbonRoutes } from './carbon-routes.js';
import { registerDeviceCredentialRoutes } from './device-credential-routes.js';
import { registerEnergyRoute } from './energy-route.js';
import { resolveHistoryRange } from './history-range.js';
import { anyDeviceAuthenticator, createDeviceCredentialStore, type DeviceCredentialStore } from './ingest/device-credentials.js';
import { type IngestDeps, registerIngestRoute } from './ingest/index.js';
import { openApiDocument } from './openapi.js';
import type { RateLimiter } from './rate-limit.js';
import { routePolicies } from './route-policies.js';
import { type ApiEnv, RateLimitedError, type SecuredApp, securedApp } from './secured-app.js';

/** Who is asking, and where refusals are recorded (issue 7). */
export interface ApiAuth {
  /** The principal of a bearer token; throws AuthError (→ 401 with its code) for a bad one. */
  verify(token: string): Promise<Principal>;
  audit?: AuditLog;
  /** DEVELOPMENT ONLY: the built-in IdP's login, token and JWKS routes. */
  devIdp?: DevIdp | Promise<DevIdp>;
  loginUrl?: string;
  secureCookies?: boolean;
}

export interface ApiDeps {
  /**
   * Authentication and the access policy on every route. Absent only in in-process tests of
   * handlers: the relay always passes it (dev IdP or OIDC).
   */
  auth?: ApiAuth;
  parks: ParkRegistry;
  store: ReadingStore;
  now: () => number;
  /** Called for every unexpected error (500), with the request path: log it. */
  onUnexpectedError?: (err: unknown, path: string) => void;
  /** Push ingest (`POST /api/ingest`); without it the route answers 404 like any unknown one. */
  ingest?: IngestDeps;
  /** Where annotation photos live; default: the `attachments` table of `store`. */
  attachments?: BlobStore;
  /** Origins allowed to call the API from other sites (CORS_ORIGINS); none by default (same origin only). */
  corsOrigins?: readonly string[];
  /** Per-identity limits on sign-in, writes and ingest (the relay passes one; absent = unlimited). */
  rateLimiter?: RateLimiter;
  /** Push-ingest credentials issued through the API; default: the `device_credentials` table of `store`. */
  deviceCredentials?: DeviceCredentialStore;
  /** Prints declaration reports to PDF; default: one printer per app, Chromium launched on first use. */
  pdfPrinter?: PdfPrinter;
  /** Largest accepted attachment, bytes (default 10 MiB). */
  attachmentMaxBytes?: number;
}

const PointIdParam = z.coerce.number().int().positive().max(2_147_483_647);

/**
 * The read API as a Web-standard Hono app: only `Request` in and `Response` out, no Node
 * APIs, so `app.fetch` runs unchanged on Node and on edge runtimes.
 *
 * @example
 * const api = createApiApp({ parks, store, now: Date.now }); await api.request('/api/parks')
 * @see ./openapi.ts for the documented contract
 */
/** Largest JSON body of a write, bytes. */
export const JSON_BODY_MAX_BYTES = 1024 * 1024;
/** Routes that take files or batches and enforce their own (larger) limit. */
const OWN_BODY_LIMIT = /^\/api\/(ingest|parks\/[^/]+\/attachments|carbon\/parks\/[^/]+\/activity\/import)$/;

const ROUTE_TABLES = new WeakMap<object, SecuredApp['routes']>();
/** The routes an API app serves, each with its access policy (the access-matrix test walks it). */
export function routeTableOf(app: Hono<ApiEnv>): SecuredApp['routes'] {
  return ROUTE_TABLES.get(app) ?? [];
}

export function createApiApp(deps: ApiDeps): Hono<ApiEnv> {
  const hono = new Hono<ApiEnv>();
  // Security headers on every API answer; API answers may load nothing (HTML routes set their own
  // CSP). Only under /api: this app is mounted at the root of the relay, whose web app has its own.
  hono.use(
    '/api/*',
    secureHeaders({
      crossOriginResourcePolicy: 'same-origin',
      referrerPolicy: 'no-referrer',
      strictTransportSecurity: deps.auth?.secureCookies ? 'max-age=31536000; includeSubDomains' : false,
    }),
  );
  hono.use('/api/*', async (c, next) => {
    await next();
    if (!c.res.headers.has('content-security-policy')) c.res.headers.set('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  });
  if (deps.corsOrigins?.length)
    hono.use('/api/*', cors({ origin: [...deps.corsOrigins], allowHeaders: ['authorization', 'content-type', 'idempotency-key'], maxAge: 600 }));
  // Body size: JSON writes are small; routes that take files or batches check their own limit.
  const limitJson = bodyLimit({
    maxSize: JSON_BODY_MAX_BYTES,
    onError: () => {
      throw new ApiError(413, 'body_too_large', `the body is larger than ${JSON_BODY_MAX_BYTES} bytes`);
    },
  });
  hono.use('/api/*', (c, next) => (c.req.method === 'GET' || OWN_BODY_LIMIT.test(c.req.path) ? next() : limitJson(c, next)));
  const attachments = deps.attachments ?? createSqlBlobStore(() => deps.store.sql);
  hono.use('/api/*', async (c, next) => {
    c.set('principal', undefined);
    c.set('authError', undefined);
    c.set('mask', 'none');
    if (!deps.auth) return next();
    const header = c.req.header('authorization');
    const token = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : getCookie(c, TOKEN_COOKIE);
    if (token) {
      try {
        c.set('principal', await deps.auth.verify(token));
      } catch (err) {
        // Kept, not thrown: a route that needs a principal answers 401 with this code; public
        // routes and device routes (their own tokens) are not affected by it.
        if (err instanceof AuthError) c.set('authError', { code: err.code, message: err.message });
        else throw err;
      }
    }
    return next();
  });
  const app = securedApp(hono, {
    policies: routePolicies({ parks: deps.parks, sql: () => deps.store.sql, attachments: () => attachments }),
    enforce: deps.auth !== undefined,
    ...(deps.rateLimiter && { rateLimiter: deps.rateLimiter }),
    onDenied: (c, d) => {
      const p = c.get('principal');
      void deps.auth?.audit
        ?.append({
          event: 'access_denied',
          outcome: 'denied',
          principal: p,
          parkId: d.target?.parkId ?? null,
          enterpriseId: d.target?.enterpriseId ?? null,
          resource: `${c.req.method} ${c.req.path}`,
          ip: c.req.header('x-forwarded-for') ?? undefined,
          userAgent: c.req.header('user-agent'),
          detail: { status: d.status, code: d.code, reason: d.reason, ...(d.action && { action: d.action }) },
        })
        .catch(() => {});
    },
  });

  app.get('/api/openapi.json', (c) => c.json(openApiDocument));
  registerAuthRoutes(app, {
    ...(deps.auth?.devIdp && { devIdp: deps.auth.devIdp }),
    ...(deps.auth?.loginUrl && { loginUrl: deps.auth.loginUrl }),
    ...(deps.auth?.audit && { audit: deps.auth.audit }),
    auditLog: () => deps.auth?.audit ?? createAuditLog(() => deps.store.sql),
    secureCookies: deps.auth?.secureCookies ?? false,
  });

  app.get('/api/parks', (c) => {
    const p = c.get('principal');
    const mine = deps.parks.list().filter((e) => !deps.auth || (p !== undefined && belongsToPark(p, e.index.park.id)));
    return c.json(mine.map((e) => summarizePark(e.index.park)));
  });

  app.get('/api/parks/:parkId', (c) => c.json(visiblePark(requirePark(deps, c.req.param('parkId')).index.park, c.get('principal'), c.get('mask'))));

  app.get('/api/parks/:parkId/state', (c) => {
    const entry = requirePark(deps, c.req.param('parkId'));
    const visible = visiblePointIds(entry.index.park, c.get('principal'), c.get('mask'));
    const values = entry.live.snapshot();
    return c.json({ parkId: entry.index.park.id, ts: deps.now(), values: visible ? values.filter((v) => visible.has(v[0])) : values });
  });

  app.get('/api/points/:pointId/history', async (c) => {
    const id = PointIdParam.safeParse(c.req.param('pointId'));
    if (!id.success) throw ApiError.fromZod('invalid_point_id', id.error, 'path');
    if (!deps.parks.ofPoint(id.data)) throw new ApiError(404, 'point_not_found', `no point with id ${id.data}`);
    const range = resolveHistoryRange(c.req.query(), deps.now());
    const buckets =
      range.resolution === 'raw'
        ? await deps.store.history(id.data, range.fromMs, range.toMs, range.bucketMs)
        : await historyFromRollups(deps.store.sql, { pointId: id.data, ...range });
    const body: PointHistory = {
      pointId: id.data,
      from: new Date(range.fromMs).toISOString(),
      to: new Date(range.toMs).toISOString(),
      bucketMs: range.bucketMs,
      resolution: range.resolution,
      buckets,
    };
    return c.json(body);
  });

  registerEnergyRoute(app, { park: (parkId) => requirePark(deps, parkId).index.park, sql: () => deps.store.sql, now: deps.now });

  const carbonDeps = { park: (parkId: string) => requirePark(deps, parkId).index.park, sql: () => deps.store.sql, now: deps.now };
  registerCarbonRoutes(app, carbonDeps);
  registerCarbonImportRoutes(app, carbonDeps);
  let pdf = deps.pdfPrinter;
  registerCarbonReportRoutes(app, {
    ...carbonDeps,
    pdf: () => {
      pdf ??= createPdfPrinter();
      return pdf;
    },
  });

  registerAttachmentRoutes(app, {
    store: () => attachments,
    requirePark: (parkId) => void requirePark(deps, parkId),
    maxBytes: deps.attachmentMaxBytes ?? 10 * 1024 * 1024,
  });

  const credentials = deps.deviceCredentials ?? createDeviceCredentialStore(() => deps.store.sql);
  registerDeviceCredentialRoutes(app, {
    park: (parkId) => requirePark(deps, parkId).index.park,
    credentials: () => credentials,
    ...(deps.auth?.audit && { audit: deps.auth.audit }),
  });
  if (deps.ingest)
    registerIngestRoute(
      app,
      () => deps.parks.list().map((e) => e.index.park),
      {
        // Not spread: the relay's ingest deps hold the bus behind a getter valid only once started.
        get bus() {
          return (deps.ingest as IngestDeps).bus;
        },
        ...(deps.ingest.maxBodyBytes !== undefined && { maxBodyBytes: deps.ingest.maxBodyBytes }),
        ...(deps.ingest.maxRows !== undefined && { maxRows: deps.ingest.maxRows }),
        devices: anyDeviceAuthenticator([deps.ingest.devices, credentials]),
        onIngest: (summary) => {
          deps.ingest?.onIngest?.(summary);
          // Rows for points the device may not write: a cross-tenant attempt, on the audit trail.
          const refused = summary.reasons.point_not_allowed ?? 0;
          if (refused > 0)
            void deps.auth?.audit
              ?.append({
                event: 'access_denied',
                outcome: 'denied',
                principal: { sub: `device:${summary.deviceId}`, role: 'device' },
                resource: 'POST /api/ingest',
                detail: { requestId: summary.requestId, rowsRefused: refused, reason: 'point_not_allowed' },
              })
              .catch(() => {});
        },
      },
      deps.now,
    );

  hono.all('/api/*', (c) => problemResponse(toProblem(new ApiError(404, 'not_found', `no API route ${c.req.method} ${c.req.path}`), c.req.path)));

  hono.onError((err, c) => {
    const problem = toProblem(err, c.req.path);
    if (problem.status >= 500) deps.onUnexpectedError?.(err, c.req.path);
    const res = problemResponse(problem);
    if (problem.status === 401) res.headers.set('www-authenticate', 'Bearer realm="zcp"');
    if (err instanceof RateLimitedError) res.headers.set('retry-after', String(err.retryAfterS));
    return res;
  });
  ROUTE_TABLES.set(hono, app.routes);
  return hono;
}

function requirePark(deps: ApiDeps, parkId: string) {
  if (!IdSchema.safeParse(parkId).success) throw new ApiError(400, 'invalid_park_id', `'${parkId}' is not a valid park id`);
  const entry = deps.parks.get(parkId);
  if (!entry) throw new ApiError(404, 'park_not_found', `no park '${parkId}'`);
  return entry;
}
