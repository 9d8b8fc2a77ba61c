import { readdir, readFile } from 'node:fs/promises';
import { StorageError } from './storage-error.js';
import type { StorageLogger } from './storage-logger.js';

/** One versioned schema change: `version` is the file name without `.sql`, e.g. `0001_readings`. */
export interface Migration {
  version: string;
  sql: string;
}

/**
 * Where the `.sql` files live at runtime. Resolved next to this module, so it is
 * `src/storage/migrations/` under tsx/vitest and `dist/storage/migrations/` after a build
 * (the build must copy the folder: tsc does not copy `.sql` files).
 */
export const MIGRATIONS_DIR: URL = new URL('./migrations/', import.meta.url);

/** `NNNN_snake_case.sql`: four digits keep lexical order equal to numeric order. */
const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * Any constant works as long as nothing else in the database uses it; the xact variant
 * releases the lock at commit/rollback, so a crashed migrator never leaves it held.
 */
const MIGRATION_LOCK_KEY = 7_031_930_152;

const CREATE_SCHEMA_MIGRATIONS = `create table if not exists schema_migrations (
  version text primary key,
  applied_at timestamptz not null default now()
)`;

/**
 * Reads the migration files of `dir` in version order. Non-`.sql` files (notes) are
 * ignored; a `.sql` file with a malformed name, or two files sharing a number, is an error
 * rather than a silently skipped change.
 *
 * @example
 * const migrations = await loadMigrations() // [{ version: '0001_readings', sql: 'create table …' }]
 */
export async function loadMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new StorageError('invalid_migrations', `cannot read migrations directory ${dir.href}`, { cause });
  }
  const files = names.filter((n) => n.endsWith('.sql')).sort();
  const byNumber = new Map<string, string>();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = MIGRATION_FILE.exec(file);
    if (!match?.[1]) throw new StorageError('invalid_migrations', `migration file name ${file} does not match NNNN_name.sql`);
    const clash = byNumber.get(match[1]);
    if (clash) throw new StorageError('invalid_migrations', `migrations ${clash} and ${file} share number ${match[1]}`);
    byNumber.set(match[1], file);
    migrations.push({ version: file.slice(0, -'.sql'.length), sql: await readFile(new URL(file, dir), 'utf8') });
  }
  return migrations;
}

/** What the runner needs from a transaction; each store adapts its own client to it. */
export interface MigrationTx {
  /** Runs a script of one or more statements without parameters. */
  exec(script: string): Promise<void>;
  /** Runs one statement with positional ($1…) parameters and returns its rows. */
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface MigrationTarget {
  /** Runs `fn` in one transaction: commit when it resolves, rollback when it throws. */
  transaction<T>(fn: (tx: MigrationTx) => Promise<T>): Promise<T>;
}

/** Takes the advisory lock, then makes sure the bookkeeping table exists (under the lock, so two creators never race). */
async function lockAndPrepare(tx: MigrationTx): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
  await tx.exec(CREATE_SCHEMA_MIGRATIONS);
}

/**
 * Applies the pending migrations in version order, each in its own transaction together
 * with its row in `schema_migrations`, so a failure leaves the schema at the previous
 * version. Every transaction first takes a transaction-scoped advisory lock and re-checks
 * the table: when two relays start at once, the second waits and then finds nothing to do.
 *
 * @example
 * const { applied } = await applyMigrations(target, await loadMigrations(), logger)
 */
export async function applyMigrations(target: MigrationTarget, migrations: readonly Migration[], logger: StorageLogger): Promise<{ applied: string[] }> {
  const known = new Set(migrations.map((m) => m.version));
  const done = await target.transaction(async (tx) => {
    await lockAndPrepare(tx);
    const rows = await tx.query<{ version: string }>('select version from schema_migrations');
    return new Set(rows.map((r) => r.version));
  });
  const unknown = [...done].filter((v) => !known.has(v));
  // A newer relay migrated this database; this one may not understand the schema.
  if (unknown.length > 0) logger.warn({ versions: unknown }, 'database has migrations this build does not know');

  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    const started = performance.now();
    const didApply = await target
      .transaction(async (tx) => {
        await lockAndPrepare(tx);
        const again = await tx.query('select 1 from schema_migrations where version = $1', [m.version]);
        if (again.length > 0) return false;
        await tx.exec(m.sql);
        await tx.query('insert into schema_migrations (version) values ($1)', [m.version]);
        return true;
      })
      .catch((cause: unknown) => {
        throw new StorageError('migration_failed', `migration ${m.version} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
      });
    if (!didApply) continue;
    applied.push(m.version);
    logger.info({ version: m.version, ms: Math.round(performance.now() - started) }, 'migration applied');
  }
  return { applied };
}
