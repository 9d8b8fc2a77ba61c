#!/usr/bin/env node
// `zcp` launcher: runs the built CLI (dist/main.js) when there is one, else the TypeScript
// source through tsx with the workspace's `source` condition (a fresh checkout, no build).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const source = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const args = existsSync(built) ? [built] : ['--conditions=source', '--import', 'tsx', source];
const run = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
