import type { Park } from '@zcp/model';
import { z } from 'zod';
import type { AuditLog } from '../auth/audit-log.js';
import { ApiError } from './api-error.js';
import type { DeviceCredentialStore } from './ingest/device-credentials.js';
import type { SecuredApp } from './secured-app.js';

export interface DeviceCredentialRouteDeps {
  park(parkId: string): Park;
  credentials(): DeviceCredentialStore;
  audit?: AuditLog;
}

const IssueBody = z
  .object({
    deviceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    assets: z.array(z.string().max(64)).max(10_000).default([]),
    points: z.array(z.number().int().positive()).max(100_000).default([]),
  })
  .strict()
  .refine((b) => b.assets.length + b.points.length > 0, { message: 'allow at least one asset or point' });

/**
 * Push-ingest credentials of a park (issue 7; park operators and platform admins):
 * `POST …/devices/credentials` issues a token (answered once, stored hashed), `GET` lists them
 * without secrets, `DELETE …/credentials/:id` revokes one. Every change is audited.
 */
export function registerDeviceCredentialRoutes(app: SecuredApp, deps: DeviceCredentialRouteDeps): void {
  app.get('/api/parks/:parkId/devices/credentials', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    return c.json({ credentials: await deps.credentials().list(park.id) });
  });

  app.post('/api/parks/:parkId/devices/credentials', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    const raw = await c.req.json().catch(() => {
      throw new ApiError(400, 'invalid_json', 'the body is not JSON');
    });
    const body = IssueBody.safeParse(raw);
    if (!body.success) throw ApiError.fromZod('invalid_body', body.error, 'body');
    const assets = new Set(park.assets.map((a) => a.id));
    const points = new Set(park.points.map((p) => p.id));
    const unknown = [...body.data.assets.filter((a) => !assets.has(a)), ...body.data.points.filter((p) => !points.has(p)).map(String)];
    if (unknown.length) throw new ApiError(400, 'unknown_targets', `not in park '${park.id}': ${unknown.slice(0, 20).join(', ')}`);
    const p = c.get('principal');
    const { credential, token } = await deps.credentials().issue({ parkId: park.id, ...body.data, ...(p && { createdBy: p.sub }) });
    await deps.audit?.append({
      event: 'config_change',
      outcome: 'succeeded',
      principal: p,
      parkId: park.id,
      resource: `${c.req.method} ${c.req.path}`,
      detail: { change: 'device_credential_issued', credentialId: credential.id, deviceId: credential.deviceId },
    });
    c.header('cache-control', 'no-store');
    return c.json({ credential, token }, 201);
  });

  app.delete('/api/parks/:parkId/devices/credentials/:credentialId', async (c) => {
    const park = deps.park(c.req.param('parkId'));
    const id = Number(c.req.param('credentialId'));
    if (!Number.isInteger(id) || id <= 0) throw new ApiError(400, 'invalid_credential_id', `'${c.req.param('credentialId')}' is not a credential id`);
    const p = c.get('principal');
    const revoked = await deps.credentials().revoke(park.id, id, p?.sub);
    if (!revoked) throw new ApiError(404, 'credential_not_found', `no device credential ${id} in park '${park.id}'`);
    await deps.audit?.append({
      event: 'config_change',
      outcome: 'succeeded',
      principal: p,
      parkId: park.id,
      resource: `${c.req.method} ${c.req.path}`,
      detail: { change: 'device_credential_revoked', credentialId: id, deviceId: revoked.deviceId },
    });
    return c.body(null, 204);
  });
}
