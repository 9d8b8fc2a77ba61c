import { parseArgs } from 'node:util';
import { runCarbon } from './carbon-command.js';

export interface CliIo {
  readFile(path: string): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const USAGE = `usage: zcp carbon <activity.json> [--param name=value ...] [--compact]

  carbon   computes one period's carbon accounting by the national zero-carbon park method
           from an activity file (schema and example: README "Carbon accounting CLI") and
           prints the result as JSON: per source, per enterprise, totals, tce, the core
           indicator and its band, guiding indicators, flags, certificate violations, and
           which factor datasets and parameter values were used.
  --param  overrides a parameter for this run, e.g. --param electricity.equivalentValue=0.1229
  --compact  one-line JSON (default: indented)

exit codes: 0 computed, 1 computed with certificate violations, 2 bad arguments or input`;

/** Parses the arguments and runs a command; returns the exit code. Never throws on bad input. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { param: { type: 'string', multiple: true }, compact: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const [command, file, ...rest] = parsed.positionals;
  if (parsed.values.help || command === undefined) {
    (parsed.values.help ? io.stdout : io.stderr)(`${USAGE}\n`);
    return parsed.values.help ? 0 : 2;
  }
  if (command !== 'carbon') {
    io.stderr(`unknown command '${command}'\n\n${USAGE}\n`);
    return 2;
  }
  if (file === undefined || rest.length > 0) {
    io.stderr(`zcp carbon takes exactly one activity file\n\n${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (e) {
    io.stderr(`cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  const params = (parsed.values.param as string[] | undefined) ?? [];
  const result = runCarbon(text, params, file);
  if (!result.ok) {
    io.stderr(`${file}: ${result.errors.length} problem(s):\n${result.errors.map((e) => `  ${e}`).join('\n')}\n`);
    return 2;
  }
  io.stdout(`${JSON.stringify(result.output, null, parsed.values.compact ? undefined : 2)}\n`);
  return result.violations > 0 ? 1 : 0;
}
