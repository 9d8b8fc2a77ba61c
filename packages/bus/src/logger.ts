/**
 * The logging surface the bus needs: a structural subset of pino's `Logger`, so a pino
 * instance is passed as is and tests can pass a recorder. The bus never writes to the console.
 */
export interface BusLogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

export interface BusLogger {
  debug: BusLogFn;
  info: BusLogFn;
  warn: BusLogFn;
  error: BusLogFn;
}

const noop: BusLogFn = () => {};

/** Discards everything; the default when no logger is passed. */
export const silentBusLogger: BusLogger = { debug: noop, info: noop, warn: noop, error: noop };
