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
} from './sanity.js';
