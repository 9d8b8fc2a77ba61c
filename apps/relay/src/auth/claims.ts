import { type Principal, PrincipalSchema, ROLES, type Role } from '@zcp/model';
import type { JWTPayload } from 'jose';
import { AuthError } from './auth-error.js';

/**
 * Where an identity provider puts our claims. Defaults fit the development IdP; Keycloak puts
 * roles in `realm_access.roles`, Azure AD in `roles`, Authing in a custom claim — each is one
 * dotted path here (AUTH_ROLES_CLAIM …).
 */
export interface ClaimPaths {
  roles: string;
  parks: string;
  enterprises: string;
  name: string;
  team: string;
}

export const DEFAULT_CLAIM_PATHS: ClaimPaths = { roles: 'zcp_roles', parks: 'zcp_parks', enterprises: 'zcp_enterprises', name: 'name', team: 'zcp_team' };

function at(payload: JWTPayload, path: string): unknown {
  let v: unknown = payload;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

const list = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : [];

/** Role precedence when a token carries several of ours: the most capable wins. */
const ROLE_ORDER: readonly Role[] = ['platform_admin', 'park_operator', 'enterprise_manager', 'inspector', 'executive_viewer', 'device'];

/**
 * The principal a verified token describes. A token with none of our roles, or a scoped role
 * without its scope, is refused (`bad_claims`) rather than given some default.
 */
export function principalOfClaims(payload: JWTPayload, paths: ClaimPaths = DEFAULT_CLAIM_PATHS): Principal {
  const roles = list(at(payload, paths.roles)).filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  const role = ROLE_ORDER.find((r) => roles.includes(r));
  if (!role) throw new AuthError('bad_claims', `the token carries none of the roles ${ROLES.join(', ')} in '${paths.roles}'`);
  if (!payload.sub) throw new AuthError('bad_claims', 'the token has no subject (sub)');
  const enterpriseIds = list(at(payload, paths.enterprises));
  if (role === 'enterprise_manager' && enterpriseIds.length === 0)
    throw new AuthError('bad_claims', `an enterprise manager's token must list its enterprises in '${paths.enterprises}'`);
  const name = at(payload, paths.name);
  const team = at(payload, paths.team);
  const parsed = PrincipalSchema.safeParse({
    sub: payload.sub,
    name: typeof name === 'string' ? name : '',
    role,
    parkIds: role === 'platform_admin' && list(at(payload, paths.parks)).length === 0 ? ['*'] : list(at(payload, paths.parks)),
    enterpriseIds,
    ...(typeof team === 'string' && { team }),
  });
  if (!parsed.success) throw new AuthError('bad_claims', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}
