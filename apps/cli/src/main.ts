// `zcp` — command line entry (see bin/zcp.mjs). Commands:
//   zcp carbon <activity.json> [--param name=value ...] [--compact]
import { readFile } from 'node:fs/promises';
import { runCli } from './run-cli.js';

const code = await runCli(process.argv.slice(2), {
  readFile: (path) => readFile(path, 'utf8'),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
process.exitCode = code;
