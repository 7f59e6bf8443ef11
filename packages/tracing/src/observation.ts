import type { Span, TimeInput } from "@opentelemetry/api";
import { SightlineAttributes as A, errorMessage, getLogger } from "@sightline/core";
import type { ObservationType } from "@sightline/core";
import { markError, observationAttributesToOtel, traceAttributesToOtel } from "./attribute-mapping.js";
import { startChildActiveObservation, startChildObservation } from "./start-observation.js";
import type {
  ObservationAttributesByType,
  StartActiveObservationOptions,
  StartObservationOptions,
  TraceAttributes,
} from "./types.js";

/**
 * An observation: one OpenTelemetry span with LLM-observability attributes. Returned by
 * `startObservation`, passed to `startActiveObservation` callbacks. `T` is its type (`span`,
 * `generation`, ...), which decides the attributes `update` takes.
 *
 * @example
 * const gen = startObservation("llm-call", { model: "gpt-4o" }, { asType: "generation" });
 * gen.update({ output: "Paris.", usageDetails: { input: 10, output: 2 } }).end();
 */
export class Observation<T extends ObservationType = ObservationType> {
  /** The underlying OpenTelemetry span. */
  readonly otelSpan: Span;
  /** The observation type. */
  readonly type: T;
  private ended = false;

  constructor(otelSpan: Span, type: T) {
    this.otelSpan = otelSpan;
    this.type = type;
  }

  /** The observation id: the span id, 16 lowercase hex characters. */
  get id(): string {
    return this.otelSpan.spanContext().spanId;
  }

  /** The trace id: 32 lowercase hex characters. */
  get traceId(): string {
    return this.otelSpan.spanContext().traceId;
  }

  /** Whether `end()` was called. */
  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Sets fields (the last write of a field wins). `level: "ERROR"` also sets the span status to
   * ERROR. Chainable. After `end()` the update is ignored with a warning.
   */
  update(attributes: ObservationAttributesByType[T]): this {
    if (this.ended) {
      getLogger().warnOnce(
        "update-after-end",
        `update() on observation "${this.id}" after end() is ignored; update before ending (this warning is shown once).`,
      );
      return this;
    }
    this.otelSpan.setAttributes(observationAttributesToOtel(attributes));
    if (attributes?.level === "ERROR") {
      markError(this.otelSpan, attributes.statusMessage ?? "error");
    }
    return this;
  }

  /** Alias of {@link update} kept for code written against the Langfuse SDK. */
  updateOtelSpanAttributes(attributes: ObservationAttributesByType[T]): this {
    return this.update(attributes);
  }

  /**
   * Sets trace-level fields (name, user, session, tags, metadata, version, release, environment,
   * public, input, output) from this observation. The server merges them into the trace.
   */
  updateTrace(attributes: TraceAttributes): this {
    if (this.ended) {
      getLogger().warnOnce("update-trace-after-end", "updateTrace() after end() is ignored.");
      return this;
    }
    this.otelSpan.setAttributes(traceAttributesToOtel(attributes ?? {}));
    return this;
  }

  /**
   * Sets the trace's input and output independently of the root observation's.
   * @deprecated Kept for trace-level LLM-as-a-judge evaluators; set input/output on the root
   * observation instead.
   */
  setTraceIO(io: { input?: unknown; output?: unknown }): this {
    return this.updateTrace({ input: io?.input, output: io?.output });
  }

  /** Makes the trace viewable by anyone with its link. */
  setTraceAsPublic(): this {
    this.otelSpan.setAttribute(A.TRACE_PUBLIC, true);
    return this;
  }

  /**
   * Records a failure the one way every path does: level ERROR, the message as status message,
   * the OpenTelemetry status ERROR, and an `exception` event with the stack.
   */
  recordError(error: unknown): this {
    if (this.ended) return this;
    markError(this.otelSpan, errorMessage(error));
    if (error instanceof Error) this.otelSpan.recordException(error);
    else this.otelSpan.recordException({ message: errorMessage(error) });
    return this;
  }

  /** Ends the observation (now, or at `endTime`). A second call does nothing. */
  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.ended = true;
    this.otelSpan.end(endTime);
  }

  /**
   * Starts a child observation without making it active. Unlike the Langfuse SDK it accepts
   * `startTime` for back-dated children.
   */
  startObservation<C extends ObservationType = "span">(
    name: string,
    attributes?: ObservationAttributesByType[C],
    options?: Omit<StartObservationOptions<C>, "parentSpanContext">,
  ): Observation<C> {
    return startChildObservation(this.otelSpan, name, attributes, options);
  }

  /**
   * Starts a child observation and makes it active for `fn` (the counterpart of the Python SDK's
   * `observation.start_as_current_observation`). Ends it when `fn` returns or its promise settles.
   */
  startActiveObservation<R, C extends ObservationType = "span">(
    name: string,
    fn: (observation: Observation<C>) => R,
    options?: Omit<StartActiveObservationOptions<C>, "parentSpanContext">,
  ): R {
    return startChildActiveObservation(this.otelSpan, name, fn, options);
  }
}

/** An observation of type `span`. */
export type SightlineSpan = Observation<"span">;
/** An observation of type `generation` (an LLM call). */
export type SightlineGeneration = Observation<"generation">;
/** An observation of type `event` (a point in time; ended at creation). */
export type SightlineEvent = Observation<"event">;
/** An observation of type `agent`. */
export type SightlineAgent = Observation<"agent">;
/** An observation of type `tool`. */
export type SightlineTool = Observation<"tool">;
/** An observation of type `chain`. */
export type SightlineChain = Observation<"chain">;
/** An observation of type `retriever`. */
export type SightlineRetriever = Observation<"retriever">;
/** An observation of type `evaluator`. */
export type SightlineEvaluator = Observation<"evaluator">;
/** An observation of type `embedding`. */
export type SightlineEmbedding = Observation<"embedding">;
/** An observation of type `guardrail`. */
export type SightlineGuardrail = Observation<"guardrail">;
