import { z } from 'zod';
import type { AuditLog } from '../auth/audit-log.js';
import type { DevIdp } from '../auth/dev-idp.js';
import { renderDevLoginPage } from '../auth/dev-login-page.js';
import { ApiError } from './api-error.js';
import type { SecuredApp } from './secured-app.js';

export const TOKEN_COOKIE = 'zcp_token';

export interface AuthRouteDeps {
  devIdp?: DevIdp | Promise<DevIdp>;
  audit?: AuditLog;
  /** Query the audit trail (admin, operator). */
  auditLog?: () => AuditLog;
  /** Where a browser signs in (told by /api/auth/me). */
  loginUrl?: string;
  /** Whether cookies get the Secure flag (behind HTTPS). */
  secureCookies: boolean;
}

const TokenBody = z.object({ user: z.string().min(1).max(100) });
const AuditQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  event: z.enum(['sign_in', 'access_denied', 'dispatch', 'config_change', 'certificate', 'annotation_delete']).optional(),
  actor: z.string().max(200).optional(),
  parkId: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  beforeId: z.coerce.number().int().positive().optional(),
});

/**
 * `GET /api/auth/me` (who am I), the audit trail (`GET /api/audit`), and — DEVELOPMENT ONLY,
 * when the relay runs its built-in IdP — the login page, token issue and JWKS under
 * `/api/auth/dev/…`.
 */
export function registerAuthRoutes(app: SecuredApp, deps: AuthRouteDeps): void {
  app.get('/api/auth/me', (c) => c.json({ principal: c.get('principal') ?? null, ...(deps.loginUrl && { loginUrl: deps.loginUrl }) }));

  app.get('/api/audit', async (c) => {
    const q = AuditQuery.safeParse(c.req.query());
    if (!q.success) throw ApiError.fromZod('invalid_query', q.error, 'query');
    const p = c.get('principal');
    const log = deps.auditLog?.();
    if (!log) throw new ApiError(503, 'audit_unavailable', 'no audit trail configured');
    // Operators read their own parks; platform admins any (or all).
    const parkId = q.data.parkId ?? (p && !p.parkIds.includes('*') ? p.parkIds[0] : undefined);
    const events = await log.list({
      ...(q.data.from && { fromMs: Date.parse(q.data.from) }),
      ...(q.data.to && { toMs: Date.parse(q.data.to) }),
      ...(q.data.event && { event: q.data.event }),
      ...(q.data.actor && { actorSub: q.data.actor }),
      ...(parkId && { parkId }),
      ...(q.data.limit && { limit: q.data.limit }),
      ...(q.data.beforeId && { beforeId: q.data.beforeId }),
    });
    return c.json({ events });
  });

  const pending = deps.devIdp;
  if (!pending) return;
  app.get('/api/auth/dev/jwks.json', async (c) => c.json((await pending).jwks));
  app.get('/api/auth/dev/login', async (c) => {
    const idp = await pending;
    const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    c.header(
      'content-security-policy',
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'`,
    );
    return c.html(renderDevLoginPage(idp.users, c.req.query('next') ?? '/', nonce));
  });
  app.post('/api/auth/dev/token', async (c) => {
    const idp = await pending;
    const type = c.req.header('content-type') ?? '';
    const raw = type.includes('application/x-www-form-urlencoded')
      ? Object.fromEntries(new URLSearchParams(await c.req.text()))
      : await c.req.json().catch(() => ({}));
    const body = TokenBody.safeParse(raw);
    if (!body.success) throw ApiError.fromZod('invalid_body', body.error, 'body');
    const issued = await idp.issue(body.data.user);
    const user = idp.users.find((u) => u.id === body.data.user);
    void deps.audit
      ?.append({
        event: 'sign_in',
        outcome: issued ? 'succeeded' : 'failed',
        ...(user && { principal: { sub: `dev:${user.id}`, role: user.role } }),
        resource: 'POST /api/auth/dev/token',
        ip: c.req.header('x-forwarded-for') ?? undefined,
        userAgent: c.req.header('user-agent'),
        detail: { idp: 'dev', user: body.data.user },
      })
      .catch(() => {});
    if (!issued || !user) throw new ApiError(401, 'unknown_user', `no demo user '${body.data.user}'`);
    const maxAge = Math.max(0, Math.floor((issued.expiresAt - Date.now()) / 1000));
    c.header('set-cookie', `${TOKEN_COOKIE}=${issued.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${deps.secureCookies ? '; Secure' : ''}`);
    c.header('cache-control', 'no-store');
    return c.json({ token: issued.token, expiresAt: issued.expiresAt, user: { id: user.id, name: user.name, role: user.role } });
  });
  app.post('/api/auth/logout', (c) => {
    c.header('set-cookie', `${TOKEN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return c.body(null, 204);
  });
}
