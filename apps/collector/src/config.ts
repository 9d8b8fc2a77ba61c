import { z } from 'zod';
import { CollectorError } from './errors.js';
import { SIM_ALL_PROTOCOLS, SIM_FIELD_PROTOCOLS, type SimFieldProtocol } from './sim/field-protocols.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const EnvSchema = z.object({
  /** NATS URL with JetStream; when unset the collector uses the in-process memory bus. */
  NATS_URL: z
    .string()
    .regex(/^(nats|tls|wss?):\/\/\S+$/, 'must be nats://host:port (or tls://, ws://, wss://)')
    .optional(),
  /** Seed of the simulated park: the same seed replays the same park. */
  SIM_SEED: int(0, 0xffffffff).default(2025),
  /** Simulator step interval, ms. */
  SIM_TICK_MS: int(10, 60_000).default(1000),
  SIM_SKY: z.enum(['variable', 'clear']).default('variable'),
  POLL_INTERVAL_MS: int(50, 3_600_000).default(1000),
  MODBUS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Port of the simulated Modbus TCP devices; 0 = any free port. */
  MODBUS_PORT: int(0, 65_535).default(5020),
  MODBUS_TIMEOUT_MS: int(50, 60_000).default(1000),
  /** This collector's name in batch ids and `source`: subject-token characters only. */
  COLLECTOR_SOURCE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 characters of A–Z a–z 0–9 _ -')
    .default('collector'),
  PUBLISH_CONCURRENCY: int(1, 256).default(8),
  /** On-disk spool for batches while NATS is unreachable; unset = in-memory retry queue only. */
  SPOOL_DIR: z.string().min(1).optional(),
  /** Bound of the spool; when full the oldest batches are dropped (logged, counted). */
  SPOOL_MAX_BYTES: int(1024 * 1024, 1024 ** 4).default(256 * 1024 * 1024),
  /** `always`: fsync every spooled batch (survives power loss); `never`: survives a process crash. */
  SPOOL_FSYNC: z.enum(['always', 'never']).default('always'),
  /** Serve Prometheus metrics on this port at /metrics; unset = no metrics endpoint. */
  METRICS_PORT: int(0, 65_535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Device/point configuration file (YAML or JSON); unset = the simulated park's own config. */
  DEVICE_CONFIG_FILE: z.string().min(1).optional(),
  /**
   * Protocols the simulated park speaks at once (comma-separated; its enterprises are dealt
   * over them): modbus-tcp, modbus-rtu-over-tcp, modbus-rtu (needs socat), opc-ua, mqtt-json,
   * mqtt-sparkplug, or `all` (everything but modbus-rtu).
   */
  SIM_PROTOCOLS: z
    .string()
    .default('modbus-tcp')
    .transform((s) => (s.trim() === 'all' ? [...SIM_ALL_PROTOCOLS] : s.split(',').map((p) => p.trim())))
    .pipe(z.array(z.enum(SIM_FIELD_PROTOCOLS)).min(1)),
  /** Broker of the simulated MQTT devices (Mosquitto); unset = an embedded aedes broker. */
  MQTT_URL: z
    .string()
    .regex(/^(mqtts?|wss?):\/\/\S+$/, 'must be mqtt://host:port (or mqtts://, ws://, wss://)')
    .optional(),
  /** PKI folder of the simulated OPC UA server and the collector's OPC UA client. */
  OPCUA_PKI_DIR: z.string().min(1).default('.data/opcua-pki'),
});

export type CollectorEnv = z.infer<typeof EnvSchema>;

export interface CollectorConfig {
  natsUrl: string | undefined;
  sim: { seed: number; tickMs: number; sky: 'variable' | 'clear'; protocols: SimFieldProtocol[]; mqttUrl: string | undefined; opcuaPkiDir: string };
  modbus: { host: string; port: number; timeoutMs: number; pollIntervalMs: number };
  source: string;
  publishConcurrency: number;
  spool: { dir: string; maxBytes: number; fsync: 'always' | 'never' } | undefined;
  metrics: { host: string; port: number } | undefined;
  logLevel: CollectorEnv['LOG_LEVEL'];
  deviceConfigFile: string | undefined;
}

/** Variables whose values may hold credentials (nats://user:pass@host): never echoed. */
const SECRET_VARIABLES = new Set(['NATS_URL', 'MQTT_URL']);

export class ConfigError extends CollectorError {
  constructor(readonly issues: string[]) {
    super('config_invalid', `invalid collector configuration:\n  ${issues.join('\n  ')}`);
  }
}

/**
 * Reads the collector process's configuration from an environment, once, at start-up.
 * Empty variables count as unset. Every invalid variable is listed in the one error.
 *
 * @example
 * const config = loadCollectorConfig(process.env)
 */
export function loadCollectorConfig(env: Readonly<Record<string, string | undefined>>): CollectorConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v.trim() !== '') input[key] = v.trim();
  }
  const parsed = EnvSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0]);
        const shown = SECRET_VARIABLES.has(key) ? '' : ` (got ${JSON.stringify(input[key])})`;
        return `${key}: ${i.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  return {
    natsUrl: e.NATS_URL,
    sim: { seed: e.SIM_SEED, tickMs: e.SIM_TICK_MS, sky: e.SIM_SKY, protocols: e.SIM_PROTOCOLS, mqttUrl: e.MQTT_URL, opcuaPkiDir: e.OPCUA_PKI_DIR },
    modbus: { host: e.MODBUS_HOST, port: e.MODBUS_PORT, timeoutMs: e.MODBUS_TIMEOUT_MS, pollIntervalMs: e.POLL_INTERVAL_MS },
    source: e.COLLECTOR_SOURCE,
    publishConcurrency: e.PUBLISH_CONCURRENCY,
    spool: e.SPOOL_DIR === undefined ? undefined : { dir: e.SPOOL_DIR, maxBytes: e.SPOOL_MAX_BYTES, fsync: e.SPOOL_FSYNC },
    metrics: e.METRICS_PORT === undefined ? undefined : { host: e.METRICS_HOST, port: e.METRICS_PORT },
    logLevel: e.LOG_LEVEL,
    deviceConfigFile: e.DEVICE_CONFIG_FILE,
  };
}

/** A URL safe to log: user info removed. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
