import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/zcp.mjs', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../examples/activity.example.json', import.meta.url));

describe('the zcp launcher (what `npx zcp` runs)', () => {
  it('runs `carbon` on the example from source or dist and prints one JSON document', () => {
    const run = spawnSync(process.execPath, [BIN, 'carbon', EXAMPLE, '--compact'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { schema: string; valid: boolean };
    expect(result).toMatchObject({ schema: 'zcp.carbon.result/v1', valid: true });
  });

  it('exits 2 with the usage on stderr for a bad call', () => {
    const run = spawnSync(process.execPath, [BIN, 'carbon'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/usage: zcp carbon/);
  });
});
