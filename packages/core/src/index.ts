export {
  SightlineAttributes,
  SightlineBaggageKeys,
  SDK_SCOPE_NAME,
  SDK_VERSION,
} from "./attributes.js";
export type { SightlineAttributeKey } from "./attributes.js";
export {
  OBSERVATION_TYPES,
  OBSERVATION_LEVELS,
  isObservationType,
  isObservationLevel,
  isModelCallType,
} from "./observation-types.js";
export type { ObservationType, ObservationLevel } from "./observation-types.js";
export {
  createTraceId,
  createObservationId,
  isValidTraceId,
  isValidSpanId,
  normalizeTraceId,
  normalizeSpanId,
} from "./ids.js";
export type { IdNormalization } from "./ids.js";
export { readEnv, parseBooleanEnv, parseNumberEnv, ENV_PREFIXES } from "./env.js";
export { SightlineError, ConfigError, ExportError, errorMessage } from "./errors.js";
export { Logger, getLogger, configureLogger, LOG_LEVELS } from "./logger.js";
export type { LogLevel, LogSink } from "./logger.js";
export { serializeValue, truncateWithMarker, UNSERIALIZABLE } from "./serialize.js";
