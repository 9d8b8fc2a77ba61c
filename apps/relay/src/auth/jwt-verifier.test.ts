import { demoPark } from '@zcp/model';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from './auth-error.js';
import { createDevIdp, DEV_AUDIENCE, DEV_ISSUER } from './dev-idp.js';
import { createJwtVerifier } from './jwt-verifier.js';

const park = demoPark();

describe('JWT verification (jose) with the development IdP’s key set', async () => {
  const idp = await createDevIdp([park]);
  const verifier = createJwtVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks: idp.jwks });
  const token = async (id: string, now?: Date) => (await idp.issue(id, now))?.token ?? '';
  const codeOf = async (t: string) => ((await verifier.verify(t).catch((e: unknown) => e)) as AuthError).code;

  it('turns a demo user’s token into its principal', async () => {
    const ent = park.enterprises[0]?.id ?? '';
    await expect(verifier.verify(await token(`manager-${ent}`))).resolves.toMatchObject({
      sub: `dev:manager-${ent}`,
      role: 'enterprise_manager',
      enterpriseIds: [ent],
      parkIds: [park.id],
    });
    await expect(verifier.verify(await token('admin'))).resolves.toMatchObject({ role: 'platform_admin', parkIds: ['*'] });
  });

  it('refuses a forged signature, another issuer or audience, an expired token, alg none and no token — each with its code', async () => {
    const good = await token('operator');
    const [h, p, s] = good.split('.');
    const forged = `${h}.${p}.${s?.startsWith('A') ? `B${s.slice(1)}` : `A${s?.slice(1)}`}`;
    expect(await codeOf(forged)).toBe('bad_signature');
    // A token signed by someone else's key with the same kid:
    const other = await generateKeyPair('ES256');
    const sign = (b: SignJWT) =>
      b
        .setProtectedHeader({ alg: 'ES256', kid: idp.jwks.keys[0]?.kid ?? '' })
        .setSubject('x')
        .setExpirationTime('1h')
        .sign(other.privateKey);
    expect(await codeOf(await sign(new SignJWT({ zcp_roles: ['park_operator'] }).setIssuer(DEV_ISSUER).setAudience(DEV_AUDIENCE)))).toBe('bad_signature');
    const wrong = createJwtVerifier({
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      jwks: { keys: [{ ...(await exportJWK(other.publicKey)), kid: 'k', alg: 'ES256' }] },
    });
    const signed = (iss: string, aud: string) =>
      new SignJWT({ zcp_roles: ['park_operator'], zcp_parks: [park.id] })
        .setProtectedHeader({ alg: 'ES256', kid: 'k' })
        .setIssuer(iss)
        .setAudience(aud)
        .setSubject('x')
        .setExpirationTime('1h')
        .sign(other.privateKey);
    const codeWith = async (t: string) => ((await wrong.verify(t).catch((e: unknown) => e)) as AuthError).code;
    expect(await codeWith(await signed('https://evil.example', DEV_AUDIENCE))).toBe('wrong_issuer');
    expect(await codeWith(await signed(DEV_ISSUER, 'someone-else'))).toBe('wrong_audience');
    await expect(wrong.verify(await signed(DEV_ISSUER, DEV_AUDIENCE))).resolves.toMatchObject({ role: 'park_operator' });
    expect(await codeOf(await token('operator', new Date(Date.now() - 24 * 3600_000)))).toBe('expired_token');
    const none = new UnsecuredJWT({ zcp_roles: ['platform_admin'] })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject('x')
      .setExpirationTime('1h')
      .encode();
    expect(['unsupported_algorithm', 'invalid_token']).toContain(await codeOf(none));
    expect(await codeOf('')).toBe('missing_token');
    expect(await codeOf('not.a.jwt')).toBe('invalid_token');
  });

  it('refuses a valid token that names none of our roles, or a manager without enterprises', async () => {
    const key = await generateKeyPair('ES256');
    const v = createJwtVerifier({ issuer: 'i', audience: 'a', jwks: { keys: [{ ...(await exportJWK(key.publicKey)), kid: 'k', alg: 'ES256' }] } });
    const t = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k' })
        .setIssuer('i')
        .setAudience('a')
        .setSubject('s')
        .setExpirationTime('1h')
        .sign(key.privateKey);
    expect(((await v.verify(await t({ zcp_roles: ['superuser'] })).catch((e: unknown) => e)) as AuthError).code).toBe('bad_claims');
    expect(((await v.verify(await t({ zcp_roles: ['enterprise_manager'] })).catch((e: unknown) => e)) as AuthError).code).toBe('bad_claims');
    // Keycloak-style roles under realm_access.roles:
    const kc = createJwtVerifier({
      issuer: 'i',
      audience: 'a',
      jwks: { keys: [{ ...(await exportJWK(key.publicKey)), kid: 'k', alg: 'ES256' }] },
      claims: { roles: 'realm_access.roles', parks: 'parks', enterprises: 'enterprises', name: 'preferred_username', team: 'team' },
    });
    await expect(
      kc.verify(await t({ realm_access: { roles: ['offline_access', 'inspector'] }, parks: ['demo'], preferred_username: 'li' })),
    ).resolves.toMatchObject({
      role: 'inspector',
      name: 'li',
      parkIds: ['demo'],
    });
    expect(AuthError).toBeDefined();
  });
});
