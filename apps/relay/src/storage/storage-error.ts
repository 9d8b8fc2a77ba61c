/** Stable codes of the storage layer; callers branch on these, never on messages. */
export type StorageErrorCode =
  /** A reading cannot be stored as given (not an int pointId, not an int ts, value not finite). */
  | 'invalid_reading'
  /** history() was called with arguments that describe no valid query. */
  | 'invalid_query'
  /** The migration files on disk are unusable (bad name, duplicate version, unreadable). */
  | 'invalid_migrations'
  /** Applying a migration failed; the migration's transaction was rolled back. */
  | 'migration_failed';

/**
 * Error thrown by the storage layer with a stable `code`. The original error, when there is
 * one, is kept in `cause`.
 *
 * @example
 * try { await store.insertReadings(rows) } catch (e) { if (e instanceof StorageError && e.code === 'invalid_reading') … }
 */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}
