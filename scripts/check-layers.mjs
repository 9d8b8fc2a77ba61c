#!/usr/bin/env node
// Layers only point down (STYLE.md habit 1). Fails when a package imports one above it, or
// when packages/model or packages/collab imports a `node:` module (they must run in browsers and edge workers).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
/** What each workspace may import from the others. */
const allowed = {
  'packages/model': [],
  'packages/testkit': [],
  'packages/bus': ['@zcp/model', '@zcp/testkit'],
  'packages/collab': ['@zcp/model'],
  'apps/collector': ['@zcp/model', '@zcp/bus', '@zcp/testkit'],
  'apps/relay': ['@zcp/model', '@zcp/bus', '@zcp/collab', '@zcp/testkit'],
  'apps/web': ['@zcp/model', '@zcp/collab'],
  'apps/cli': ['@zcp/model'],
  'apps/standalone': ['@zcp/model', '@zcp/bus', '@zcp/collector', '@zcp/relay', '@zcp/testkit'],
};
/** Workspaces that run in browsers and edge workers too: no Node built-ins. */
const RUNTIME_AGNOSTIC = ['packages/model', 'packages/collab'];
const problems = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(ts|vue|mts)$/.test(name)) check(p);
  }
};
let current = '';
const check = (file) => {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
    const spec = m[1];
    if (spec.startsWith('@zcp/') && !allowed[current].includes(spec.split('/').slice(0, 2).join('/'))) {
      problems.push(`${relative(root, file)} imports ${spec}, which ${current} may not depend on`);
    }
    if (RUNTIME_AGNOSTIC.includes(current) && (spec.startsWith('node:') || ['fs', 'path', 'crypto', 'os', 'net'].includes(spec))) {
      problems.push(`${relative(root, file)} imports ${spec}: \${current} must stay runtime-agnostic`);
    }
  }
};
for (const ws of Object.keys(allowed)) {
  current = ws;
  try {
    walk(join(root, ws, 'src'));
  } catch {
    // a workspace without src/ has nothing to check
  }
}
if (problems.length > 0) {
  process.stderr.write(`layer check failed:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write(`layer check: ok (${Object.keys(allowed).length} workspaces)\n`);
