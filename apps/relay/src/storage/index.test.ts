import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createReadingStore, type StorageLogger } from './index.js';

function recordingLogger(): StorageLogger & { infos: { obj: object; msg: string }[] } {
  const infos: { obj: object; msg: string }[] = [];
  return { infos, debug() {}, warn() {}, error() {}, info: (obj, msg) => infos.push({ obj, msg }) };
}

describe('createReadingStore', () => {
  it('accepts a pino logger as the StorageLogger', () => {
    // Compile-time check as much as a runtime one: the relay passes its pino logger.
    const logger: StorageLogger = pino({ level: 'silent' });
    expect(typeof logger.info).toBe('function');
  });

  it('without databaseUrl embeds PGlite (in memory when no dataDir) and says so', async () => {
    const logger = recordingLogger();
    const store = await createReadingStore({ logger });
    try {
      expect(store.kind).toBe('pglite');
      expect(logger.infos).toEqual([{ obj: { backend: 'pglite', dataDir: 'memory' }, msg: 'reading store: embedded PGlite' }]);
    } finally {
      await store.close();
    }
  });

  it('with databaseUrl uses PostgreSQL and logs where, never the password', async () => {
    const logger = recordingLogger();
    // Nothing listens on port 1; the pool connects lazily, so no connection is tried.
    const store = await createReadingStore({ databaseUrl: 'postgres://relay:s3cret@127.0.0.1:1/park', dataDir: '/unused', logger });
    try {
      expect(store.kind).toBe('postgres');
      expect(logger.infos).toEqual([{ obj: { backend: 'postgres', database: '127.0.0.1:1/park' }, msg: 'reading store: PostgreSQL' }]);
      expect(JSON.stringify(logger.infos)).not.toContain('s3cret');
    } finally {
      await store.close();
    }
  });
});
