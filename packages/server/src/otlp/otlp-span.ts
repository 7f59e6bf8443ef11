/**
 * A decoded OTLP attribute value. Ints that fit a JS number are numbers; larger int64 values are
 * decimal strings (never rounded); bytes are base64 strings; kvlists are plain objects.
 */
export type AnyValue = string | number | boolean | null | AnyValue[] | { [key: string]: AnyValue };

/** Attributes as a plain object (the last value wins for a repeated key). */
export type AttributeMap = Record<string, AnyValue>;

/** An OTLP span event. */
export interface DecodedSpanEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: AttributeMap;
}

/** An OTLP span link. */
export interface DecodedSpanLink {
  traceId: string;
  spanId: string;
  attributes: AttributeMap;
}

/** The instrumentation scope a span came from. */
export interface DecodedScope {
  name: string;
  version?: string;
  attributes: AttributeMap;
}

/**
 * One span of an `ExportTraceServiceRequest`, decoded from OTLP/JSON or OTLP/protobuf to the same
 * shape. Ids are lowercase hex; times are nanoseconds since the epoch as BigInt (full precision).
 */
export interface DecodedSpan {
  traceId: string;
  spanId: string;
  /** Absent for a root span. */
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind number (0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer). */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: AttributeMap;
  droppedAttributesCount: number;
  events: DecodedSpanEvent[];
  links: DecodedSpanLink[];
  /** OTLP status: code 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  /** Resource attributes, shared by every span of one resource (do not mutate). */
  resource: AttributeMap;
  /** Shared by every span of one scope (do not mutate). */
  scope: DecodedScope;
}

/** A span the decoder could not accept, with the reason (reported as OTLP partial success). */
export interface RejectedSpan {
  /** Position in the request, counting every span of every resource and scope. */
  index: number;
  reason: string;
}

/** The result of decoding one request body. */
export interface DecodedRequest {
  spans: DecodedSpan[];
  rejected: RejectedSpan[];
}
