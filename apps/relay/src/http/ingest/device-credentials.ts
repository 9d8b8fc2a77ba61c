import type { Point } from '@zcp/model';
import type { SqlClient } from '../../storage/sql-client.js';
import { type DeviceAuthenticator, type DeviceIdentity, sha256Hex } from './device-auth.js';

export interface DeviceCredential {
  id: number;
  parkId: string;
  deviceId: string;
  assets: string[];
  points: number[];
  createdAt: string;
  createdBy: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

interface Row {
  id: number;
  park_id: string;
  device_id: string;
  assets: string[] | string;
  points: number[] | string;
  created_ms: number;
  created_by: string | null;
  revoked_ms: number | null;
  revoked_by: string | null;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const COLUMNS = `id::float8 as id, park_id, device_id, assets, points, (extract(epoch from created_at) * 1000)::float8 as created_ms, created_by,
  (extract(epoch from revoked_at) * 1000)::float8 as revoked_ms, revoked_by`;
const toCredential = (r: Row): DeviceCredential => ({
  id: r.id,
  parkId: r.park_id,
  deviceId: r.device_id,
  assets: json(r.assets),
  points: json(r.points),
  createdAt: new Date(r.created_ms).toISOString(),
  createdBy: r.created_by,
  revokedAt: r.revoked_ms === null ? null : new Date(r.revoked_ms).toISOString(),
  revokedBy: r.revoked_by,
});

/** 32 random bytes, base64url: the token a device presents (shown once, stored as SHA-256). */
function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return `zcpd_${btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

export interface DeviceCredentialStore extends DeviceAuthenticator {
  issue(input: {
    parkId: string;
    deviceId: string;
    assets: string[];
    points: number[];
    createdBy?: string;
  }): Promise<{ credential: DeviceCredential; token: string }>;
  revoke(parkId: string, id: number, revokedBy?: string): Promise<DeviceCredential | undefined>;
  list(parkId: string): Promise<DeviceCredential[]>;
}

/**
 * Device credentials in `device_credentials` (migration 0009): issued with a random token that
 * is returned once and stored as its SHA-256, looked up by that hash, revocable. A presented
 * token is re-checked at most `cacheMs` after it was last seen (default 5 s), so a revocation
 * takes effect within that time on every relay.
 *
 * @example
 * const { token } = await creds.issue({ parkId: 'demo', deviceId: 'gw-1', assets: ['pv-1'], points: [] })
 */
export function createDeviceCredentialStore(sql: () => SqlClient, options: { cacheMs?: number; now?: () => number } = {}): DeviceCredentialStore {
  const cacheMs = options.cacheMs ?? 5_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; identity: DeviceIdentity | undefined }>();
  return {
    async authenticate(token) {
      if (token.length === 0 || token.length > 4096) return undefined;
      const hash = await sha256Hex(token);
      const hit = cache.get(hash);
      if (hit && now() - hit.at < cacheMs) return hit.identity;
      const [row] = await sql().query<Row>(`select ${COLUMNS} from device_credentials where token_sha256 = $1 and revoked_at is null`, [hash]);
      let identity: DeviceIdentity | undefined;
      if (row) {
        const c = toCredential(row);
        const assets = new Set(c.assets);
        const points = new Set(c.points);
        identity = { deviceId: c.deviceId, allows: (p: Point) => assets.has(p.assetId) || points.has(p.id) };
      }
      if (cache.size > 10_000) cache.clear();
      cache.set(hash, { at: now(), identity });
      return identity;
    },
    async issue(input) {
      const token = newToken();
      const [row] = await sql().query<Row>(
        `insert into device_credentials (park_id, device_id, token_sha256, assets, points, created_by)
         values ($1, $2, $3, $4::jsonb, $5::jsonb, $6) returning ${COLUMNS}`,
        [input.parkId, input.deviceId, await sha256Hex(token), JSON.stringify(input.assets), JSON.stringify(input.points), input.createdBy ?? null],
      );
      if (!row) throw new Error('device credential not stored');
      return { credential: toCredential(row), token };
    },
    async revoke(parkId, id, revokedBy) {
      const [row] = await sql().query<Row>(
        `update device_credentials set revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, $3)
          where park_id = $1 and id = $2 returning ${COLUMNS}`,
        [parkId, id, revokedBy ?? null],
      );
      cache.clear();
      return row ? toCredential(row) : undefined;
    },
    async list(parkId) {
      return (await sql().query<Row>(`select ${COLUMNS} from device_credentials where park_id = $1 order by id`, [parkId])).map(toCredential);
    },
  };
}

/** Tries each authenticator in turn (the static list from the environment, then the database). */
export function anyDeviceAuthenticator(list: readonly DeviceAuthenticator[]): DeviceAuthenticator {
  return {
    async authenticate(token) {
      for (const a of list) {
        const id = await a.authenticate(token);
        if (id) return id;
      }
      return undefined;
    },
  };
}
