import { demoPark } from '@zcp/model';
import { pino } from 'pino';
import { ConfigError, loadRelayConfig } from './config.js';
import { createRelay } from './relay.js';

// The relay on its own (real servers): `NATS_URL=… DATABASE_URL=… node dist/main.js`.
let config: ReturnType<typeof loadRelayConfig>;
try {
  config = loadRelayConfig(process.env);
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
const logger = pino({ level: config.logLevel, name: 'relay' });
const relay = createRelay(config, { parks: [demoPark()], logger });
await relay.start();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    relay.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
