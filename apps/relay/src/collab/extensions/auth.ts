import { docAccess, type Principal, type PrincipalInput, PrincipalSchema } from '@zcp/model';
import type { ParkRegistry } from '../../parks/park-registry.js';
import { type CollabExtension, CollabRefusal } from '../types.js';

/**
 * How the relay learns who a socket is.
 *
 * - `dev` — DEVELOPMENT ONLY, UNVERIFIED. The client states its own identity in the socket.io
 *   handshake (`auth: { principal: PrincipalInput }`), validated for shape only; anyone can
 *   claim any role. With no principal the socket is a park operator of every park served. This
 *   exists so the twin and the tests work before issue 7 verifies OIDC JWTs; never expose a
 *   relay in this mode to untrusted networks.
 * - `verified` — the socket's handshake token was verified by the relay (issue 7: OIDC, or the
 *   development IdP's signed tokens); the principal comes from it and nothing the client states.
 * - `deny` — nobody may open a shared document.
 */
export type CollabAuthMode = 'verified' | 'dev' | 'deny';

export interface AuthExtensionOptions {
  mode: CollabAuthMode;
  parks: ParkRegistry;
}

/** The identity a `dev` socket gets when it states none. */
export function defaultDevPrincipal(parks: ParkRegistry): Principal {
  return PrincipalSchema.parse({
    sub: 'dev',
    name: 'Developer',
    role: 'park_operator',
    parkIds: parks.list().map((e) => e.index.park.id),
  } satisfies PrincipalInput);
}

/**
 * Authentication and access: identity from the handshake (see `CollabAuthMode`), then
 * `docAccess` from packages/model — the one access rule — with enterprise existence read from
 * the park registry.
 */
export function authExtension(o: AuthExtensionOptions): CollabExtension {
  return {
    name: 'auth',
    onAuthenticate({ auth, verified }) {
      if (o.mode === 'verified') {
        if (!verified) throw new CollabRefusal('unauthenticated', 'no verified identity on this socket: send auth.token in the handshake');
        return verified;
      }
      if (o.mode === 'deny') throw new CollabRefusal('unauthenticated', 'AUTH_MODE=deny: shared documents need a verified identity (issue 7)');
      const stated = typeof auth === 'object' && auth !== null ? (auth as { principal?: unknown }).principal : undefined;
      if (stated === undefined) return defaultDevPrincipal(o.parks);
      const parsed = PrincipalSchema.safeParse(stated);
      if (!parsed.success) {
        throw new CollabRefusal(
          'unauthenticated',
          `invalid development principal: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      }
      return parsed.data;
    },
    onAuthorize({ principal, ref }) {
      const entry = o.parks.get(ref.parkId);
      if (!entry) return { access: 'none', code: 'park_not_found', reason: `no park '${ref.parkId}' on this relay` };
      const enterprises = new Set(entry.index.park.enterprises.map((e) => e.id));
      return docAccess(principal, ref, (id) => enterprises.has(id));
    },
  };
}
