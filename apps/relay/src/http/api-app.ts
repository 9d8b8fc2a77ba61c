import { IdSchema, type PointHistory, summarizePark } from '@zcp/model';
import { Hono } from 'hono';
import { z } from 'zod';
import type { BlobStore } from '../attachments/blob-store.js';
import { createSqlBlobStore } from '../attachments/sql-blob-store.js';
import { createPdfPrinter, type PdfPrinter } from '../carbon/report/index.js';
import type { ParkRegistry } from '../parks/park-registry.js';
import type { ReadingStore } from '../storage/reading-store.js';
import { historyFromRollups } from '../storage/rollups/index.js';
import { ApiError, problemResponse, toProblem } from './api-error.js';
import { registerAttachmentRoutes } from './attachment-routes.js';
import { registerCarbonImportRoutes } from './carbon-import-routes.js';
import { registerCarbonReportRoutes } from './carbon-report-routes.js';
import { registerCarbonRoutes } from './carbon-routes.js';
import { registerEnergyRoute } from './energy-route.js';
import { resolveHistoryRange } from './history-range.js';
import { type IngestDeps, registerIngestRoute } from './ingest/index.js';
import { openApiDocument } from './openapi.js';

export interface ApiDeps {
  parks: ParkRegistry;
  store: ReadingStore;
  now: () => number;
  /** Called for every unexpected error (500), with the request path: log it. */
  onUnexpectedError?: (err: unknown, path: string) => void;
  /** Push ingest (`POST /api/ingest`); without it the route answers 404 like any unknown one. */
  ingest?: IngestDeps;
  /** Where annotation photos live; default: the `attachments` table of `store`. */
  attachments?: BlobStore;
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
export function createApiApp(deps: ApiDeps): Hono {
  const app = new Hono();

  app.get('/api/openapi.json', (c) => c.json(openApiDocument));

  app.get('/api/parks', (c) => c.json(deps.parks.list().map((e) => summarizePark(e.index.park))));

  app.get('/api/parks/:parkId', (c) => c.json(requirePark(deps, c.req.param('parkId')).index.park));

  app.get('/api/parks/:parkId/state', (c) => {
    const entry = requirePark(deps, c.req.param('parkId'));
    return c.json({ parkId: entry.index.park.id, ts: deps.now(), values: entry.live.snapshot() });
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

  const attachments = deps.attachments ?? createSqlBlobStore(() => deps.store.sql);
  registerAttachmentRoutes(app, {
    store: () => attachments,
    requirePark: (parkId) => void requirePark(deps, parkId),
    maxBytes: deps.attachmentMaxBytes ?? 10 * 1024 * 1024,
  });

  if (deps.ingest) registerIngestRoute(app, () => deps.parks.list().map((e) => e.index.park), deps.ingest, deps.now);

  app.all('/api/*', (c) => problemResponse(toProblem(new ApiError(404, 'not_found', `no API route ${c.req.method} ${c.req.path}`), c.req.path)));

  app.onError((err, c) => {
    const problem = toProblem(err, c.req.path);
    if (problem.status >= 500) deps.onUnexpectedError?.(err, c.req.path);
    const res = problemResponse(problem);
    if (problem.status === 401) res.headers.set('www-authenticate', 'Bearer realm="zcp"');
    return res;
  });
  return app;
}

function requirePark(deps: ApiDeps, parkId: string) {
  if (!IdSchema.safeParse(parkId).success) throw new ApiError(400, 'invalid_park_id', `'${parkId}' is not a valid park id`);
  const entry = deps.parks.get(parkId);
  if (!entry) throw new ApiError(404, 'park_not_found', `no park '${parkId}'`);
  return entry;
}
