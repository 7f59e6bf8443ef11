import type { SpanContext, TimeInput } from "@opentelemetry/api";
import type { ObservationLevel, ObservationType } from "@sightline/core";

/** Fields every observation type takes. */
export interface BaseObservationAttributes {
  /** What went in. A string is sent as it is; anything else as JSON. */
  input?: unknown;
  /** What came out. A string is sent as it is; anything else as JSON. */
  output?: unknown;
  /** Free-form key/value data. Values may be any JSON value. */
  metadata?: Record<string, unknown>;
  /** Severity; `ERROR` also sets the OpenTelemetry span status to ERROR. */
  level?: ObservationLevel;
  /** Why the observation has its level (the error message for `ERROR`). */
  statusMessage?: string;
  /** Version of the code or component that produced the observation. */
  version?: string;
  /** Deployment environment (e.g. `production`), overriding the processor's default. */
  environment?: string;
}

/** Token usage of a model call in Sightline's keys (any other numeric keys are kept too). */
export interface UsageDetails {
  input?: number;
  output?: number;
  total?: number;
  [key: string]: number | undefined;
}

/** OpenAI Chat Completions `usage`. Sent as it is; the server normalises it. */
export interface OpenAIChatCompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: Record<string, number | undefined>;
  completion_tokens_details?: Record<string, number | undefined>;
}

/** OpenAI Responses API `usage`. Sent as it is; the server normalises it. */
export interface OpenAIResponsesUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_details?: Record<string, number | undefined>;
  output_tokens_details?: Record<string, number | undefined>;
}

/** A link to a managed prompt. Fallback prompts are not linked. */
export interface PromptReference {
  name: string;
  version: number;
  isFallback?: boolean;
}

/** Fields of model calls (`generation` and `embedding`). */
export interface GenerationAttributes extends BaseObservationAttributes {
  /** When the first token arrived (for streaming). */
  completionStartTime?: Date;
  /** The model name, e.g. `gpt-4o`. */
  model?: string;
  /** Model parameters such as temperature or max tokens. */
  modelParameters?: Record<string, string | number | boolean | null | undefined>;
  /** Token usage: Sightline keys or an OpenAI usage object. */
  usageDetails?: UsageDetails | OpenAIChatCompletionUsage | OpenAIResponsesUsage;
  /** Cost in USD per usage key, e.g. `{ input: 0.0001, output: 0.0003 }`. */
  costDetails?: Record<string, number | undefined>;
  /** The managed prompt the call used. */
  prompt?: PromptReference;
}

/** Attributes per observation type: the one type map every API function looks up. */
export interface ObservationAttributesByType {
  span: BaseObservationAttributes;
  generation: GenerationAttributes;
  event: BaseObservationAttributes;
  agent: BaseObservationAttributes;
  tool: BaseObservationAttributes;
  chain: BaseObservationAttributes;
  retriever: BaseObservationAttributes;
  evaluator: BaseObservationAttributes;
  embedding: GenerationAttributes;
  guardrail: BaseObservationAttributes;
}

/** The attributes an observation of type `T` takes. */
export type ObservationAttributes<T extends ObservationType = ObservationType> = ObservationAttributesByType[T];

/** Trace-level fields. Set them with `propagateAttributes` (every span) or `updateTrace` (one span). */
export interface TraceAttributes {
  name?: string;
  userId?: string;
  sessionId?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
  version?: string;
  release?: string;
  environment?: string;
  public?: boolean;
  input?: unknown;
  output?: unknown;
}

/** A parent to join: a W3C span context. `traceFlags` defaults to 1 (sampled). */
export interface ParentSpanContext {
  traceId: string;
  spanId: string;
  traceFlags?: number;
  isRemote?: boolean;
  traceState?: SpanContext["traceState"];
}

/** Options of `startObservation`. */
export interface StartObservationOptions<T extends ObservationType = "span"> {
  /** The observation type; default `span`. */
  asType?: T;
  /** Back-dated start. */
  startTime?: TimeInput;
  /** Join this trace and parent instead of the active context. */
  parentSpanContext?: ParentSpanContext;
}

/** Options of `startActiveObservation`. */
export interface StartActiveObservationOptions<T extends ObservationType = "span">
  extends StartObservationOptions<T> {
  /** End the observation when the callback returns or its promise settles; default true. */
  endOnExit?: boolean;
  /** Attributes to set at start (the Python SDK's `input=`, `model=`, ...). */
  attributes?: ObservationAttributesByType[T];
}

/** Options of `observe`. */
export interface ObserveOptions<T extends ObservationType = "span"> {
  /** Observation name; default the function's name. */
  name?: string;
  /** The observation type; default `span`. */
  asType?: T;
  /** Record the arguments as input; default true (or `SIGHTLINE_OBSERVE_DECORATOR_IO_CAPTURE_ENABLED`). */
  captureInput?: boolean;
  /** Record the return value as output; default true (or the same variable). */
  captureOutput?: boolean;
  /** Join this trace and parent instead of the active context. */
  parentSpanContext?: ParentSpanContext;
  /** End the observation when the function returns; default true. */
  endOnExit?: boolean;
}

/** Options of `updateActiveObservation`. */
export interface UpdateActiveObservationOptions<T extends ObservationType = ObservationType> {
  /** Also change the active observation's type to this one. */
  asType?: T;
}
