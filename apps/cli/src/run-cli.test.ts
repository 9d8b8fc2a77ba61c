import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ParkCarbonResult } from '@zcp/model';
import { describe, expect, it } from 'vitest';
import { type CliIo, runCli } from './run-cli.js';

const EXAMPLE = fileURLToPath(new URL('../examples/activity.example.json', import.meta.url));

function io(files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIo = {
    readFile: async (p) => files[p] ?? (await readFile(p, 'utf8')),
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

describe('zcp carbon', () => {
  it('accounts the README example: the reference worked example A (1,426.28 tCO2, 243.12 tce, no band)', async () => {
    const t = io();
    expect(await runCli(['carbon', EXAMPLE, '--compact'], t.cli)).toBe(0);
    const r = JSON.parse(t.out()) as ParkCarbonResult;
    expect(Number(r.parkMethod.E_park.value).toFixed(2)).toBe('1426.28');
    expect(Number(r.energy.total.value).toFixed(2)).toBe('243.12');
    expect(r.indicators.core.band).toBe('no_band');
    expect(r.parameters.find((p) => p.id === 'elec.equivalent_value_kgce_per_kwh')).toMatchObject({ value: '0.1229', overridden: true });
    expect(t.out().trim().split('\n')).toHaveLength(1); // --compact
  });

  it('--param overrides a value for this run and the result says so, with the command line as source', async () => {
    const t = io();
    expect(await runCli(['carbon', EXAMPLE, '--param', 'elec.equivalent_value_kgce_per_kwh=0.3'], t.cli)).toBe(0);
    const r = JSON.parse(t.out()) as ParkCarbonResult;
    const p = r.parameters.find((x) => x.id === 'elec.equivalent_value_kgce_per_kwh');
    expect(p).toMatchObject({ value: '0.3', overridden: true });
    expect(p?.source).toMatch(/command line/);
    // 1,200 MWh at 0.3 kgce/kWh = 360 tce instead of 147.48: the total moves by exactly that.
    expect(Number(r.energy.electricity.value)).toBe(360);
  });

  it('lists every problem of a bad file with its path, and exits 2', async () => {
    const bad = JSON.stringify({
      schema: 'zcp.carbon.activity/v1',
      park: { id: 'demo' },
      period: { from: '2025-13', to: '2025-01' },
      enterprises: [{ id: 'a', activities: [{ kind: 'fuel' }] }],
    });
    const t = io({ 'bad.json': bad });
    expect(await runCli(['carbon', 'bad.json'], t.cli)).toBe(2);
    expect(t.err()).toMatch(/period\.from/);
    expect(t.err()).toMatch(/enterprises\.0\.activities\.0/);
    expect(t.out()).toBe('');
  });

  it('rejects malformed JSON, unknown parameters and missing arguments without a stack trace', async () => {
    const a = io({ 'x.json': '{oops' });
    expect(await runCli(['carbon', 'x.json'], a.cli)).toBe(2);
    expect(a.err()).toMatch(/not JSON/);
    const b = io();
    expect(await runCli(['carbon', EXAMPLE, '--param', 'nope=1', '--param', 'elec.equivalent_value_kgce_per_kwh=abc'], b.cli)).toBe(2);
    expect(b.err()).toMatch(/unknown parameter 'nope'/);
    expect(b.err()).toMatch(/must be a decimal/);
    const c = io();
    expect(await runCli(['carbon'], c.cli)).toBe(2);
    expect(c.err()).toMatch(/usage: zcp carbon/);
    const d = io();
    expect(await runCli(['carbn', EXAMPLE], d.cli)).toBe(2);
    expect(d.err()).toMatch(/unknown command 'carbn'/);
    for (const e of [a, b, c, d]) expect(e.err()).not.toMatch(/\n\s+at /);
  });

  it('exits 1 and reports the certificate ids when a safeguard is broken (over-claim)', async () => {
    const input = JSON.parse(await readFile(EXAMPLE, 'utf8')) as { certificates: { mwh: number }[] };
    (input.certificates[0] as { mwh: number }).mwh = 5000; // more than the 1,200 MWh consumed
    const t = io({ 'over.json': JSON.stringify(input) });
    expect(await runCli(['carbon', 'over.json', '--compact'], t.cli)).toBe(1);
    const r = JSON.parse(t.out()) as ParkCarbonResult;
    expect(r.valid).toBe(false);
    expect(r.certificates.violations.flatMap((v) => v.certificateIds)).toContain('GEC-1');
  });
});
