/**
 * The logging surface the collector needs: a structural subset of pino's `Logger`, so a pino
 * instance is passed as is and tests can pass a recorder. Library code never writes to the
 * console.
 */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

const noop: LogFn = () => {};

/** Discards everything; the default where a logger is optional. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => silentLogger };
