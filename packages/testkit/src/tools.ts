import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { describeWhenAvailable } from './servers.js';

/** A command a test needs: on PATH by name, or a probe command that must exit 0. */
export type ToolRequirement = string | { name: string; probe: readonly [string, ...string[]] };

const cache = new Map<string, boolean>();

function onPath(cmd: string): boolean {
  const dirs = isAbsolute(cmd) ? [''] : (process.env.PATH ?? '').split(delimiter);
  for (const dir of dirs) {
    try {
      accessSync(dir ? join(dir, cmd) : cmd, constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** True when the tool is installed (cached per process). */
export function toolAvailable(tool: ToolRequirement): boolean {
  const key = typeof tool === 'string' ? tool : tool.name;
  let ok = cache.get(key);
  if (ok === undefined) {
    if (typeof tool === 'string') ok = onPath(tool);
    else {
      const [cmd, ...args] = tool.probe;
      ok = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
    }
    cache.set(key, ok);
  }
  return ok;
}

/**
 * `describe` for tests that need third-party tools (mbpoll, socat, Debian's pymodbus). When
 * one is missing the suite is skipped with a loud message naming it — unless
 * ZCP_REQUIRE_SERVERS=1 (as in CI), where the suite fails instead.
 *
 * @example
 * describeWithTool(['mbpoll'], 'mbpoll reads the simulated devices', () => { it(…) })
 */
export function describeWithTool(tools: readonly ToolRequirement[], title: string, body: () => void): void {
  const missing = tools.filter((t) => !toolAvailable(t)).map((t) => (typeof t === 'string' ? t : t.name));
  describeWhenAvailable(title, missing.length ? `missing tool(s): ${missing.join(', ')} (Debian: apt-get install -y ${missing.join(' ')})` : undefined, body);
}
