import type { Park, Principal } from '@zcp/model';
import type { JWK } from 'jose';
import type { Logger } from 'pino';
import type { AuthConfig } from '../config.js';
import type { AuditLog } from './audit-log.js';
import { AuthError } from './auth-error.js';
import { createDevIdp, DEV_AUDIENCE, DEV_ISSUER, type DevIdp } from './dev-idp.js';
import { createJwtVerifier } from './jwt-verifier.js';

export interface RelayAuth {
  /** The principal of a token (HTTP bearer or cookie, socket handshake); AuthError otherwise. */
  verify(token: string): Promise<Principal>;
  /** DEVELOPMENT ONLY: the built-in IdP, when AUTH_MODE=dev. */
  devIdp?: Promise<DevIdp>;
  /** Where a browser signs in. */
  loginUrl?: string;
  audit: AuditLog;
  secureCookies: boolean;
}

/**
 * The relay's identity setup from its config (docs/SECURITY.md): OIDC tokens verified against
 * the issuer's JWKS, or — development only — the built-in IdP's tokens through the same
 * verifier; `deny` refuses every token.
 */
export function createRelayAuth(config: AuthConfig, parks: readonly Park[], audit: AuditLog, logger: Logger): RelayAuth {
  const claims = config.claims;
  if (config.mode === 'oidc' && config.oidc) {
    const verifier = createJwtVerifier({ issuer: config.oidc.issuer, audience: config.oidc.audience, jwksUrl: config.oidc.jwksUrl, claims });
    logger.info({ issuer: config.oidc.issuer, audience: config.oidc.audience }, 'authentication: OIDC access tokens');
    return { verify: (t) => verifier.verify(t), ...(config.oidc.loginUrl && { loginUrl: config.oidc.loginUrl }), audit, secureCookies: config.production };
  }
  if (config.mode === 'dev') {
    if (config.production) throw new Error('the development IdP is refused when ZCP_ENV=production');
    const devIdp = createDevIdp(parks, config.devPrivateJwk ? { privateJwk: JSON.parse(config.devPrivateJwk) as JWK } : {});
    const verifier = devIdp.then((idp) => createJwtVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: idp.jwks, claims }));
    logger.warn(
      'authentication: DEVELOPMENT identity provider (demo users, no passwords) at /api/auth/dev/login — never use it in production (AUTH_MODE=oidc)',
    );
    return { verify: async (t) => (await verifier).verify(t), devIdp, loginUrl: '/api/auth/dev/login', audit, secureCookies: false };
  }
  logger.warn('authentication: AUTH_MODE=deny — every token is refused');
  return {
    verify: () => Promise.reject(new AuthError('invalid_token', 'AUTH_MODE=deny: no identity is accepted')),
    audit,
    secureCookies: config.production,
  };
}
