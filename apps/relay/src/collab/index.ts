import type { Bus } from '@zcp/bus';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AuditLog } from '../auth/audit-log.js';
import type { ParkRegistry } from '../parks/park-registry.js';
import type { SqlClient } from '../storage/sql-client.js';
import { createCollabMetrics } from './collab-metrics.js';
import { type CollabServer, createCollabServer } from './collab-server.js';
import { auditExtension } from './extensions/audit.js';
import { authExtension, type CollabAuthMode } from './extensions/auth.js';
import { loggingExtension } from './extensions/logging.js';
import { natsBridgeExtension } from './extensions/nats-bridge.js';
import { type PersistenceExtension, persistenceExtension } from './extensions/persistence.js';

export type { CollabServer } from './collab-server.js';
export { type CollabAuthMode, defaultDevPrincipal } from './extensions/auth.js';
export type { CollabExtension, DocHandle } from './types.js';

export interface CollabConfig {
  authMode: CollabAuthMode;
  idleMs: number;
  catchUpIntervalMs: number;
  compactIntervalMs: number;
  compactMinUpdates: number;
}

export interface CollabDeps {
  relayId: string;
  parks: ParkRegistry;
  sql: SqlClient;
  bus: Bus;
  logger: Logger;
  registry: Registry;
  /** Refused opens and annotation deletions go to the audit trail (issue 7). */
  audit?: AuditLog;
}

export interface Collab extends CollabServer {
  readonly persistence: PersistenceExtension;
}

/**
 * The relay's shared-document server with its standard extensions, in hook order: metrics,
 * logging, auth, the NATS bridge (subscribes before the read), persistence.
 *
 * @example
 * const collab = createCollab(config.collab, { relayId, parks, sql: store.sql, bus, logger, registry: metrics.registry });
 * collab.attach(io);
 */
export function createCollab(config: CollabConfig, deps: CollabDeps): Collab {
  const metrics = createCollabMetrics(deps.registry);
  const logging = loggingExtension(deps.logger);
  const onError = (what: string, key: string, err: unknown) => logging.onError?.({ key, what, err });
  if (config.authMode === 'dev') {
    deps.logger.warn(
      'collab: AUTH_MODE=dev — shared-document identities are UNVERIFIED (stated by the client); development only, never on an untrusted network',
    );
  }
  const persistence = persistenceExtension({
    sql: deps.sql,
    metrics,
    compactIntervalMs: config.compactIntervalMs,
    compactMinUpdates: config.compactMinUpdates,
    onError,
  });
  const server = createCollabServer({
    relayId: deps.relayId,
    idleMs: config.idleMs,
    catchUpIntervalMs: config.catchUpIntervalMs,
    extensions: [
      metrics.extension(),
      logging,
      authExtension({ mode: config.authMode, parks: deps.parks }),
      natsBridgeExtension({ bus: deps.bus, relayId: deps.relayId, onError }),
      persistence,
      ...(deps.audit ? [auditExtension(deps.audit)] : []),
    ],
  });
  return Object.assign(server, { persistence });
}
