import type { BrowserContext } from 'playwright-core';

/**
 * Signs a browser context in as a demo user of the relay's development IdP (issue 7): the token
 * request sets the session cookie in the context, and the token is put in sessionStorage before
 * any page script runs — what the login page does when a person clicks the user.
 *
 * @example
 * await signIn(context, url, 'operator'); const page = await context.newPage(); await page.goto(url)
 */
export async function signIn(context: BrowserContext, baseUrl: string, user: string): Promise<{ sub: string }> {
  const res = await context.request.post(new URL('/api/auth/dev/token', baseUrl).toString(), { data: { user } });
  if (!res.ok()) throw new Error(`sign-in as ${user} failed: HTTP ${res.status()} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  await context.addInitScript((t) => sessionStorage.setItem('zcp.token', t), token);
  return { sub: `dev:${user}` };
}
