/** Spans the server refused, for OTLP partial success. */
export interface PartialSuccess {
  /** How many spans were rejected. */
  rejectedSpans: number;
  /** Why, for the sender's logs (e.g. the first few rejection reasons). */
  errorMessage: string;
}

const EMPTY = new Uint8Array(0);

function writeVarint(out: number[], value: bigint): void {
  let v = value;
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

function lengthDelimited(out: number[], field: number, bytes: ArrayLike<number>): void {
  out.push((field << 3) | 2);
  writeVarint(out, BigInt(bytes.length));
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i] as number);
}

/** `ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }` */
function encodePartialSuccess(rejectedSpans: bigint, errorMessage: string): number[] {
  const out: number[] = [];
  if (rejectedSpans !== 0n) {
    out.push((1 << 3) | 0);
    writeVarint(out, BigInt.asUintN(64, rejectedSpans));
  }
  if (errorMessage !== "") lengthDelimited(out, 2, Buffer.from(errorMessage, "utf8"));
  return out;
}

/**
 * Encodes the `ExportTraceServiceResponse` to answer an OTLP export with, in the request's
 * encoding: empty when every span was accepted, else with `partialSuccess` (`rejected_spans`, field
 * 1, and `error_message`, field 2). A partial success with 0 rejected spans and a message is a
 * warning, as OTLP allows. Negative or fractional counts are clamped to a non-negative integer.
 *
 * @example
 * encodeExportResponse("json");                                        // {}
 * encodeExportResponse("json", { rejectedSpans: 3, errorMessage: "x" }); // {"partialSuccess":{"rejectedSpans":"3","errorMessage":"x"}}
 * encodeExportResponse("protobuf");                                    // empty bytes
 */
export function encodeExportResponse(format: "json" | "protobuf", partial?: PartialSuccess): Uint8Array {
  const rejected = partial === undefined ? 0n : BigInt(Math.max(0, Math.trunc(partial.rejectedSpans) || 0));
  const message = partial?.errorMessage ?? "";
  const hasPartial = rejected !== 0n || message !== "";
  if (format === "json") {
    // proto3 JSON: int64 as a decimal string, default values omitted.
    const body = hasPartial
      ? {
          partialSuccess: {
            ...(rejected !== 0n ? { rejectedSpans: rejected.toString() } : {}),
            ...(message !== "" ? { errorMessage: message } : {}),
          },
        }
      : {};
    return new TextEncoder().encode(JSON.stringify(body));
  }
  if (!hasPartial) return EMPTY;
  const out: number[] = [];
  lengthDelimited(out, 1, encodePartialSuccess(rejected, message));
  return Uint8Array.from(out);
}
