export {
  createStaticDeviceAuthenticator,
  type DeviceAuthenticator,
  type DeviceIdentity,
  type DeviceTokenEntry,
  DeviceTokenEntrySchema,
  parseDeviceTokens,
  sha256Hex,
} from './device-auth.js';
export {
  DEFAULT_INGEST_MAX_BODY_BYTES,
  DEFAULT_INGEST_MAX_ROWS,
  INGEST_PATH,
  INGEST_SOURCE,
  type IngestDeps,
  type IngestResponse,
  type IngestSummary,
  registerIngestRoute,
} from './ingest-route.js';
export { INGEST_REJECT_REASONS, type IngestRejectReason, type RowResult } from './judge-rows.js';
