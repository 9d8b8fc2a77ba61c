import { CarbonInputError, computeParkCarbon, PARAMETER_IDS, type ParameterId, type ParameterOverride, type ParkCarbonResult } from '@zcp/model';

export type CarbonRun = { ok: true; output: ParkCarbonResult; violations: number } | { ok: false; errors: string[] };

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * `--param id=value` flags → parameter overrides, every problem listed. The source recorded in
 * the result's lineage names the command line, so a report says where the value came from.
 */
export function parseParamFlags(flags: readonly string[]): { overrides: ParameterOverride[]; errors: string[] } {
  const overrides: ParameterOverride[] = [];
  const errors: string[] = [];
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const id = eq < 0 ? flag : flag.slice(0, eq);
    const value = eq < 0 ? '' : flag.slice(eq + 1).trim();
    if (!(PARAMETER_IDS as readonly string[]).includes(id)) {
      errors.push(`--param ${flag}: unknown parameter '${id}' (known: ${PARAMETER_IDS.join(', ')})`);
      continue;
    }
    if (!DECIMAL.test(value)) {
      errors.push(`--param ${flag}: value must be a decimal number, e.g. ${id}=0.1229`);
      continue;
    }
    overrides.push({ id: id as ParameterId, value, source: `command line: zcp carbon --param ${id}=${value}` });
  }
  return { overrides, errors };
}

/**
 * One `zcp carbon` run on the text of an activity file: parse, validate, account. Returns the
 * result or every problem found (JSON syntax, schema issues with their paths, bad flags) —
 * never throws for bad input.
 */
export function runCarbon(text: string, paramFlags: readonly string[], fileName = 'input'): CarbonRun {
  const { overrides, errors } = parseParamFlags(paramFlags);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    errors.push(`${fileName} is not JSON: ${(e as Error).message}`);
  }
  if (errors.length > 0) return { ok: false, errors };
  try {
    const output = computeParkCarbon(json, { parameterOverrides: overrides });
    return { ok: true, output, violations: output.certificates.violations.length };
  } catch (e) {
    if (e instanceof CarbonInputError) {
      const lines = e.message.split('\n');
      return { ok: false, errors: lines.length > 1 ? lines.slice(1) : [`${e.code}${e.path.length ? ` at ${e.path.join('.')}` : ''}: ${e.message}`] };
    }
    throw e;
  }
}
