import type { Principal } from '@zcp/model';
import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { AuthError } from './auth-error.js';
import { type ClaimPaths, DEFAULT_CLAIM_PATHS, principalOfClaims } from './claims.js';

/** Asymmetric algorithms only: `none` and shared-secret HS* are refused whatever the token says. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

export interface JwtVerifierOptions {
  issuer: string;
  audience: string;
  /** The issuer's JWKS URL (fetched, cached, refetched on an unknown `kid`) … */
  jwksUrl?: string;
  /** … or the key set itself (the development IdP). */
  jwks?: JSONWebKeySet;
  claims?: ClaimPaths;
  /** Allowed clock difference, seconds (default 30). */
  clockToleranceS?: number;
}

export interface JwtVerifier {
  /** The principal of a valid token; throws AuthError with a code otherwise. */
  verify(token: string): Promise<Principal>;
}

/**
 * Verifies OIDC access tokens (JWS) with jose: signature by the issuer's JWKS, `iss`, `aud`,
 * `exp`/`nbf` with a small tolerance, an asymmetric algorithm; then maps the claims to a
 * Principal. The development IdP goes through exactly this with its own key set.
 *
 * @example
 * const v = createJwtVerifier({ issuer: 'https://sso.example.com/realms/park', audience: 'zcp', jwksUrl: '…/certs', claims: { …DEFAULT_CLAIM_PATHS, roles: 'realm_access.roles' } })
 * const principal = await v.verify(bearer)
 */
export function createJwtVerifier(o: JwtVerifierOptions): JwtVerifier {
  let keys: JWTVerifyGetKey;
  if (o.jwks) keys = createLocalJWKSet(o.jwks);
  else if (o.jwksUrl) keys = createRemoteJWKSet(new URL(o.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  else throw new Error('createJwtVerifier needs jwksUrl or jwks');
  return {
    async verify(token: string): Promise<Principal> {
      if (!token) throw new AuthError('missing_token', 'no bearer token');
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: o.issuer,
          audience: o.audience,
          algorithms: [...ACCEPTED_ALGORITHMS],
          clockTolerance: o.clockToleranceS ?? 30,
          requiredClaims: ['exp', 'sub'],
        });
        return principalOfClaims(payload, o.claims ?? DEFAULT_CLAIM_PATHS);
      } catch (err) {
        throw toAuthError(err);
      }
    },
  };
}

function toAuthError(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  if (err instanceof errors.JWTExpired) return new AuthError('expired_token', 'the token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return new AuthError('wrong_issuer', 'the token was issued by another issuer');
    if (err.claim === 'aud') return new AuthError('wrong_audience', 'the token is for another audience');
    return new AuthError('invalid_token', `claim ${err.claim} is not valid: ${err.reason}`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported)
    return new AuthError('unsupported_algorithm', 'the token uses an algorithm we do not accept');
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey)
    return new AuthError('bad_signature', 'the token signature does not verify');
  return new AuthError('invalid_token', 'the token is not a valid JWT');
}
