import type { Park, PrincipalInput, Role } from '@zcp/model';
import { exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import { DEFAULT_CLAIM_PATHS } from './claims.js';

/** Issuer and audience of the development IdP's tokens. */
export const DEV_ISSUER = 'urn:zcp:dev-idp';
export const DEV_AUDIENCE = 'zcp';

export interface DevUser {
  id: string;
  name: string;
  role: Role;
  parkIds: string[];
  enterpriseIds: string[];
  team?: string;
  /** Shown on the login page. */
  description: string;
}

export interface DevIdp {
  readonly users: readonly DevUser[];
  readonly jwks: JSONWebKeySet;
  /** A signed access token for a demo user; undefined for an unknown user. */
  issue(userId: string, now?: Date): Promise<{ token: string; expiresAt: number } | undefined>;
  /** A signed token for any principal (tests and benchmarks only — the login page offers demo users). */
  issueFor(principal: PrincipalInput, now?: Date): Promise<string>;
}

/**
 * DEVELOPMENT ONLY. A built-in identity provider for the embedded default: demo users for each
 * role, access tokens signed (ES256) by a key made at start (or given as a private JWK), and
 * that key's public half as a JWKS — which the relay verifies exactly as it would a real
 * issuer's. The relay refuses to start it in production (ZCP_ENV=production).
 *
 * @example
 * const idp = await createDevIdp([demoPark()]); const { token } = (await idp.issue('operator'))!
 */
export async function createDevIdp(parks: readonly Park[], options: { privateJwk?: JWK; ttlS?: number } = {}): Promise<DevIdp> {
  const ttlS = options.ttlS ?? 8 * 3600;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let publicJwk: JWK;
  if (options.privateJwk) {
    privateKey = (await importJWK(options.privateJwk, 'ES256')) as typeof privateKey;
    const { d: _d, ...pub } = options.privateJwk;
    publicJwk = pub;
  } else {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = await exportJWK(pair.publicKey);
  }
  const kid = `dev-${(publicJwk.x ?? '').slice(0, 8)}`;
  const jwks: JSONWebKeySet = { keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] };
  const users = demoUsers(parks);
  const sign = async (
    sub: string,
    p: { name?: string; role: Role; parkIds?: readonly string[]; enterpriseIds?: readonly string[]; team?: string },
    now: Date,
  ) => {
    const iat = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({
      name: p.name ?? '',
      [DEFAULT_CLAIM_PATHS.roles]: [p.role],
      [DEFAULT_CLAIM_PATHS.parks]: [...(p.parkIds ?? [])],
      [DEFAULT_CLAIM_PATHS.enterprises]: [...(p.enterpriseIds ?? [])],
      ...(p.team && { [DEFAULT_CLAIM_PATHS.team]: p.team }),
    })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject(sub)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlS)
      .sign(privateKey);
    return { token, expiresAt: (iat + ttlS) * 1000 };
  };
  return {
    users,
    jwks,
    async issue(userId, now = new Date()) {
      const u = users.find((x) => x.id === userId);
      return u ? sign(`dev:${u.id}`, u, now) : undefined;
    },
    async issueFor(principal, now = new Date()) {
      return (await sign(principal.sub, principal, now)).token;
    },
  };
}

/** One demo user per role (an enterprise manager and an enterprise inspector per the first enterprises). */
export function demoUsers(parks: readonly Park[]): DevUser[] {
  const park = parks[0];
  const parkIds = parks.map((p) => p.id);
  const ents = park?.enterprises ?? [];
  const users: DevUser[] = [
    {
      id: 'admin',
      name: '平台管理员 Admin',
      role: 'platform_admin',
      parkIds: ['*'],
      enterpriseIds: [],
      team: '平台',
      description: 'platform_admin · every park',
    },
    { id: 'operator', name: '园区运营 王工', role: 'park_operator', parkIds, enterpriseIds: [], team: '运营', description: 'park_operator · all enterprises' },
    { id: 'inspector', name: '巡检 李工', role: 'inspector', parkIds, enterpriseIds: [], team: '巡检', description: 'inspector · annotates, no dispatch' },
    {
      id: 'executive',
      name: '园区领导 陈总',
      role: 'executive_viewer',
      parkIds,
      enterpriseIds: [],
      team: '管理层',
      description: 'executive_viewer · aggregates only',
    },
  ];
  for (const e of ents.slice(0, 3)) {
    users.push({
      id: `manager-${e.id}`,
      name: `${e.name.zh} 能源经理`,
      role: 'enterprise_manager',
      parkIds,
      enterpriseIds: [e.id],
      team: e.name.zh,
      description: `enterprise_manager · ${e.name.en}`,
    });
  }
  const first = ents[0];
  if (first)
    users.push({
      id: `inspector-${first.id}`,
      name: `${first.name.zh} 巡检员`,
      role: 'inspector',
      parkIds,
      enterpriseIds: [first.id],
      team: first.name.zh,
      description: `inspector · ${first.name.en} only`,
    });
  return users;
}
