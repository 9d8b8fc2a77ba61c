// The domain, runtime-agnostic: no `node:` imports; runs in the browser, Node and edge workers.

export { createRng, hashString, type Rng } from './random/seeded.js';

export {
  ID_PATTERN,
  IdSchema,
  LocalizedTextSchema,
  Vec3Schema,
  ShiftPatternSchema,
  EnterpriseSchema,
  BuildingSchema,
  ASSET_KINDS,
  AssetKindSchema,
  AssetSchema,
  POINT_UNITS,
  PointUnitSchema,
  PointSchema,
  ParkSchema,
  QUALITIES,
  QualitySchema,
  QUALITY_CODE,
  qualityFromCode,
  ReadingSchema,
  summarizePark,
  type LocalizedText,
  type Vec3,
  type ShiftPattern,
  type Enterprise,
  type Building,
  type AssetKind,
  type Asset,
  type PointUnit,
  type Point,
  type Park,
  type ParkSummary,
  type Quality,
  type Reading,
} from './park/schema.js';
export { ASSET_METRICS, LOAD_KINDS, metricSpec, type MetricSpec } from './park/metrics.js';
export { buildPark, type BuildParkOptions, type EnterpriseSeed } from './park/build-park.js';
export { demoPark, generatePark, DEMO_PARK_ID, DEMO_ENTERPRISES } from './park/demo-park.js';
export { indexPark, type ParkIndex } from './park/park-index.js';

export {
  SUBJECT_ROOT,
  subjects,
  parseTelemetrySubject,
  telemetryStream,
  storageConsumer,
  subjectMatches,
  isPublishSubject,
} from './protocol/subjects.js';
export {
  TelemetryBatchV1Schema,
  telemetryBatch,
  readingsOf,
  encodeTelemetryBatch,
  decodeTelemetryBatch,
  type TelemetryBatch,
  type DecodeResult,
} from './protocol/telemetry.js';
export {
  SocketEvent,
  roomOfPark,
  ParkJoinSchema,
  DELTA_INTERVAL_MS,
  type PointValueTuple,
  type StateSnapshot,
  type StateDelta,
  type RelayStatus,
  type ParkJoin,
  type JoinAck,
  type ServerToClientEvents,
  type ClientToServerEvents,
} from './protocol/socket-events.js';
export { MAX_HISTORY_BUCKETS, MAX_HISTORY_RANGE_MS, type Problem, type HistoryBucket, type PointHistory, type PointState } from './protocol/http-api.js';
