import { readFileSync } from 'node:fs';
import { demoPark, type Park, ParkSchema } from '@zcp/model';
import { pino } from 'pino';
import { ConfigError, loadRelayConfig } from './config.js';
import { LOG_REDACT_PATHS } from './observability/log-redaction.js';
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
const logger = pino({ level: config.logLevel, name: 'relay', redact: LOG_REDACT_PATHS });

/** The parks to serve: PARK_FILE (one park or an array, validated) or the demo park. */
function loadParks(file: string | undefined): Park[] {
  if (file === undefined) return [demoPark()];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    process.stderr.write(`PARK_FILE ${file}: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const parsed = ParkSchema.array().safeParse(Array.isArray(json) ? json : [json]);
  if (!parsed.success) {
    process.stderr.write(`PARK_FILE ${file}: invalid park model:\n  ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}\n`);
    process.exit(2);
  }
  return parsed.data;
}

const relay = createRelay(config, { parks: loadParks(config.parkFile), logger });
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
