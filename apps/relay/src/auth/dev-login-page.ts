import type { DevUser } from './dev-idp.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The development IdP's sign-in page: one button per demo user. It posts to
 * `/api/auth/dev/token`, keeps the token for the app (sessionStorage `zcp.token`, read by the
 * web app) and goes back to `next`. Marked as development-only on the page itself.
 */
export function renderDevLoginPage(users: readonly DevUser[], next: string, nonce: string): string {
  const safeNext = next.startsWith('/') && !next.startsWith('//') ? next : '/';
  const buttons = users
    .map((u) => `<button type="button" data-user="${esc(u.id)}"><strong>${esc(u.name)}</strong><small>${esc(u.description)}</small></button>`)
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 Sign in — 零碳园区数字孪生（开发）</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;background:#0f1720;color:#e6edf3;margin:0;display:flex;justify-content:center}
main{max-width:34rem;width:100%;padding:2rem 1rem}
.warn{background:#5a3b00;border:1px solid #d29922;padding:.6rem .8rem;border-radius:.5rem;font-size:.9rem}
button{display:flex;flex-direction:column;align-items:flex-start;width:100%;margin:.5rem 0;padding:.8rem 1rem;border-radius:.6rem;border:1px solid #30363d;background:#161b22;color:inherit;font:inherit;cursor:pointer;min-height:3.2rem}
button:hover,button:focus-visible{border-color:#2f81f7}
small{opacity:.7}
</style></head>
<body><main>
<h1>零碳园区数字孪生 · 登录</h1>
<p class="warn" role="note">开发用身份提供方（DEVELOPMENT ONLY）：演示用户，无需密码。生产环境请配置 OIDC（Keycloak、Authing、Azure AD 等）。</p>
<p>选择一个演示用户 / choose a demo user:</p>
${buttons}
<p id="error" role="alert"></p>
<script nonce="${esc(nonce)}">
document.querySelectorAll('button[data-user]').forEach(function (b) {
  b.addEventListener('click', async function () {
    const res = await fetch('/api/auth/dev/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: b.dataset.user }) });
    if (!res.ok) { document.getElementById('error').textContent = 'sign-in failed: HTTP ' + res.status; return; }
    const body = await res.json();
    sessionStorage.setItem('zcp.token', body.token);
    location.href = ${JSON.stringify(safeNext)};
  });
});
</script>
</main></body></html>`;
}
