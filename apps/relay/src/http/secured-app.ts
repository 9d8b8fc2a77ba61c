import { type Action, decide, type Mask, type Principal, type Target } from '@zcp/model';
import type { Context, Handler, Hono } from 'hono';
import { ApiError } from './api-error.js';
import type { RateClass, RateLimiter } from './rate-limit.js';

/** What the auth layer hands each handler. */
export type ApiEnv = { Variables: { principal: Principal | undefined; mask: Mask; authError: { code: string; message: string } | undefined } };
export type ApiContext = Context<ApiEnv>;

/** How one route is protected: open to all, to any signed-in principal, or by the policy for an action on a target. */
export type RoutePolicy =
  | { kind: 'public'; why: string }
  | { kind: 'signed_in' }
  | { kind: 'action'; action: Action; target: (c: ApiContext) => Target | Promise<Target> }
  /** Device credentials (push ingest): the route checks its own bearer token. */
  | { kind: 'device'; why: string };

export type RouteKey = `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} ${string}`;

export interface SecuredAppOptions {
  /** The access rule of every route, keyed `METHOD /path/:param`. */
  policies: ReadonlyMap<RouteKey, RoutePolicy> | Readonly<Record<RouteKey, RoutePolicy>>;
  /** false: no authentication (in-process tests of handlers only; the relay always enforces). */
  enforce: boolean;
  /** Per-identity rate limits on sign-in, writes and ingest; absent = unlimited. */
  rateLimiter?: RateLimiter;
  /** Told about every refusal (401/403): the audit trail. */
  onDenied?: (c: ApiContext, denial: { status: 401 | 403; code: string; reason: string; action?: Action; target?: Target }) => void;
}

export interface SecuredApp {
  get<P extends string>(path: P, handler: Handler<ApiEnv, P>): void;
  post<P extends string>(path: P, handler: Handler<ApiEnv, P>): void;
  put<P extends string>(path: P, handler: Handler<ApiEnv, P>): void;
  delete<P extends string>(path: P, handler: Handler<ApiEnv, P>): void;
  /** Every route registered, with its policy: the matrix test walks this. */
  readonly routes: readonly { key: RouteKey; policy: RoutePolicy }[];
}

/**
 * Route registration that cannot forget access control: `get`/`post`/… look the route up in the
 * policy table and put its guard in front of the handler; a route missing from the table throws
 * when the app is built, so every test fails until it has a policy. The guard asks THE policy
 * (`decide` in @zcp/model), answers 401/403 as problem+json with the reason, and hands the
 * handler the principal and its aggregate mask (`c.var.principal`, `c.var.mask`).
 *
 * @example
 * const api = securedApp(app, { policies: ROUTE_POLICIES, enforce: true })
 * api.get('/api/parks/:parkId', (c) => c.json(…))
 */
export function securedApp(app: Hono<ApiEnv>, o: SecuredAppOptions): SecuredApp {
  const table = o.policies instanceof Map ? o.policies : new Map(Object.entries(o.policies) as [RouteKey, RoutePolicy][]);
  const routes: { key: RouteKey; policy: RoutePolicy }[] = [];
  const on =
    (method: 'GET' | 'POST' | 'PUT' | 'DELETE') =>
    <P extends string>(path: P, handler: Handler<ApiEnv, P>) => {
      const key = `${method} ${path}` as RouteKey;
      const policy = table.get(key);
      if (!policy) throw new Error(`route ${key} has no access policy: add it to http/route-policies.ts`);
      routes.push({ key, policy });
      app.on(
        method,
        path,
        async (c, next) => {
          c.set('mask', 'none');
          const cls = rateClassOf(method, path, policy);
          if (cls && o.rateLimiter) {
            const who = c.get('principal')?.sub ?? (cls === 'ingest' ? `token:${(c.req.header('authorization') ?? '').slice(-16)}` : `ip:${clientAddress(c)}`);
            const wait = o.rateLimiter.take(cls, who);
            if (wait > 0) {
              throw new RateLimitedError(cls, wait);
            }
          }
          if (!o.enforce || policy.kind === 'public' || policy.kind === 'device') return next();
          const principal = c.get('principal');
          if (!principal) {
            // A bad token says why (expired, forged …); no token at all asks to sign in.
            const bad = c.get('authError');
            o.onDenied?.(c, { status: 401, code: bad?.code ?? 'unauthenticated', reason: bad?.message ?? 'sign in first' });
            throw new ApiError(401, bad?.code ?? 'unauthenticated', bad?.message ?? 'sign in first: send a bearer token');
          }
          if (policy.kind === 'signed_in') {
            if (principal.role === 'device') return deny(c, { status: 403, code: 'forbidden', reason: 'devices only push readings' });
            return next();
          }
          const target = await policy.target(c);
          const d = decide(principal, policy.action, target);
          if (!d.allow) return deny(c, { status: d.status, code: d.code, reason: d.reason, action: policy.action, target });
          c.set('mask', d.mask);
          return next();
        },
        handler as Handler<ApiEnv>,
      );
    };
  const deny = (c: ApiContext, denial: { status: 401 | 403; code: string; reason: string; action?: Action; target?: Target }): never => {
    o.onDenied?.(c, denial);
    throw new ApiError(denial.status, denial.code, denial.reason);
  };
  return { get: on('GET'), post: on('POST'), put: on('PUT'), delete: on('DELETE'), routes };
}

/** Which limit a route counts against: sign-in, writes (any non-GET that changes data), or ingest. */
export function rateClassOf(method: string, path: string, policy: RoutePolicy): RateClass | undefined {
  if (policy.kind === 'device') return 'ingest';
  if (path === '/api/auth/dev/token') return 'sign_in';
  if (method === 'GET') return undefined;
  if (policy.kind === 'action' && (policy.action.endsWith('.write') || policy.action.endsWith('.delete'))) return 'write';
  return undefined;
}

/** The client's address as the proxy in front reports it, else unknown (one shared bucket). */
export function clientAddress(c: ApiContext): string {
  return c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || c.req.header('x-real-ip') || 'unknown';
}

/** 429 with the wait: the error handler copies `retryAfterS` into a Retry-After header. */
export class RateLimitedError extends ApiError {
  constructor(
    readonly rateClass: RateClass,
    readonly retryAfterS: number,
  ) {
    super(429, 'rate_limited', `too many ${rateClass.replace('_', '-')} requests; retry in ${retryAfterS} s`);
  }
}
