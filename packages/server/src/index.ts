// @sightline/server public surface. Named re-exports only (no `export *`); each area adds its lines.

// HTTP application, auth and keys, server start (http/, config.ts, bootstrap.ts, server.ts)
export { createApp } from "./http/app.js";
export type { CreateAppOptions } from "./http/app.js";
export type { AppEnv, SightlineApp } from "./http/app-env.js";
export { ApiKeyAuthenticator, parseBasicAuthorization } from "./http/authenticator.js";
export type { AuthenticatedKey, AuthenticatorOptions } from "./http/authenticator.js";
export {
  createApiKey,
  ensureInitApiKey,
  generateKeyPair,
  hashSecretKey,
  verifySecretKey,
  displaySecretKey,
  PUBLIC_KEY_PREFIX,
  SECRET_KEY_PREFIX,
} from "./http/api-keys.js";
export type { CreatedApiKey } from "./http/api-keys.js";
export { HttpError } from "./http/http-error.js";
export { mapError } from "./http/error-response.js";
export type { ErrorBody, MappedError } from "./http/error-response.js";
export { consoleServerLogger, silentServerLogger } from "./http/server-logger.js";
export type { ServerLogger } from "./http/server-logger.js";
export { parseIsoToNanos, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "./http/query-params.js";
export { TRACES_PATHS, METRICS_PATHS, LOGS_PATHS } from "./http/routes/ingest-routes.js";
export {
  resolveServerConfig,
  isLoopbackHost,
  SERVER_ENV,
  SERVER_VERSION,
  DEFAULT_PORT,
  DEFAULT_HOST,
  DEFAULT_DATA_DIR,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_AUTH_CACHE_TTL_MILLIS,
  DEFAULT_SHUTDOWN_TIMEOUT_MILLIS,
} from "./config.js";
export type { ServerConfig, ServerConfigInput, InitKeys } from "./config.js";
export { openStore, ensureDefaultProject, sqliteFileOf, DEFAULT_PROJECT, SQLITE_FILE_NAME } from "./bootstrap.js";
export type { DefaultProjectState } from "./bootstrap.js";
export { startServer, assertSafeBinding } from "./server.js";
export { UiAccess, PROJECT_HEADER, DEFAULT_UI_PROJECT } from "./http/ui/ui-access.js";
export type { UiAuthMode, UiAccessOptions } from "./http/ui/ui-access.js";
export { UiSessions, SESSION_COOKIE, DEFAULT_SESSION_TTL_MILLIS } from "./http/ui/ui-sessions.js";
export { findWebDist } from "./http/ui/static-ui.js";
export { treeColumns } from "./http/ui/trace-tree-columns.js";
export type { TraceTreeColumnsBody } from "./http/ui/trace-tree-columns.js";
export type { RunningServer, StartServerOptions } from "./server.js";

// OTLP decoding and response encoding (otlp/)
export { decodeOtlpJson } from "./otlp/decode-json.js";
export { decodeOtlpProtobuf } from "./otlp/decode-protobuf.js";
export { encodeExportResponse } from "./otlp/encode-response.js";
export type { PartialSuccess } from "./otlp/encode-response.js";
export {
  decodeContentEncoding,
  contentTypeFormat,
  ACCEPTED_CONTENT_ENCODINGS,
  ACCEPTED_CONTENT_TYPES,
} from "./otlp/request-body.js";
export type { OtlpFormat } from "./otlp/request-body.js";
export { OtlpDecodeError, OTLP_ERROR_HTTP_STATUS } from "./otlp/otlp-decode-error.js";
export type { OtlpErrorCode } from "./otlp/otlp-decode-error.js";
export { MAX_ATTRIBUTE_DEPTH } from "./otlp/attribute-map.js";
export type {
  AnyValue,
  AttributeMap,
  DecodedRequest,
  DecodedScope,
  DecodedSpan,
  DecodedSpanEvent,
  DecodedSpanLink,
  RejectedSpan,
} from "./otlp/otlp-span.js";

// Span-to-observation mapping (mapping/)
export { mapSpan } from "./mapping/map-span.js";
export type { MapSpanOptions } from "./mapping/map-span.js";
export { JsonText, jsonTextOf } from "./mapping/json-text.js";
export type { JsonReading } from "./mapping/json-text.js";
export { normalizeUsageDetails } from "./mapping/usage-details.js";
export { TOKEN_CLASSES, CLASS_USAGE_KEY, usageClassesOf, tokenClassOfKey } from "./mapping/usage-classes.js";
export type { TokenClass, UsageClasses } from "./mapping/usage-classes.js";
export type { PriceCatalogue } from "./pricing/price-catalogue.js";
export { GenaiPricesCatalogue, GENAI_PRICES_VERSION } from "./pricing/genai-prices-catalogue.js";
export { computeCost } from "./pricing/compute-cost.js";
export { CustomPriceTable, compileMatchPattern } from "./pricing/custom-price.js";
export type { CustomModelPrice } from "./pricing/custom-price.js";
export { priceObservation } from "./pricing/price-observation.js";
export type { PricingInput, PricedCost, PriceSources } from "./pricing/price-observation.js";
export { ProjectPricing, CUSTOM_PRICES_TTL_MILLIS } from "./pricing/project-pricing.js";
export type { CustomPriceSnapshot } from "./pricing/project-pricing.js";
export { PriceSourceCache, builtInCatalogue, priceRecord } from "./pricing/ingest-pricing.js";
export type { ClassPrice, ClassPrices, CostExplanation, ClassCost, PriceOrigin, ResolvedPrice } from "./pricing/price-types.js";
export { RECOMPUTE_CHUNK_OBSERVATIONS } from "./storage/cost-recompute.js";
export type { CostRecomputeFilter, CostRecomputeResult, Repricer } from "./storage/cost-recompute.js";
export { normalizeEnvironment, DEFAULT_ENVIRONMENT } from "./mapping/environment.js";
export { MAX_IDENTIFIER_CHARS, boundIdentifier } from "./mapping/identifier.js";
export { MAX_JSON_DEPTH } from "./mapping/json-value.js";
export { MAX_FLATTENED_INDEX, MAX_FLATTENED_DEPTH } from "./mapping/flattened-keys.js";

// Storage: the TraceStore contract, trace derivation, the SQLite store (storage/)
export type {
  TraceStore,
  Page,
  PageRequest,
  TraceQuery,
  ObservationQuery,
  SessionQuery,
  InsertResult,
  ObservationStructure,
} from "./storage/trace-store.js";
export { LEVEL_RANK } from "./storage/records.js";
export { observationJson } from "./storage/observation-json.js";
export { PreparedObservation } from "./storage/prepared-observation.js";
export type { ObservationInput } from "./storage/prepared-observation.js";
export { METRICS_VIEWS, METRICS_AGGREGATIONS, PERCENTILES, metricKey } from "./storage/metrics-query.js";
export type {
  MetricsQuery,
  MetricsRow,
  MetricsView,
  MetricsAggregation,
  MetricsGranularity,
  MetricsMetric,
  MetricsFilter,
} from "./storage/metrics-query.js";
export { parseMetricsRequest, autoGranularity, MAX_BUCKETS, MAX_METRICS_ROWS } from "./http/metrics-query-parser.js";
export type { MetricsRequest } from "./http/metrics-query-parser.js";
export type {
  ObservationTypeName,
  LevelName,
  TraceContribution,
  ObservationRecord,
  TraceRecord,
  StoredObservation,
  SessionRecord,
  UserRecord,
  ProjectRecord,
  ApiKeyRecord,
} from "./storage/records.js";
export {
  addContribution,
  compareKeys,
  contributionOf,
  costPicoOf,
  deriveTrace,
  newAggregate,
  replaceContribution,
  sourceOfRecord,
  tokensOf,
  PICO_USD_PER_USD,
  SCALAR_TRACE_FIELDS,
} from "./storage/trace-derivation.js";
export { parseAggregate, serializeAggregate } from "./storage/trace-aggregate-json.js";
export type {
  ContributionSource,
  DerivedTrace,
  ObservationContribution,
  RootPriority,
  ScalarTraceField,
  SourceKey,
  TraceAggregate,
  Winner,
} from "./storage/trace-derivation.js";
export {
  openSqliteStore,
  DEFAULT_BUSY_TIMEOUT_MILLIS,
  DEFAULT_WAL_AUTOCHECKPOINT_PAGES,
  SQLITE_CACHE_KIB,
} from "./storage/sqlite/sqlite-store.js";
export type { SqliteStoreOptions } from "./storage/sqlite/sqlite-store.js";
export { SqliteTraceStore } from "./storage/sqlite/sqlite-trace-store.js";
export { DuplicatePublicKeyError } from "./storage/sqlite/project-key-queries.js";
export { SCHEMA_VERSION } from "./storage/sqlite/schema.js";
export { SEARCH_MATCH_CAP } from "./storage/sqlite/trace-queries.js";
export { DEFAULT_FTS_INTERVAL_MILLIS, DEFAULT_FTS_BATCH_ROWS } from "./storage/sqlite/fts-indexer.js";
export { searchFileOf, SEARCH_SCHEMA_VERSION } from "./storage/sqlite/search-schema.js";
export type { FtsIndexerOptions } from "./storage/sqlite/fts-indexer.js";
export { toFtsQuery, toFtsPhrase } from "./storage/sqlite/fts-query.js";

// Ingestion pipeline: decode + map on worker threads (ingest/), group commit and background maintenance (storage/sqlite/)
export { decodeAndMapRequest, MAPPED_CHUNK_RECORDS } from "./ingest/decode-request.js";
export type { IngestRequest, MappedRequest } from "./ingest/decode-request.js";
export { createIngestDecoder, inlineIngestDecoder, InlineIngestDecoder, WorkerIngestDecoder } from "./ingest/ingest-decoder.js";
export type { IngestDecoder } from "./ingest/ingest-decoder.js";
export { defaultIngestWorkers, MAX_INGEST_WORKERS } from "./config.js";
export { DEFAULT_GROUP_COMMIT_MAX_ROWS } from "./storage/sqlite/group-commit.js";
export { BACKGROUND_WAL_AUTOCHECKPOINT_PAGES, SQLITE_PAGE_SIZE_BYTES } from "./storage/sqlite/sqlite-store.js";
export { WalCheckpointer, DEFAULT_WAL_RESTART_PAGES, WAL_RESTART_LOCK_WAIT_MILLIS } from "./storage/sqlite/wal-checkpointer.js";
export type { CheckpointResult } from "./storage/sqlite/wal-checkpointer.js";
export { DEFAULT_BACKGROUND_CHECKPOINT_MILLIS } from "./storage/sqlite/background-maintenance.js";

// PostgreSQL store (storage/postgres/) and store errors
export { StoreUnavailableError } from "./storage/store-errors.js";
export {
  openPostgresStore,
  DEFAULT_PG_POOL_SIZE,
  DEFAULT_PG_CONNECT_TIMEOUT_MILLIS,
  DEFAULT_PG_BULK_INSERT,
} from "./storage/postgres/postgres-store.js";
export type { PostgresStoreOptions } from "./storage/postgres/postgres-store.js";
export { PostgresTraceStore } from "./storage/postgres/postgres-trace-store.js";
export { parsePostgresUrl } from "./storage/postgres/pg-connection.js";
export type { PostgresTarget } from "./storage/postgres/pg-connection.js";
export type { BulkInsertMethod } from "./storage/postgres/pg-bulk-insert.js";
export { DEFAULT_PARTITION_OPTIONS, partitionName } from "./storage/postgres/pg-partitions.js";
export type { PartitionOptions } from "./storage/postgres/pg-partitions.js";
export { PG_SCHEMA_VERSION } from "./storage/postgres/pg-schema.js";
export { searchQueryOf, searchVectorOf, wordsOf } from "./storage/postgres/pg-lexemes.js";

// Deletion and retention (issue 5)
export {
  RetentionScheduler,
  DEFAULT_RETENTION_INTERVAL_MILLIS,
  DEFAULT_RETENTION_FIRST_RUN_MILLIS,
} from "./retention-scheduler.js";
export type { RetentionSchedulerOptions } from "./retention-scheduler.js";
export { MAX_RETENTION_DAYS } from "./config.js";
export { DELETION_CHUNK_TRACES } from "./storage/sqlite/trace-deletion.js";
export type { ProjectRetention } from "./storage/trace-store.js";
