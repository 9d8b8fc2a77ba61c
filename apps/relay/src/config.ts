import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CollabConfig } from './collab/index.js';

const DEFAULT_WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const EnvSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** PostgreSQL URL; when unset the relay embeds PGlite in DATA_DIR. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** NATS URL with JetStream; when unset an in-process bus is used. */
  NATS_URL: z
    .string()
    .regex(/^(nats|tls|wss?):\/\/\S+$/, 'must be nats://host:port (or tls://, ws://, wss://)')
    .optional(),
  /** JSON file with the park model(s) to serve (one Park or an array); default: the demo park. */
  PARK_FILE: z.string().optional(),
  /** PGlite data directory; `memory` keeps the embedded database in memory only. */
  DATA_DIR: z.string().default('.data/pglite'),
  WEB_DIST_DIR: z.string().default(DEFAULT_WEB_DIST_DIR),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Most telemetry messages the storage worker commits in one transaction. */
  STORAGE_BATCH_MESSAGES: z.coerce.number().int().min(1).max(10_000).default(128),
  STORAGE_MAX_WAIT_MS: z.coerce.number().int().min(1).max(60_000).default(200),
  /** Storage pullers per park in this relay, each with its own database connection. */
  STORAGE_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  /** Raw readings are kept this many days; older day partitions are dropped whole. */
  RAW_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
  /** 1-minute and 1-hour rollups are kept this many days (1-day rollups are kept). */
  ROLLUP_1M_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
  ROLLUP_1H_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(36_500)
    .default(3 * 365),
  /** How often partitions are created ahead and dropped past retention. */
  PARTITION_MAINTENANCE_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(3_600_000),
  /** How often the rollup worker looks for closed minutes to roll up; 0 turns it off. */
  ROLLUP_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  /** How long after a minute ends its readings may still be committing before it is rolled. */
  ROLLUP_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  /** A minute is rolled up only once no write touched it for this long (backfills roll once). */
  ROLLUP_QUIET_MS: z.coerce.number().int().min(0).max(3_600_000).default(3_000),
  /** Push-ingest device tokens as JSON: [{deviceId, tokenSha256, assets?, points?}] (see http/ingest). */
  INGEST_DEVICES: z.string().optional(),
  /** …or the path of a JSON file with that list. */
  INGEST_DEVICES_FILE: z.string().optional(),
  /** Largest accepted push-ingest body, bytes. */
  INGEST_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** Where annotation photos live: `db` (the attachments table) or `fs` (files under ATTACHMENT_DIR). */
  ATTACHMENT_STORE: z.enum(['db', 'fs']).default('db'),
  ATTACHMENT_DIR: z.string().default('.data/attachments'),
  /** Largest accepted attachment, bytes. */
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /**
   * Who may open shared documents. `dev` (default): DEVELOPMENT ONLY — the client states its own
   * principal in the socket handshake, UNVERIFIED; `deny`: nobody. Issue 7 adds verified JWTs.
   */
  AUTH_MODE: z.enum(['dev', 'oidc', 'deny']).default('dev'),
  /** `production` refuses the development IdP and marks cookies Secure. */
  ZCP_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** OIDC issuer (`iss`), audience (`aud`) and JWKS URL, for AUTH_MODE=oidc. */
  OIDC_ISSUER: z.string().min(1).optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  OIDC_JWKS_URL: z.url().optional(),
  /** Where a browser goes to sign in under OIDC (the app's login, which returns with a token). */
  OIDC_LOGIN_URL: z.string().min(1).optional(),
  /** Dotted claim paths: roles, parks, enterprises (Keycloak roles: `realm_access.roles`). */
  AUTH_ROLES_CLAIM: z.string().min(1).default('zcp_roles'),
  AUTH_PARKS_CLAIM: z.string().min(1).default('zcp_parks'),
  AUTH_ENTERPRISES_CLAIM: z.string().min(1).default('zcp_enterprises'),
  /** Development IdP signing key as a private JWK (JSON), so several dev relays accept each other's tokens. */
  AUTH_DEV_PRIVATE_JWK: z.string().optional(),
  /** Origins allowed to call the API cross-site, comma-separated; none by default. */
  CORS_ORIGINS: z.string().default(''),
  /** A shared document with no client for this long is unloaded from memory. */
  DOC_IDLE_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  /** How often each loaded document re-reads its update-log tail (missed bus messages converge). */
  DOC_CATCHUP_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(2_000),
  /** How often loaded documents are checked for compaction; 0 turns background compaction off. */
  DOC_COMPACT_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
  /** A document's log is merged into its snapshot once it has at least this many rows. */
  DOC_COMPACT_MIN_UPDATES: z.coerce.number().int().min(1).max(1_000_000).default(100),
});

export type RelayEnv = z.infer<typeof EnvSchema>;

/** How callers prove who they are (docs/SECURITY.md). */
export interface AuthConfig {
  mode: 'dev' | 'oidc' | 'deny';
  production: boolean;
  oidc?: { issuer: string; audience: string; jwksUrl: string; loginUrl?: string };
  claims: { roles: string; parks: string; enterprises: string; name: string; team: string };
  devPrivateJwk?: string;
  corsOrigins: string[];
}

export interface RelayConfig {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  parkFile: string | undefined;
  natsUrl: string | undefined;
  /** undefined → in-memory PGlite. */
  dataDir: string | undefined;
  webDistDir: string | undefined;
  logLevel: RelayEnv['LOG_LEVEL'];
  storageBatchMessages: number;
  storageMaxWaitMs: number;
  storageWorkers: number;
  retention: { rawDays: number; minuteDays: number; hourDays: number };
  partitionMaintenanceMs: number;
  rollup: { intervalMs: number; graceMs: number; quietMs: number };
  ingest: { devicesJson: string | undefined; devicesFile: string | undefined; maxBodyBytes: number };
  attachments: { store: 'db' | 'fs'; dir: string; maxBytes: number };
  auth: AuthConfig;
  collab: CollabConfig;
}

export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the relay's configuration from an environment once, at start-up. Every invalid
 * variable is listed in the one error.
 *
 * @example
 * const config = loadRelayConfig(process.env)
 */
export function loadRelayConfig(env: Record<string, string | undefined>): RelayConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  const problems: string[] = [];
  if (e.AUTH_MODE === 'dev' && e.ZCP_ENV === 'production')
    problems.push(
      'AUTH_MODE: the development IdP (AUTH_MODE=dev) is refused when ZCP_ENV=production — set AUTH_MODE=oidc with OIDC_ISSUER, OIDC_AUDIENCE and OIDC_JWKS_URL',
    );
  if (e.AUTH_MODE === 'oidc')
    for (const k of ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_JWKS_URL'] as const) if (!e[k]) problems.push(`${k}: required when AUTH_MODE=oidc`);
  if (problems.length) throw new ConfigError(problems);
  return {
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    parkFile: e.PARK_FILE,
    natsUrl: e.NATS_URL,
    dataDir: e.DATA_DIR === 'memory' ? undefined : e.DATA_DIR,
    webDistDir: e.WEB_DIST_DIR,
    logLevel: e.LOG_LEVEL,
    storageBatchMessages: e.STORAGE_BATCH_MESSAGES,
    storageMaxWaitMs: e.STORAGE_MAX_WAIT_MS,
    storageWorkers: e.STORAGE_WORKERS,
    retention: { rawDays: e.RAW_RETENTION_DAYS, minuteDays: e.ROLLUP_1M_RETENTION_DAYS, hourDays: e.ROLLUP_1H_RETENTION_DAYS },
    partitionMaintenanceMs: e.PARTITION_MAINTENANCE_MS,
    rollup: { intervalMs: e.ROLLUP_INTERVAL_MS, graceMs: e.ROLLUP_GRACE_MS, quietMs: e.ROLLUP_QUIET_MS },
    ingest: { devicesJson: e.INGEST_DEVICES, devicesFile: e.INGEST_DEVICES_FILE, maxBodyBytes: e.INGEST_MAX_BODY_BYTES },
    attachments: { store: e.ATTACHMENT_STORE, dir: e.ATTACHMENT_DIR, maxBytes: e.ATTACHMENT_MAX_BYTES },
    auth: {
      mode: e.AUTH_MODE,
      production: e.ZCP_ENV === 'production',
      ...(e.AUTH_MODE === 'oidc' &&
        e.OIDC_ISSUER &&
        e.OIDC_AUDIENCE &&
        e.OIDC_JWKS_URL && {
          oidc: { issuer: e.OIDC_ISSUER, audience: e.OIDC_AUDIENCE, jwksUrl: e.OIDC_JWKS_URL, ...(e.OIDC_LOGIN_URL && { loginUrl: e.OIDC_LOGIN_URL }) },
        }),
      claims: { roles: e.AUTH_ROLES_CLAIM, parks: e.AUTH_PARKS_CLAIM, enterprises: e.AUTH_ENTERPRISES_CLAIM, name: 'name', team: 'zcp_team' },
      ...(e.AUTH_DEV_PRIVATE_JWK && { devPrivateJwk: e.AUTH_DEV_PRIVATE_JWK }),
      corsOrigins: e.CORS_ORIGINS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    },
    collab: {
      // Documents trust the identity the socket's handshake token proved (issue 7).
      authMode: e.AUTH_MODE === 'deny' ? 'deny' : 'verified',
      idleMs: e.DOC_IDLE_MS,
      catchUpIntervalMs: e.DOC_CATCHUP_INTERVAL_MS,
      compactIntervalMs: e.DOC_COMPACT_INTERVAL_MS,
      compactMinUpdates: e.DOC_COMPACT_MIN_UPDATES,
    },
  };
}
