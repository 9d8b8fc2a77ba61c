import { setErrorLogger, setWarningLogger } from 'node-opcua-client';
import type { Logger } from '../../logger.js';

/**
 * node-opcua writes its warnings and errors straight to the console through process-wide
 * hooks (one setting for every client and server in the process). Route them to our logger
 * at debug level instead: the adapter and the simulated server log what matters themselves,
 * and library code never writes to the console (STYLE habit 6).
 */
export function routeOpcuaLogs(logger: Logger): void {
  const sink = (...args: unknown[]) => logger.debug({ component: 'node-opcua' }, args.map((a) => (typeof a === 'string' ? a : String(a))).join(' '));
  setWarningLogger(sink);
  setErrorLogger(sink);
}
