import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, loadMigrations } from './migrations.js';
import { pgliteMigrationTarget } from './pglite-store.js';
import { silentLogger } from './storage-logger.js';

/** A fresh temp folder holding the given files, as the `file:` URL loadMigrations takes. */
async function folderWith(files: Record<string, string>): Promise<{ url: URL; path: string }> {
  const path = await mkdtemp(join(tmpdir(), 'zcp-migrations-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(path, name), text);
  return { url: pathToFileURL(`${path}/`), path };
}

describe('loadMigrations', () => {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((p) => rm(p, { recursive: true, force: true })));
  });
  async function load(files: Record<string, string>) {
    const f = await folderWith(files);
    made.push(f.path);
    return loadMigrations(f.url);
  }

  it('reads the shipped migrations next to the module, 0001_readings first', async () => {
    const migrations = await loadMigrations();
    expect(migrations[0]?.version).toBe('0001_readings');
    expect(migrations[0]?.sql).toMatch(/create table readings/i);
  });

  it('orders by version number and ignores files that are not .sql', async () => {
    const migrations = await load({ '0010_c.sql': 'c', '0002_b.sql': 'b', '0001_a.sql': 'a', 'README.md': 'notes' });
    expect(migrations).toEqual([
      { version: '0001_a', sql: 'a' },
      { version: '0002_b', sql: 'b' },
      { version: '0010_c', sql: 'c' },
    ]);
  });

  it('rejects a malformed .sql name, a shared number and a missing folder with code invalid_migrations', async () => {
    await expect(load({ '1_a.sql': 'a' })).rejects.toMatchObject({ code: 'invalid_migrations' });
    await expect(load({ '0001_a.sql': 'a', '0001_b.sql': 'b' })).rejects.toMatchObject({ code: 'invalid_migrations' });
    await expect(loadMigrations(new URL('file:///nonexistent-zcp-migrations/'))).rejects.toMatchObject({ code: 'invalid_migrations' });
  });
});

describe('applyMigrations (on PGlite)', () => {
  let pg: PGlite;
  beforeAll(async () => {
    pg = await PGlite.create();
  });
  afterAll(async () => {
    await pg.close();
  });

  it('rolls a failing migration back whole, records nothing for it, and resumes once fixed', async () => {
    const target = pgliteMigrationTarget(pg);
    const ok = { version: '0001_a', sql: 'create table a (x int);' };
    const bad = { version: '0002_b', sql: 'create table b (x int); select no_such_column from a;' };
    await expect(applyMigrations(target, [ok, bad], silentLogger)).rejects.toMatchObject({ name: 'StorageError', code: 'migration_failed' });

    const tables = await pg.query<{ name: string }>("select tablename as name from pg_tables where schemaname = 'public' order by 1");
    expect(tables.rows.map((r) => r.name)).toEqual(['a', 'schema_migrations']);
    const recorded = await pg.query<{ version: string }>('select version from schema_migrations');
    expect(recorded.rows.map((r) => r.version)).toEqual(['0001_a']);

    const fixed = { version: '0002_b', sql: 'create table b (x int);' };
    expect(await applyMigrations(target, [ok, fixed], silentLogger)).toEqual({ applied: ['0002_b'] });
    expect(await applyMigrations(target, [ok, fixed], silentLogger)).toEqual({ applied: [] });
  });

  it('warns when the database holds a migration this build does not know', async () => {
    const db = await PGlite.create();
    try {
      const target = pgliteMigrationTarget(db);
      await applyMigrations(
        target,
        [
          { version: '0001_a', sql: 'select 1' },
          { version: '0002_new', sql: 'select 1' },
        ],
        silentLogger,
      );
      const warnings: object[] = [];
      const logger = { ...silentLogger, warn: (obj: object) => warnings.push(obj) };
      expect(await applyMigrations(target, [{ version: '0001_a', sql: 'select 1' }], logger)).toEqual({ applied: [] });
      expect(warnings).toEqual([{ versions: ['0002_new'] }]);
    } finally {
      await db.close();
    }
  });
});
