import type { ApiKeyRecord, LevelName, ProjectRecord, SessionRecord, TraceRecord, UserRecord } from "./records.js";
import type { TraceSummary } from "./sqlite/group-aggregates.js";
import { PICO_USD_PER_USD } from "./trace-derivation.js";

/** A database row as the drivers return it: column name to value. */
export type Row = Record<string, unknown>;

/** How one database spells the column types that differ between the stores. */
export interface RowDialect {
  /** The `tags` column: a JSON text (SQLite) or a native text array (PostgreSQL). */
  tags(value: unknown): string[];
  /** A boolean column: 0/1 (SQLite) or true/false (PostgreSQL). */
  isTrue(value: unknown): boolean;
}

/** A JSON column's value; text that is not JSON is returned as it is, a missing value as null. */
export function fromJson(text: unknown): unknown {
  if (typeof text !== "string") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Integer pico-USD (as stored, exact under any summation order) to USD. */
export function picoToUsd(value: unknown): number {
  return typeof value === "bigint" ? Number(value) / PICO_USD_PER_USD : Number(value ?? 0) / PICO_USD_PER_USD;
}

/** A trace record from a row of the `traces` table joined with its input and output (both stores). */
export function traceRecordFromRow(row: Row, dialect: RowDialect): TraceRecord {
  const startNs = row["start_ns"] as bigint;
  const endNs = (row["end_ns"] as bigint | null) ?? null;
  return {
    id: row["id"] as string,
    projectId: row["project_id"] as string,
    name: (row["name"] as string | null) ?? null,
    userId: (row["user_id"] as string | null) ?? null,
    sessionId: (row["session_id"] as string | null) ?? null,
    tags: dialect.tags(row["tags"]),
    metadata: fromJson(row["metadata"]) as Record<string, unknown>,
    release: (row["release"] as string | null) ?? null,
    version: (row["version"] as string | null) ?? null,
    environment: row["environment"] as string,
    public: dialect.isTrue(row["public"]),
    input: fromJson(row["input"]),
    output: fromJson(row["output"]),
    startTimeNs: startNs,
    endTimeNs: endNs,
    latencySeconds: endNs === null ? null : Number(endNs - startNs) / 1e9,
    observationCount: Number(row["observation_count"]),
    totalTokens: Number(row["total_tokens"]),
    totalCost: picoToUsd(row["total_cost_pico"]),
    level: row["level"] as LevelName,
    rootObservationId: (row["root_observation_id"] as string | null) ?? null,
    createdAtMs: Number(row["created_at_ms"]),
    updatedAtMs: Number(row["updated_at_ms"]),
  };
}

/** A project from a row of the `projects` table (both stores). */
export function projectFromRow(row: Row): ProjectRecord {
  return { id: row["id"] as string, name: row["name"] as string, createdAtMs: Number(row["created_at_ms"]) };
}

/** An API key from a row of the `api_keys` table (both stores). */
export function apiKeyFromRow(row: Row): ApiKeyRecord {
  const optionalMs = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    id: row["id"] as string,
    projectId: row["project_id"] as string,
    publicKey: row["public_key"] as string,
    secretHash: row["secret_hash"] as string,
    displaySecretKey: row["display_secret_key"] as string,
    note: (row["note"] as string | null) ?? null,
    createdAtMs: Number(row["created_at_ms"]),
    lastUsedAtMs: optionalMs(row["last_used_at_ms"]),
    revokedAtMs: optionalMs(row["revoked_at_ms"]),
  };
}

/** The session/user view of a stored `traces` row (`id`, `user_id`, `session_id`, times, totals, environment; both stores). */
export function summaryOfRow(row: Row): TraceSummary {
  const startNs = row["start_ns"] as bigint;
  const endNs = (row["end_ns"] as bigint | null) ?? null;
  return {
    id: row["id"] as string,
    userId: (row["user_id"] as string | null) ?? null,
    sessionId: (row["session_id"] as string | null) ?? null,
    startNs,
    lastNs: endNs !== null && endNs > startNs ? endNs : startNs,
    tokens: Number(row["total_tokens"]),
    costPico: row["total_cost_pico"] as bigint,
    environment: row["environment"] as string,
  };
}

/** A session from a `sessions` aggregate row; its user ids come from wherever the store keeps them (both stores). */
export function sessionFromRow(row: Row, userIds: string[]): SessionRecord {
  return {
    id: row["id"] as string,
    projectId: row["project_id"] as string,
    userIds,
    traceCount: Number(row["trace_count"]),
    firstTraceStartNs: row["first_start_ns"] as bigint,
    lastTraceEndNs: row["last_ns"] as bigint,
    totalTokens: Number(row["total_tokens"]),
    totalCost: picoToUsd(row["total_cost_pico"]),
    environment: row["environment"] as string,
  };
}

/** A user from a `users` aggregate row (both stores). */
export function userFromRow(row: Row): UserRecord {
  return {
    id: row["id"] as string,
    projectId: row["project_id"] as string,
    traceCount: Number(row["trace_count"]),
    sessionCount: Number(row["session_count"]),
    totalTokens: Number(row["total_tokens"]),
    totalCost: picoToUsd(row["total_cost_pico"]),
    firstSeenNs: row["first_start_ns"] as bigint,
    lastSeenNs: row["last_ns"] as bigint,
  };
}
