import postgres from 'postgres';
import { serverUrls } from './servers.js';
import { uniqueName } from './unique-name.js';

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

/** Creates a fresh database on the real PostgreSQL for one test file. */
export async function createTestDatabase(prefix = 'zcp_test'): Promise<TestDatabase> {
  const name = uniqueName(prefix).toLowerCase();
  const admin = postgres(serverUrls.postgres, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrls.postgres);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    async drop() {
      const a = postgres(serverUrls.postgres, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}
