// The domain, runtime-agnostic: no `node:` imports; runs in the browser, Node and edge workers.

export { ACTIONS, type Action, type Decision, decide, type Mask, PERMISSIONS, showsEnterprise, type Target } from './auth/policy.js';
export {
  belongsToPark,
  isParkWide,
  type Principal,
  type PrincipalInput,
  PrincipalSchema,
  ROLES,
  type Role,
} from './auth/principal.js';
export { visibleEnterprise, visiblePark, visiblePointIds } from './auth/visibility.js';
export {
  type ActivityItem,
  type ActivitySource,
  type CarbonActivityInput,
  type CarbonActivityInputRaw,
  CarbonActivityInputSchema,
  type Certificate,
} from './carbon/activity-schema.js';
export { CERTIFICATE_VIOLATION_CODES, type CertificateViolation, type CertificateViolationCode } from './carbon/certificates.js';
export {
  type ComputeParkCarbonOptions,
  computeParkCarbon,
  type DirectSupplyShare,
  type EnterpriseCarbon,
  type ParkCarbonResult,
  type ParkMethodSources,
  parseCarbonActivityInput,
} from './carbon/compute-park-carbon.js';
export type { DecimalInput, DecimalString } from './carbon/decimal.js';
export { type CarbonErrorCode, CarbonInputError } from './carbon/errors.js';
export { GRID_FACTOR_YEARS, GRID_REGIONS, type GridFactorYear, type GridRegion } from './carbon/factors/electricity.js';
export { FUEL_IDS, FUELS, type FuelId, type FuelSpec, fuelFactor } from './carbon/factors/fuels.js';
export { createFactorLibrary, type EmissionFactor, type FactorDataset, type FactorLibrary, factorRef, type UserFactorInput } from './carbon/factors/library.js';
export { type GhgProtocolView, RESIDUAL_MIX_NOTE } from './carbon/ghg-protocol.js';
export { co2TonnesOfKwh, type GridEmissionFactor, NATIONAL_GRID_FACTOR_2023 } from './carbon/grid-factor.js';
export { type CoreIndicator, type GuidingIndicator, type GuidingIndicatorId, type Ind1Band, selectBand } from './carbon/indicators.js';
export type { Figure, Lineage, LineageFactor, LineageItem, LineageParameter } from './carbon/lineage.js';
export {
  CARBON_WINDOW_GRACE_MS,
  CARBON_WINDOW_MS,
  type CarbonFigures,
  type CarbonWindow,
  type CarbonWindowOptions,
  type CarbonWindowStats,
  type CarbonWindows,
  type CarrierFigures,
  createCarbonWindows,
  type EnterpriseCarbonWindow,
} from './carbon/live/carbon-windows.js';
export {
  DEFAULT_PARAMETERS,
  PARAMETER_IDS,
  type ParameterDefinition,
  type ParameterId,
  type ParameterOverride,
  type ResolvedParameter,
  resolveParameters,
} from './carbon/parameters.js';
export {
  type ActorStamp,
  ActorStampSchema,
  ANNOTATION_CATEGORIES,
  ANNOTATION_STATUS_MOVES,
  ANNOTATION_STATUSES,
  type Annotation,
  type AnnotationAnchor,
  AnnotationAnchorSchema,
  type AnnotationCategory,
  type AnnotationComment,
  AnnotationCommentSchema,
  type AnnotationFilter,
  type AnnotationInput,
  AnnotationSchema,
  type AnnotationStatus,
  type AttachmentRef,
  AttachmentRefSchema,
  type CameraView,
  CameraViewSchema,
  filterAnnotations,
} from './collab/annotation.js';
export {
  type DocAccess,
  type DocAccessDecision,
  type DocRef,
  DocRefSchema,
  type DocScope,
  docAccess,
  docKey,
  docScope,
  enterpriseDocId,
  PARK_DOC_ID,
} from './collab/docs.js';
export { type PresenceState, PresenceStateSchema } from './collab/presence.js';
export {
  BYTE_ORDERS,
  type ByteOrder,
  DEVICE_PROTOCOLS,
  type DeviceConfig,
  type DeviceConfigEntry,
  type DeviceConfigInput,
  type DeviceConfigIssue,
  DeviceConfigSchema,
  type DeviceProtocol,
  DeviceSchema,
  MODBUS_TABLES,
  type ModbusAddress,
  ModbusAddressSchema,
  type ModbusDeviceConfig,
  type ModbusPointConfig,
  ModbusPointSchema,
  type ModbusTable,
  modbusPointSize,
  POINT_DATA_TYPES,
  type PointDataType,
  validateDeviceConfig,
} from './devices/device-config.js';
export {
  DeviceConfigError,
  devicesOf,
  formatConfigPath,
  mergeDeviceConfigs,
  parseDeviceConfig,
  parseDeviceConfigText,
} from './devices/parse-device-config.js';
export { type BuildParkOptions, buildPark, type EnterpriseSeed, type GreenLineSeed, type HeatMeterSeed } from './park/build-park.js';
export { DEMO_ENTERPRISES, DEMO_GREEN_LINES, DEMO_HEAT_METERS, DEMO_PARK_ID, demoPark, generatePark } from './park/demo-park.js';
export { type CarrierMeter, carrierMeters, type EnergyMeter, energyMeters, enterpriseOfAsset } from './park/energy-meters.js';
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
export { type DocRelayEnvelope, decodeDocRelayEnvelope, encodeDocRelayEnvelope } from './protocol/doc-relay-envelope.js';
export {
  type EnergyBucket,
  type HistoryBucket,
  type HistoryResolution,
  MAX_HISTORY_BUCKETS,
  MAX_HISTORY_RANGE_MS,
  type ParkEnergy,
  type PointHistory,
  type PointState,
  type Problem,
  ROLLUP_RESOLUTION_MS,
  ROLLUP_RESOLUTIONS,
  type RollupResolution,
} from './protocol/http-api.js';
export {
  type CarbonWindowMessage,
  CarbonWindowSchema,
  type ClientToServerEvents,
  DELTA_INTERVAL_MS,
  DOC_MESSAGE_MAX_BYTES,
  type DocOpenAck,
  type DocSyncAck,
  type DocWireRef,
  type EnterpriseCarbonWindowMessage,
  EnterpriseCarbonWindowSchema,
  type JoinAck,
  type ParkJoin,
  ParkJoinSchema,
  type PointValueTuple,
  type RelayStatus,
  roomOfPark,
  roomOfParkView,
  type ServerToClientEvents,
  SocketEvent,
  type StateDelta,
  type StateSnapshot,
} from './protocol/socket-events.js';
export {
  CARBON_PARK_TOKEN,
  carbonStream,
  isPublishSubject,
  parkStreams,
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
} from './quality/sanity.js';
export { createRng, hashString, type Rng } from './random/seeded.js';
export { clearSkyIrradiance, type PvSurface, planeOfArrayIrradiance, SOLAR_CONSTANT_WM2, type SolarPosition, solarPosition } from './solar/solar-position.js';
