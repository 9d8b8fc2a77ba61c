import { enterpriseOfAsset, type Target } from '@zcp/model';
import type { BlobStore } from '../attachments/blob-store.js';
import { ledgerEntryById } from '../carbon/ledger/index.js';
import type { ParkRegistry } from '../parks/park-registry.js';
import type { SqlClient } from '../storage/sql-client.js';
import { ApiError } from './api-error.js';
import type { ApiContext, RouteKey, RoutePolicy } from './secured-app.js';

export interface PolicyDeps {
  parks: ParkRegistry;
  sql: () => SqlClient;
  attachments: () => BlobStore;
}

const park = (c: ApiContext): Target => ({ parkId: c.req.param('parkId') ?? '' });
/** The enterprise a query names (`?enterpriseId=`), else the park as a whole. */
const parkOrQueryEnterprise = (c: ApiContext): Target => ({ parkId: c.req.param('parkId') ?? '', enterpriseId: c.req.query('enterpriseId') ?? null });
/**
 * Writes whose rows name their enterprises (manual activity, imports): an enterprise-scoped
 * principal acts for its own enterprise and the handler rejects rows of any other one, row by
 * row; a park-wide principal acts for the park.
 */
const actingEnterprise = (c: ApiContext): Target => {
  const p = c.get('principal');
  const scoped = p && p.enterpriseIds.length > 0 && p.role !== 'platform_admin' && p.role !== 'park_operator';
  return { parkId: c.req.param('parkId') ?? '', enterpriseId: scoped ? (p.enterpriseIds[0] ?? null) : null };
};

/**
 * The access rule of every HTTP route (docs/SECURITY.md prints this table). `securedApp`
 * refuses to register a route that is not here, and the matrix test requests every route as
 * every role and checks the answer against `decide`.
 */
export function routePolicies(deps: PolicyDeps): Record<RouteKey, RoutePolicy> {
  return {
    'GET /api/openapi.json': { kind: 'public', why: 'the API description holds no data' },
    'GET /api/parks': { kind: 'signed_in' },
    'GET /api/auth/me': { kind: 'public', why: 'answers who the caller is, or null' },
    'GET /api/auth/dev/jwks.json': { kind: 'public', why: 'public keys of the development IdP' },
    'GET /api/auth/dev/login': { kind: 'public', why: 'the development sign-in page' },
    'POST /api/auth/dev/token': { kind: 'public', why: 'development sign-in (rate limited, audited)' },
    'POST /api/auth/logout': { kind: 'public', why: 'clears the session cookie' },
    'GET /api/parks/:parkId': { kind: 'action', action: 'park.read', target: park },
    'GET /api/parks/:parkId/state': { kind: 'action', action: 'park.read', target: park },
    'GET /api/points/:pointId/history': {
      kind: 'action',
      action: 'readings.read',
      target: (c) => {
        const id = Number(c.req.param('pointId'));
        const entry = Number.isInteger(id) ? deps.parks.ofPoint(id) : undefined;
        if (!entry) throw new ApiError(404, 'point_not_found', `no point with id ${c.req.param('pointId')}`);
        const point = entry.index.pointById.get(id);
        const asset = point ? entry.index.assetById.get(point.assetId) : undefined;
        return { parkId: entry.index.park.id, enterpriseId: asset ? enterpriseOfAsset(entry.index.park, asset) : null };
      },
    },
    'GET /api/parks/:parkId/energy': { kind: 'action', action: 'carbon.read', target: park },
    'GET /api/carbon/parameters': { kind: 'signed_in' },
    'GET /api/carbon/factors': { kind: 'signed_in' },
    'GET /api/carbon/parks/:parkId/activity': { kind: 'action', action: 'carbon.read', target: parkOrQueryEnterprise },
    'POST /api/carbon/parks/:parkId/activity': { kind: 'action', action: 'carbon.write', target: actingEnterprise },
    'GET /api/carbon/parks/:parkId/activity/metered': { kind: 'action', action: 'carbon.read', target: parkOrQueryEnterprise },
    'GET /api/carbon/parks/:parkId/activity/template': { kind: 'action', action: 'carbon.read', target: park },
    'POST /api/carbon/parks/:parkId/activity/import': { kind: 'action', action: 'carbon.write', target: actingEnterprise },
    'GET /api/carbon/parks/:parkId/ledger': { kind: 'action', action: 'carbon.read', target: parkOrQueryEnterprise },
    'GET /api/carbon/parks/:parkId/ledger/entries': { kind: 'action', action: 'carbon.read', target: parkOrQueryEnterprise },
    'POST /api/carbon/parks/:parkId/ledger/compute': {
      kind: 'action',
      action: 'carbon.write',
      target: async (c) => {
        const body: unknown = await c.req.json().catch(() => undefined);
        const enterpriseId = typeof body === 'object' && body !== null && 'enterpriseId' in body ? body.enterpriseId : undefined;
        return { parkId: c.req.param('parkId') ?? '', enterpriseId: typeof enterpriseId === 'string' ? enterpriseId : null };
      },
    },
    'POST /api/carbon/parks/:parkId/ledger/entries/:entryId/reproduce': {
      kind: 'action',
      action: 'carbon.read',
      target: async (c) => {
        const parkId = c.req.param('parkId') ?? '';
        const id = Number(c.req.param('entryId'));
        const entry = Number.isInteger(id) && id > 0 && deps.parks.get(parkId) ? await ledgerEntryById(deps.sql(), parkId, id) : undefined;
        // A principal who may not read the entry's enterprise is refused before it learns whether it exists.
        return { parkId, enterpriseId: entry?.enterpriseId ?? null };
      },
    },
    'GET /api/carbon/parks/:parkId/report': { kind: 'action', action: 'carbon.read', target: park },
    'POST /api/parks/:parkId/attachments': { kind: 'action', action: 'annotation.write', target: parkOrQueryEnterprise },
    'GET /api/attachments/:attachmentId': {
      kind: 'action',
      action: 'annotation.read',
      target: async (c) => {
        const blob = await deps.attachments().get(c.req.param('attachmentId') ?? '');
        if (!blob) throw new ApiError(404, 'attachment_not_found', `no attachment '${c.req.param('attachmentId')}'`);
        return { parkId: blob.meta.parkId, enterpriseId: blob.meta.enterpriseId ?? null };
      },
    },
    'GET /api/parks/:parkId/devices/credentials': { kind: 'action', action: 'config.write', target: park },
    'POST /api/parks/:parkId/devices/credentials': { kind: 'action', action: 'config.write', target: park },
    'DELETE /api/parks/:parkId/devices/credentials/:credentialId': { kind: 'action', action: 'config.write', target: park },
    'POST /api/ingest': { kind: 'device', why: 'per-device bearer tokens, checked by the ingest route' },
    'GET /api/audit': {
      kind: 'action',
      action: 'audit.read',
      target: (c) => {
        const p = c.get('principal');
        const first = p?.parkIds.find((x) => x !== '*');
        return { parkId: c.req.query('parkId') ?? first ?? '*' };
      },
    },
  };
}
