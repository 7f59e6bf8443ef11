import type { AttributeMap } from "../otlp/otlp-span.js";
import type { CostExplanation } from "../pricing/price-types.js";

/** Observation types as the API shows them (Langfuse-compatible, uppercase). */
export type ObservationTypeName =
  | "SPAN"
  | "GENERATION"
  | "EVENT"
  | "AGENT"
  | "TOOL"
  | "CHAIN"
  | "RETRIEVER"
  | "EVALUATOR"
  | "EMBEDDING"
  | "GUARDRAIL";

/** Observation levels, least to most severe. */
export type LevelName = "DEBUG" | "DEFAULT" | "WARNING" | "ERROR";

/** The rank of a level, for "worst level" aggregation (DEBUG 0 ... ERROR 3). */
export const LEVEL_RANK: Record<LevelName, number> = { DEBUG: 0, DEFAULT: 1, WARNING: 2, ERROR: 3 };

/**
 * What one span says about its trace. Every field is optional: the trace is the merge of the
 * contributions of all its spans (see `deriveTrace`), so the result does not depend on the order
 * in which spans arrive.
 */
export interface TraceContribution {
  /** An explicit trace name (`langfuse.trace.name`), not the span name. */
  name?: string;
  userId?: string;
  sessionId?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
  release?: string;
  version?: string;
  environment?: string;
  public?: boolean;
  /** Explicit trace input (`langfuse.trace.input`); otherwise the root observation's input is used. */
  input?: unknown;
  output?: unknown;
}

/**
 * One observation, as mapped from one span by the pure mapper. Input, output, metadata and the
 * other structured fields are JSON values (a string attribute that held JSON is parsed; other
 * strings stay strings).
 */
export interface ObservationRecord {
  id: string;
  traceId: string;
  /** The parent span id as sent, even when that parent was never exported. */
  parentObservationId: string | null;
  name: string;
  type: ObservationTypeName;
  startTimeNs: bigint;
  endTimeNs: bigint | null;
  completionStartTimeNs: bigint | null;
  level: LevelName;
  statusMessage: string | null;
  version: string | null;
  environment: string;
  input: unknown;
  output: unknown;
  metadata: Record<string, unknown>;
  model: string | null;
  modelParameters: Record<string, unknown> | null;
  /** Token counts by usage type (`input`, `output`, `total`, `input_cached_tokens`, ...). */
  usageDetails: Record<string, number>;
  /** Cost in USD by usage type (`input`, `output`, `total`, ...): the client's, or computed by the server. */
  costDetails: Record<string, number>;
  /**
   * Where the cost comes from (provided by the client, computed with which price, or none and why).
   * Set by pricing at ingestion (`pricing/project-pricing.ts`); absent on records mapped but not priced
   * and on observations stored before costs were explained.
   */
  costExplanation?: CostExplanation | null;
  promptName: string | null;
  promptVersion: number | null;
  /** True when the span is a local root (`langfuse.internal.is_app_root`) or has no parent. */
  isAppRoot: boolean;
  /** What this span says about its trace. */
  trace: TraceContribution;
  /** Attributes not consumed by the mapping, resource attributes and scope, for display. */
  resourceAttributes: AttributeMap;
  scope: { name: string; version?: string };
}

/** A derived trace: the aggregate of its observations. */
export interface TraceRecord {
  id: string;
  projectId: string;
  name: string | null;
  userId: string | null;
  sessionId: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  release: string | null;
  version: string | null;
  environment: string;
  public: boolean;
  input: unknown;
  output: unknown;
  startTimeNs: bigint;
  endTimeNs: bigint | null;
  /** endTimeNs - startTimeNs in seconds (null while nothing has ended). */
  latencySeconds: number | null;
  observationCount: number;
  totalTokens: number;
  totalCost: number;
  /** The worst level of any observation. */
  level: LevelName;
  /** The root observation's id, when one is known. */
  rootObservationId: string | null;
  createdAtMs: number;
  updatedAtMs: number;
}

/** A stored observation, with its project. */
export interface StoredObservation extends ObservationRecord {
  projectId: string;
}

/** A session: the traces that share a session id. */
export interface SessionRecord {
  id: string;
  projectId: string;
  userIds: string[];
  traceCount: number;
  firstTraceStartNs: bigint;
  lastTraceEndNs: bigint | null;
  totalTokens: number;
  totalCost: number;
  environment: string;
}

/** A user: the traces that share a user id. */
export interface UserRecord {
  id: string;
  projectId: string;
  traceCount: number;
  sessionCount: number;
  totalTokens: number;
  totalCost: number;
  firstSeenNs: bigint;
  lastSeenNs: bigint;
}

/** A project (a tenant: its keys see only its data). */
export interface ProjectRecord {
  id: string;
  name: string;
  createdAtMs: number;
}

/** An API key pair. The secret is stored only as a hash. */
export interface ApiKeyRecord {
  id: string;
  projectId: string;
  publicKey: string;
  /** Hash of the secret key (see `http/api-keys.ts`); never the secret itself. */
  secretHash: string;
  /** A display hint such as `sk-sl-...abcd`. */
  displaySecretKey: string;
  note: string | null;
  createdAtMs: number;
  lastUsedAtMs: number | null;
  revokedAtMs: number | null;
}
