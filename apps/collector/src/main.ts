// The collector process: configuration, logger and signals. Everything else is startCollectorApp.
import { pino } from 'pino';
import { startCollectorApp } from './app.js';
import { ConfigError, loadCollectorConfig } from './config.js';
import { toCollectorError } from './errors.js';

let config: ReturnType<typeof loadCollectorConfig>;
try {
  config = loadCollectorConfig(process.env);
} catch (e) {
  process.stderr.write(`${e instanceof ConfigError ? e.message : String(e)}\n`);
  process.exit(2);
}
const logger = pino({ level: config.logLevel, base: { service: 'zcp-collector' } });
const app = await startCollectorApp(config, { logger }).catch((e: unknown) => {
  logger.fatal({ err: toCollectorError(e).message }, 'collector failed to start');
  process.exit(1);
});

let stopping = false;
const shutdown = (signal: NodeJS.Signals) => {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting without waiting');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'shutting down');
  app.stop().then(
    () => {
      process.exitCode = 0;
    },
    (e: unknown) => {
      logger.error({ err: toCollectorError(e).message }, 'shutdown failed');
      process.exitCode = 1;
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
