import { errorMessage } from "@sightline/core";
import { decodeJsonSpan } from "./json-span.js";
import { isJsonObject, jsonAttributes, jsonString } from "./json-values.js";
import type { JsonObject } from "./json-values.js";
import { OtlpDecodeError } from "./otlp-decode-error.js";
import type { AttributeMap, DecodedRequest, DecodedScope } from "./otlp-span.js";
import { SpanProblem, describeValue } from "./span-problem.js";

/** Top-level keys of the other OTLP signals, to say so when they reach the traces endpoint. */
const OTHER_SIGNALS: readonly { keys: readonly string[]; signal: string }[] = [
  { keys: ["resourceLogs", "resource_logs"], signal: "logs" },
  { keys: ["resourceMetrics", "resource_metrics"], signal: "metrics" },
  { keys: ["resourceProfiles", "resource_profiles"], signal: "profiles" },
];

function structureError(path: string, message: string): OtlpDecodeError {
  return new OtlpDecodeError("invalid_structure", `${path}: ${message}`);
}

function bodyText(body: Uint8Array | string): string {
  if (typeof body === "string") return body;
  try {
    // Invalid UTF-8 becomes U+FFFD rather than failing: one bad byte in a prompt must not lose the batch.
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  } catch (error) {
    throw new OtlpDecodeError("body_too_large", `body is too large to decode as text: ${errorMessage(error)}`, { cause: error });
  }
}

function parseBody(body: Uint8Array | string): unknown {
  const text = bodyText(body);
  if (text.trim() === "") throw new OtlpDecodeError("invalid_json", "body is empty; expected an OTLP/JSON ExportTraceServiceRequest");
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    // A protobuf ExportTraceServiceRequest starts with field 1, length-delimited: byte 0x0a.
    const hint = text.charCodeAt(0) === 0x0a ? " (it looks like protobuf: send it with Content-Type: application/x-protobuf)" : "";
    throw new OtlpDecodeError("invalid_json", `body is not valid JSON: ${errorMessage(error)}${hint}`, { cause: error });
  }
}

/** The `resourceSpans` array of the request, or a precise error for any other shape or signal. */
function resourceSpansOf(root: unknown): readonly unknown[] {
  if (!isJsonObject(root)) {
    throw structureError("body", `expected a JSON object (ExportTraceServiceRequest), got ${describeValue(root)}`);
  }
  const resourceSpans = root.resourceSpans !== undefined ? root.resourceSpans : root.resource_spans;
  if (Array.isArray(resourceSpans)) return resourceSpans;
  if (resourceSpans === null) return []; // proto3 JSON: null is the default value, an empty list
  if (resourceSpans !== undefined) {
    throw structureError("resourceSpans", `expected an array, got ${describeValue(resourceSpans)}`);
  }
  for (const { keys, signal } of OTHER_SIGNALS) {
    const key = keys.find((k) => k in root);
    if (key !== undefined) {
      throw new OtlpDecodeError(
        "wrong_signal",
        `body is an OTLP ${signal} export ("${key}"), sent to the traces endpoint, which accepts traces ("resourceSpans") only`,
      );
    }
  }
  const keys = Object.keys(root);
  if (keys.length > 0) {
    const shown = keys.slice(0, 5).map((k) => JSON.stringify(k)).join(", ");
    throw structureError("body", `expected an ExportTraceServiceRequest with "resourceSpans", got an object with keys ${shown}`);
  }
  return []; // `{}` is a valid, empty request.
}

function objectAt(value: unknown, path: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (isJsonObject(value)) return value;
  throw structureError(path, `expected an object, got ${describeValue(value)}`);
}

function arrayAt(value: unknown, path: string): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw structureError(path, `expected an array, got ${describeValue(value)}`);
}

/** Attributes of a resource or scope: a problem there concerns every span under it, so the whole body fails. */
function sharedAttributes(value: unknown, path: string): AttributeMap {
  try {
    return jsonAttributes(value, 0);
  } catch (error) {
    if (error instanceof SpanProblem) throw new OtlpDecodeError("invalid_structure", error.describe(path));
    throw error;
  }
}

function scopeOf(value: unknown, path: string): DecodedScope {
  const scope = objectAt(value, path);
  if (scope === undefined) return { name: "", attributes: {} };
  let name: string, version: string;
  try {
    name = jsonString(scope.name, "name");
    version = jsonString(scope.version, "version");
  } catch (error) {
    if (error instanceof SpanProblem) throw new OtlpDecodeError("invalid_structure", error.describe(path));
    throw error;
  }
  const decoded: DecodedScope = { name, attributes: sharedAttributes(scope.attributes, `${path}.attributes`) };
  if (version !== "") decoded.version = version;
  return decoded;
}

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest` (as JSON text or its UTF-8 bytes).
 *
 * Accepts what real exporters send: hex ids in any case or base64 ids, times as decimal strings or
 * numbers, 64-bit ints as strings or numbers, enums by number or name, snake_case field names, and
 * the pre-1.0 `instrumentationLibrarySpans`. A span with a problem (bad id, no time, malformed
 * attribute) goes to `rejected` with its index and the reason, and the others are kept.
 *
 * @throws {OtlpDecodeError} `invalid_json`, `invalid_structure` (e.g. `resourceSpans` is not an
 *   array) or `wrong_signal` (OTLP logs or metrics), with a message that names the place.
 * @example
 * const { spans, rejected } = decodeOtlpJson('{"resourceSpans":[]}');
 */
export function decodeOtlpJson(body: Uint8Array | string): DecodedRequest {
  const resourceSpans = resourceSpansOf(parseBody(body));
  const result: DecodedRequest = { spans: [], rejected: [] };
  let index = 0;
  for (let r = 0; r < resourceSpans.length; r++) {
    const rPath = `resourceSpans[${r}]`;
    const rs = objectAt(resourceSpans[r], rPath) ?? {};
    const resourceObject = objectAt(rs.resource, `${rPath}.resource`);
    const resource = sharedAttributes(resourceObject?.attributes, `${rPath}.resource.attributes`);
    const legacy = rs.scopeSpans === undefined && rs.scope_spans === undefined;
    const scopeSpansKey = legacy ? "instrumentationLibrarySpans" : "scopeSpans";
    const scopeSpans = arrayAt(
      legacy ? (rs.instrumentationLibrarySpans ?? rs.instrumentation_library_spans) : (rs.scopeSpans ?? rs.scope_spans),
      `${rPath}.${scopeSpansKey}`,
    );
    for (let s = 0; s < scopeSpans.length; s++) {
      const sPath = `${rPath}.${scopeSpansKey}[${s}]`;
      const ss = objectAt(scopeSpans[s], sPath) ?? {};
      const scope = legacy
        ? scopeOf(ss.instrumentationLibrary ?? ss.instrumentation_library, `${sPath}.instrumentationLibrary`)
        : scopeOf(ss.scope, `${sPath}.scope`);
      const spans = arrayAt(ss.spans, `${sPath}.spans`);
      for (let k = 0; k < spans.length; k++, index++) {
        try {
          result.spans.push(decodeJsonSpan(spans[k], resource, scope));
        } catch (error) {
          if (!(error instanceof SpanProblem)) throw error;
          result.rejected.push({ index, reason: error.describe(`${sPath}.spans[${k}]`) });
        }
      }
    }
  }
  return result;
}
