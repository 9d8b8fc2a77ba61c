// The domain, runtime-agnostic: no `node:` imports; runs in the browser, Node and edge workers.

export { type BuildParkOptions, buildPark, type EnterpriseSeed } from './park/build-park.js';
export { DEMO_ENTERPRISES, DEMO_PARK_ID, demoPark, generatePark } from './park/demo-park.js';
export { ASSET_METRICS, LOAD_KINDS, type MetricSpec, metricSpec } from './park/metrics.js';
export { indexPark, type ParkIndex } from './park/park-index.js';
export {
  ASSET_KINDS,
  type Asset,
  type AssetKind,
  AssetKindSchema,
  AssetSchema,
  type Building,
  BuildingSchema,
  type Enterprise,
  EnterpriseSchema,
  ID_PATTERN,
  IdSchema,
  type LocalizedText,
  LocalizedTextSchema,
  type Park,
  ParkSchema,
  type ParkSummary,
  POINT_UNITS,
  type Point,
  PointSchema,
  type PointUnit,
  PointUnitSchema,
  QUALITIES,
  QUALITY_CODE,
  type Quality,
  QualitySchema,
  qualityFromCode,
  type Reading,
  ReadingSchema,
  type ShiftPattern,
  ShiftPatternSchema,
  summarizePark,
  type Vec3,
  Vec3Schema,
} from './park/schema.js';
export { type HistoryBucket, MAX_HISTORY_BUCKETS, MAX_HISTORY_RANGE_MS, type PointHistory, type PointState, type Problem } from './protocol/http-api.js';
export {
  type ClientToServerEvents,
  DELTA_INTERVAL_MS,
  type JoinAck,
  type ParkJoin,
  ParkJoinSchema,
  type PointValueTuple,
  type RelayStatus,
  roomOfPark,
  type ServerToClientEvents,
  SocketEvent,
  type StateDelta,
  type StateSnapshot,
} from './protocol/socket-events.js';
export {
  isPublishSubject,
  parseTelemetrySubject,
  SUBJECT_ROOT,
  storageConsumer,
  subjectMatches,
  subjects,
  TELEMETRY_STREAM_LIMITS,
  telemetryStream,
} from './protocol/subjects.js';
export {
  type DecodeResult,
  decodeTelemetryBatch,
  encodeTelemetryBatch,
  readingsOf,
  type TelemetryBatch,
  TelemetryBatchV1Schema,
  telemetryBatch,
} from './protocol/telemetry.js';
export {
  checkReading,
  createSanityChecker,
  defaultPointLimits,
  type LastValue,
  MAX_TEMPERATURE_RATE_C_PER_S,
  POWER_HEADROOM,
  type PointLimits,
  SANITY_REASONS,
  type SanityChecker,
  type SanityFlag,
  type SanityReason,
  type SanityResult,
} from './quality/index.js';
export { createRng, hashString, type Rng } from './random/seeded.js';
export { clearSkyIrradiance, type PvSurface, planeOfArrayIrradiance, SOLAR_CONSTANT_WM2, type SolarPosition, solarPosition } from './solar/solar-position.js';
