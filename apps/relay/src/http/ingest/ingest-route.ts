import type { Bus } from '@zcp/bus';
import {
  createSanityChecker,
  decide,
  defaultPointLimits,
  encodeTelemetryBatch,
  enterpriseOfAsset,
  type Park,
  type Point,
  PrincipalSchema,
  type SanityChecker,
  subjects,
  telemetryBatch,
} from '@zcp/model';
import { ApiError } from '../api-error.js';
import type { SecuredApp } from '../secured-app.js';
import { type DeviceAuthenticator, type DeviceIdentity, sha256Hex } from './device-auth.js';
import { type AcceptedRow, judgeRows, type RowResult } from './judge-rows.js';
import { type ParseResult, parseCsvBody, parseJsonBody } from './parse-body.js';

export const INGEST_PATH = '/api/ingest';
export const DEFAULT_INGEST_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_INGEST_MAX_ROWS = 10_000;
/** Rows per published TelemetryBatch (one message stays well under NATS's 1 MB payload). */
export const INGEST_ROWS_PER_BATCH = 2_000;
/** The batch `source` of pushed readings. */
export const INGEST_SOURCE = 'http-ingest';
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,100}$/;

export interface IngestDeps {
  /** Read lazily: the relay connects its bus at start(). */
  readonly bus: Bus;
  readonly devices: DeviceAuthenticator;
  maxBodyBytes?: number;
  maxRows?: number;
  /** Called once per answered request (log it, count it). */
  onIngest?(summary: IngestSummary): void;
}

export interface IngestSummary {
  deviceId: string;
  requestId: string;
  accepted: number;
  rejected: number;
  /** Rejections and sanity flags by code. */
  reasons: Record<string, number>;
}

export interface IngestResponse {
  requestId: string;
  deviceId: string;
  received: number;
  accepted: number;
  rejected: number;
  results: RowResult[];
}

/** Reads at most `limit` bytes of a body; undefined when it is larger (without reading it all). */
async function readBodyLimited(req: Request, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(req.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) return undefined;
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * `POST /api/ingest`: devices and other systems push readings (JSON batch or CSV) with a
 * per-device bearer token. Every row gets a result; accepted rows are published to the bus
 * as TelemetryBatches (one per asset) and stored by the normal storage path. Message ids are
 * `ingest:{deviceId}:{requestId}:{first row}`, where requestId is the `Idempotency-Key`
 * header or else the SHA-256 of the body — so a retried request de-duplicates on the bus.
 *
 * @example
 * curl -H 'authorization: Bearer $TOKEN' -H 'content-type: text/csv' --data-binary $'point,ts,value\npv1.p_kw,2026-11-25T12:00:00Z,41.5' /api/ingest
 */
export function registerIngestRoute(app: SecuredApp, parks: () => readonly Park[], deps: IngestDeps, now: () => number): void {
  const maxBody = deps.maxBodyBytes ?? DEFAULT_INGEST_MAX_BODY_BYTES;
  const maxRows = deps.maxRows ?? DEFAULT_INGEST_MAX_ROWS;
  let index:
    | {
        byId: Map<number, Point>;
        byTag: Map<string, Point>;
        parkOf: Map<number, Park>;
        checkers: Map<string, SanityChecker>;
        ownerOfAsset: Map<string, string | null>;
      }
    | undefined;
  const indexOf = () => {
    if (index) return index;
    const built = {
      byId: new Map<number, Point>(),
      byTag: new Map<string, Point>(),
      parkOf: new Map<number, Park>(),
      checkers: new Map<string, SanityChecker>(),
      ownerOfAsset: new Map<string, string | null>(),
    };
    for (const park of parks()) {
      for (const a of park.assets) built.ownerOfAsset.set(`${park.id}/${a.id}`, enterpriseOfAsset(park, a));
      built.checkers.set(park.id, createSanityChecker(defaultPointLimits(park)));
      for (const p of park.points) {
        built.byId.set(p.id, p);
        if (!built.byTag.has(p.tag)) built.byTag.set(p.tag, p);
        built.parkOf.set(p.id, park);
      }
    }
    index = built;
    return built;
  };

  app.post(INGEST_PATH, async (c) => {
    const auth = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1];
    if (!token) throw new ApiError(401, 'unauthorized', 'missing bearer token: send `Authorization: Bearer <device token>`');
    const device = await deps.devices.authenticate(token);
    if (!device) throw new ApiError(401, 'unauthorized', 'unknown or revoked device token');

    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type !== 'application/json' && type !== 'text/csv') {
      throw new ApiError(415, 'unsupported_media_type', `content-type must be application/json or text/csv, got '${type || '(none)'}'`);
    }
    const body = await readBodyLimited(c.req.raw, maxBody);
    if (!body) throw new ApiError(413, 'payload_too_large', `body larger than ${maxBody} bytes: split the batch`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      throw new ApiError(400, 'invalid_encoding', 'body is not valid UTF-8');
    }
    const parsed: ParseResult = type === 'text/csv' ? parseCsvBody(text) : parseJsonBody(text);
    if (!parsed.ok) throw new ApiError(400, parsed.code, parsed.reason);
    if (parsed.rows.length === 0) throw new ApiError(400, 'empty_batch', 'no readings in the body');
    if (parsed.rows.length > maxRows) throw new ApiError(413, 'too_many_rows', `${parsed.rows.length} rows; at most ${maxRows} per request`);

    const key = c.req.header('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
      throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1–100 of A–Z a–z 0–9 _ . : -');
    const requestId = key ?? (await sha256Hex(body)).slice(0, 32);

    const ix = indexOf();
    const receivedAt = now();
    const { results, accepted } = judgeRows(parsed.rows, {
      device: withPolicy(device, ix),
      receivedAt,
      pointById: (id) => ix.byId.get(id),
      pointByTag: (tag) => ix.byTag.get(tag),
      checkerOf: (p) => {
        const park = ix.parkOf.get(p.id);
        return park ? ix.checkers.get(park.id) : undefined;
      },
    });
    await publishAccepted(deps.bus, accepted, ix.parkOf, `ingest:${device.deviceId}:${requestId}`, receivedAt);
    const response: IngestResponse = {
      requestId,
      deviceId: device.deviceId,
      received: parsed.rows.length,
      accepted: accepted.length,
      rejected: parsed.rows.length - accepted.length,
      results,
    };
    const reasons: Record<string, number> = {};
    for (const r of results) {
      const code = r.status === 'rejected' ? r.reason : r.flag;
      if (code) reasons[code] = (reasons[code] ?? 0) + 1;
    }
    deps.onIngest?.({ deviceId: device.deviceId, requestId, accepted: response.accepted, rejected: response.rejected, reasons });
    return c.json(response);
  });
}

/** One batch per (park, asset) and chunk, msg id from the request id and the chunk's first row. */
async function publishAccepted(
  bus: Bus,
  accepted: readonly AcceptedRow[],
  parkOf: ReadonlyMap<number, Park>,
  idPrefix: string,
  receivedAt: number,
): Promise<void> {
  const groups = new Map<string, { park: Park; assetId: string; rows: AcceptedRow[] }>();
  for (const a of accepted) {
    const park = parkOf.get(a.point.id) as Park;
    const k = `${park.id}/${a.point.assetId}`;
    let g = groups.get(k);
    if (!g) {
      g = { park, assetId: a.point.assetId, rows: [] };
      groups.set(k, g);
    }
    g.rows.push(a);
  }
  const publishes: Promise<unknown>[] = [];
  for (const g of groups.values()) {
    for (let i = 0; i < g.rows.length; i += INGEST_ROWS_PER_BATCH) {
      const chunk = g.rows.slice(i, i + INGEST_ROWS_PER_BATCH);
      const batchId = `${idPrefix}:${(chunk[0] as AcceptedRow).row}`;
      const batch = telemetryBatch(
        { batchId, parkId: g.park.id, assetId: g.assetId, source: INGEST_SOURCE },
        chunk.map((r) => r.reading),
        chunk.map(() => receivedAt),
      );
      publishes.push(bus.publish(subjects.telemetry(g.park.id, g.assetId), encodeTelemetryBatch(batch), { msgId: batchId }));
    }
  }
  const settled = await Promise.allSettled(publishes);
  const failed = settled.filter((s) => s.status === 'rejected').length;
  if (failed > 0) {
    // Message ids are deterministic, so retrying the whole request cannot double-store.
    throw new ApiError(503, 'bus_unavailable', `${failed} of ${settled.length} batches could not be published; retry the request (it is idempotent)`);
  }
}

/**
 * The device's own scope (its assets and points) AND the access policy (issue 7): a device is
 * a principal with role `device`, member of the parks and enterprises its allowed points belong
 * to, and each row must be `ingest.write` on the point's park and enterprise — the same `decide`
 * every door asks.
 */
function withPolicy(device: DeviceIdentity, ix: { parkOf: Map<number, Park>; ownerOfAsset: Map<string, string | null> }): DeviceIdentity {
  const principal = (parkId: string, enterpriseId: string | null) =>
    PrincipalSchema.parse({ sub: `device:${device.deviceId}`, role: 'device', parkIds: [parkId], enterpriseIds: enterpriseId ? [enterpriseId] : [] });
  return {
    deviceId: device.deviceId,
    allows: (p) => {
      if (!device.allows(p)) return false;
      const park = ix.parkOf.get(p.id);
      if (!park) return false;
      const enterpriseId = ix.ownerOfAsset.get(`${park.id}/${p.assetId}`) ?? null;
      return decide(principal(park.id, enterpriseId), 'ingest.write', { parkId: park.id, enterpriseId }).allow;
    },
  };
}
