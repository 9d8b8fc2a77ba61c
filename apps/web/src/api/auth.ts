import type { Principal } from '@zcp/model';

/**
 * Signing in (issue 7). The relay says who we are at `/api/auth/me` and where to sign in; the
 * token the login page leaves in sessionStorage is sent as `Authorization: Bearer` on every
 * same-origin API call and in the socket handshake. The development login also sets an
 * HttpOnly cookie, so images and report links work without script.
 */
export const TOKEN_KEY = 'zcp.token';

export interface Me {
  principal: Principal | null;
  loginUrl?: string;
}

export function currentToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Where to send the browser to sign in, coming back here afterwards. */
export function loginHref(loginUrl: string, here: Location = location): string {
  const next = `${here.pathname}${here.search}${here.hash}`;
  return `${loginUrl}${loginUrl.includes('?') ? '&' : '?'}next=${encodeURIComponent(next)}`;
}

/** True for a request to our own API (the only place the token goes). */
export function isOwnApi(url: string, origin: string): boolean {
  try {
    const u = new URL(url, origin);
    return u.origin === origin && u.pathname.startsWith('/api/');
  } catch {
    return false;
  }
}

/**
 * Wraps `fetch` so our own API calls carry the token, and a 401 (expired or revoked) sends the
 * browser to sign in again. Other origins never see the token.
 */
export function installAuthFetch(win: Window & typeof globalThis = window, onUnauthenticated: () => void = () => void signIn()): void {
  const original = win.fetch.bind(win);
  win.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!isOwnApi(url, win.location.origin)) return original(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const token = currentToken();
    if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
    const res = await original(input, { ...init, headers });
    if (res.status === 401 && !new URL(url, win.location.origin).pathname.startsWith('/api/auth/')) onUnauthenticated();
    return res;
  };
}

export async function fetchMe(): Promise<Me> {
  const res = await fetch('/api/auth/me', { headers: { accept: 'application/json' } });
  if (!res.ok) return { principal: null };
  return (await res.json()) as Me;
}

/** Goes to the login page (the relay's development IdP, or the OIDC login). */
export async function signIn(me?: Me): Promise<never> {
  const known = me ?? (await fetchMe().catch((): Me => ({ principal: null })));
  location.assign(loginHref(known.loginUrl ?? '/api/auth/dev/login'));
  return new Promise<never>(() => {});
}

export async function signOut(): Promise<void> {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage blocked: nothing to remove
  }
  await fetch('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
  await signIn();
}

/** The signed-in principal; without one, the browser goes to sign in (and this never resolves). */
export async function ensureSignedIn(): Promise<Principal> {
  const me = await fetchMe();
  if (me.principal) return me.principal;
  return signIn(me);
}
