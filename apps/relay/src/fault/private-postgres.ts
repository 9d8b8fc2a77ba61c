import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ToolRequirement } from '@zcp/testkit';
import { freePort } from './fault-harness.js';

// A throwaway PostgreSQL cluster for a test that stops and starts the server: the shared
// server on :5432 serves every other test file running in parallel, so it is never touched.

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';
const PG_CTL_TIMEOUT_S = 30;

/** Debian's server binaries (/usr/lib/postgresql/<version>/bin), newest version; undefined when none. */
export function findPgBinDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  return postgresVersions()
    .map((v) => join(PG_ROOT, v, 'bin'))
    .find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

function postgresVersions(): string[] {
  try {
    // Synchronous on purpose: this decides, at collection time, whether the suite runs.
    return readdirSync(PG_ROOT).sort((a, b) => Number(b) - Number(a));
  } catch {
    return [];
  }
}

/** For describeWithTool: the suite needs initdb and pg_ctl (Debian postgresql). */
export function pgServerRequirement(): ToolRequirement {
  const bin = findPgBinDir();
  return bin ? { name: 'initdb', probe: [join(bin, 'initdb'), '--version'] } : 'initdb';
}

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust auth). */
  readonly url: string;
  readonly port: number;
  /** `pg_ctl stop -m fast`: clients are disconnected, new connections refused. */
  stop(): Promise<void>;
  /** `pg_ctl start` on the same port and data directory. */
  start(): Promise<void>;
  /** Stops the server (immediate) if running and deletes the directory. Safe to call twice. */
  destroy(): Promise<void>;
}

/**
 * initdb + pg_ctl start of a private cluster on a free loopback port, its socket and data in
 * a temp dir. initdb refuses to run as root, so as root every command runs as the postgres
 * user (`runuser -u postgres --`) and the directory is handed to that user.
 *
 * @example
 * const pg = await startPrivatePostgres(); try { … await pg.stop(); await pg.start() } finally { await pg.destroy() }
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = findPgBinDir();
  if (!bin) throw new Error(`no PostgreSQL server binaries under ${PG_ROOT}`);
  const dir = await mkdtemp(join(tmpdir(), 'zcp-fault-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    await chmod(dir, 0o700);
  }
  const pg = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args));
  const port = await freePort();
  const options = [`-p ${port}`, "-c listen_addresses='127.0.0.1'", `-c unix_socket_directories='${dir}'`, '-c fsync=off', '-c full_page_writes=off'].join(' ');
  const pgCtl = (action: string, extra: string[] = []) => pg('pg_ctl', [action, '-D', data, '-w', '-t', String(PG_CTL_TIMEOUT_S), ...extra]);
  let running = false;

  const destroy = async () => {
    if (running) await pgCtl('stop', ['-m', 'immediate']).catch(() => undefined);
    running = false;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync', '--no-instructions']);
    await pgCtl('start', ['-o', options, '-l', join(dir, 'server.log')]);
    running = true;
  } catch (err) {
    const log = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '(no server log)');
    await destroy();
    throw new Error(`private PostgreSQL did not start: ${(err as Error).message}\n${log}`);
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await pgCtl('stop', ['-m', 'fast']);
      running = false;
    },
    async start() {
      await pgCtl('start', ['-o', options, '-l', join(dir, 'server.log')]);
      running = true;
    },
    destroy,
  };
}
