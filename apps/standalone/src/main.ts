import { LOG_REDACT_PATHS } from '@zcp/relay';
import { pino } from 'pino';
import { loadStackConfig, StackConfigError } from './config.js';
import { createStack } from './stack.js';

// `npm start`: the whole twin with the simulated park, embedded defaults unless
// DATABASE_URL / NATS_URL point at real servers.
let config: ReturnType<typeof loadStackConfig>;
try {
  config = loadStackConfig(process.env);
} catch (e) {
  if (e instanceof StackConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
const logger = pino({ level: config.relay.logLevel, name: 'zcp', redact: LOG_REDACT_PATHS });
const stack = createStack(config, { logger });
await stack.start();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    stack.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
