/**
 * The part of a logger the storage layer uses. A pino `Logger` fits as is; the structural
 * type keeps the layer free of a logging library and lets tests pass a recorder.
 */
export interface StorageLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Default when no logger is given: the stores never write to the console themselves. */
export const silentLogger: StorageLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
