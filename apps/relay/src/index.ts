export { ConfigError, loadRelayConfig, type RelayConfig } from './config.js';
export { type ApiDeps, createApiApp } from './http/api-app.js';
export { ApiError, toProblem } from './http/api-error.js';
export { LOG_REDACT_PATHS } from './observability/log-redaction.js';
export { createRelay, type Relay, type RelayDeps } from './relay.js';
export { createReadingStore } from './storage/index.js';
export type { ReadingStore } from './storage/reading-store.js';
