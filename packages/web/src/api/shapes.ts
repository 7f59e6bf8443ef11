import type { Infer } from "./schema.js";
import { array, arrayOfFirst, boolean, json, nullable, number, object, record, string, withDefault } from "./schema.js";

// The response shapes the UI reads, checked at the boundary (see schema.ts). Field names follow the
// server's Langfuse-compatible public API and its /api/ui additions.

const level = withDefault(string, "DEFAULT");
const tags = withDefault(array(string), []);

/** Paging metadata of list endpoints. */
export const pageMeta = object({ page: number, limit: number, totalItems: number, totalPages: number });

/** A trace row of `GET /api/public/traces`. */
export const traceSummary = object({
  id: string,
  timestamp: nullable(string),
  name: nullable(string),
  userId: nullable(string),
  sessionId: nullable(string),
  tags,
  environment: withDefault(string, "default"),
  latency: nullable(number),
  totalCost: withDefault(number, 0),
  totalTokens: withDefault(number, 0),
  observationCount: withDefault(number, 0),
  level,
  input: json,
  output: json,
  metadata: json,
  release: nullable(string),
  version: nullable(string),
});
export type TraceSummary = Infer<typeof traceSummary>;

/** `GET /api/public/traces`. */
export const tracePage = object({ data: array(traceSummary), meta: pageMeta });
export type TracePage = Infer<typeof tracePage>;

const numberMap = withDefault(record(number), {});

/** One observation with its input and output. */
export const observation = object({
  id: string,
  traceId: string,
  type: string,
  name: withDefault(string, ""),
  startTime: nullable(string),
  endTime: nullable(string),
  completionStartTime: nullable(string),
  startTimeUnixNano: nullable(string),
  endTimeUnixNano: nullable(string),
  parentObservationId: nullable(string),
  level,
  statusMessage: nullable(string),
  model: nullable(string),
  modelParameters: json,
  usageDetails: numberMap,
  costDetails: numberMap,
  input: json,
  output: json,
  metadata: json,
  latency: nullable(number),
  timeToFirstToken: nullable(number),
  totalTokens: withDefault(number, 0),
  /** Null when the observation has no cost (never a made-up 0). */
  calculatedTotalCost: nullable(number),
  /** `provided` (sent by the client), `computed` (priced by the server) or null. */
  costSource: nullable(string),
  /** Why it costs what it costs (see `model/cost-explanation.ts`). */
  costExplanation: json,
  environment: withDefault(string, "default"),
  version: nullable(string),
  promptName: nullable(string),
  promptVersion: nullable(number),
});
export type Observation = Infer<typeof observation>;

/** `GET /api/public/observations`. */
export const observationPage = object({ data: array(observation), meta: pageMeta });
export type ObservationPage = Infer<typeof observationPage>;

/** `GET /api/ui/traces/{id}/tree`: the structure in column arrays (see model/tree-columns.ts). */
export const traceTree = object({
  trace: traceSummary,
  tree: object({
    traceId: string,
    baseUnixNano: string,
    ids: arrayOfFirst(string),
    parentIds: arrayOfFirst(nullable(string)),
    names: arrayOfFirst(string),
    types: arrayOfFirst(string),
    levels: arrayOfFirst(string),
    startOffsetNs: arrayOfFirst(number),
    endOffsetNs: arrayOfFirst(nullable(number)),
    totalTokens: arrayOfFirst(number),
    totalCost: arrayOfFirst(number),
    models: arrayOfFirst(nullable(string)),
  }),
});
export type TraceTreeResponse = Infer<typeof traceTree>;

/** A session row. */
export const sessionSummary = object({
  id: string,
  userIds: withDefault(array(string), []),
  traceCount: withDefault(number, 0),
  totalTokens: withDefault(number, 0),
  totalCost: withDefault(number, 0),
  duration: nullable(number),
  firstTraceTimestamp: nullable(string),
  lastTraceEndTimestamp: nullable(string),
  environment: withDefault(string, "default"),
});
export type SessionSummary = Infer<typeof sessionSummary>;

/** `GET /api/public/sessions`. */
export const sessionPage = object({ data: array(sessionSummary), meta: pageMeta });

/** `GET /api/public/sessions/{id}`. */
export const sessionDetail = object({
  id: string,
  userIds: withDefault(array(string), []),
  traceCount: withDefault(number, 0),
  totalTokens: withDefault(number, 0),
  totalCost: withDefault(number, 0),
  duration: nullable(number),
  traces: array(traceSummary),
});
export type SessionDetail = Infer<typeof sessionDetail>;

/** A user row of `GET /api/public/users`. */
export const userSummary = object({
  userId: string,
  traceCount: withDefault(number, 0),
  sessionCount: withDefault(number, 0),
  totalTokens: withDefault(number, 0),
  totalCost: withDefault(number, 0),
  firstSeen: nullable(string),
  lastSeen: nullable(string),
});
export type UserSummary = Infer<typeof userSummary>;
export const userPage = object({ data: array(userSummary), meta: pageMeta });

/** `GET /api/ui/config`: how the UI should behave before anything else loads. */
export const uiConfig = object({
  version: string,
  /** `none`: loopback without a password, the UI opens directly; `password`: a login is needed. */
  authMode: string,
  authenticated: boolean,
});
export type UiConfig = Infer<typeof uiConfig>;

/** A project. */
export const project = object({ id: string, name: string });
export type Project = Infer<typeof project>;
export const projectList = object({ data: array(project) });

/** An API key as listed (never the secret). */
export const apiKey = object({
  id: string,
  publicKey: string,
  displaySecretKey: string,
  note: nullable(string),
  createdAt: nullable(string),
  lastUsedAt: nullable(string),
  revokedAt: nullable(string),
});
export type ApiKey = Infer<typeof apiKey>;
export const apiKeyList = object({ data: array(apiKey) });

/** A key just created: the only time the secret is shown. */
export const createdApiKey = object({ id: string, publicKey: string, secretKey: string });
export type CreatedApiKey = Infer<typeof createdApiKey>;

/** The error body of every endpoint. */
export const errorBody = object({ error: object({ code: string, message: string }) });
