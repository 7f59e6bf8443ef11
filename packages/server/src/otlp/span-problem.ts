/**
 * An error that knows where it happened, as a path inside the request (`attributes[2].value`).
 * Decoders throw it deep down and each enclosing level prefixes its own location on the way up, so
 * the hot path never builds path strings.
 */
export class LocatedError extends Error {
  /** Path to the offending value, relative to the level that catches it; `""` for that level itself. */
  path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = "LocatedError";
    this.path = path;
  }

  /** Prefixes the path with the enclosing location and returns the error (for rethrowing). */
  within(prefix: string): this {
    this.path = joinPath(prefix, this.path);
    return this;
  }

  /** `prefix.path: message`: the full location and the reason. */
  describe(prefix: string): string {
    return `${compressRepeats(joinPath(prefix, this.path))}: ${this.message}`;
  }
}

/**
 * Why one span was rejected: where inside the span (a path like `attributes[2].value.intValue`) and
 * what is wrong. Thrown inside a decoder and caught at the span, which then goes to `rejected`.
 */
export class SpanProblem extends LocatedError {
  constructor(path: string, message: string) {
    super(path, message);
    this.name = "SpanProblem";
  }
}

/** Returns `error` with `prefix` added in front of its path when it is a {@link LocatedError}, for rethrowing. */
export function within(error: unknown, prefix: string): unknown {
  return error instanceof LocatedError ? error.within(prefix) : error;
}

/** A nesting step of an attribute value: `.arrayValue.values[0]` or `.kvlistValue.values[3].value`. */
const REPEATED_NESTING = /(\.(?:arrayValue|kvlistValue)\.values\[\d+\](?:\.value)?)\1{2,}/g;

/** Writes a run of identical nesting steps once with a count, so a deep path stays readable. */
function compressRepeats(path: string): string {
  return path.replace(REPEATED_NESTING, (run: string, step: string) => `{${step} x${run.length / step.length}}`);
}

function joinPath(prefix: string, path: string): string {
  if (path === "") return prefix;
  if (prefix === "" || path.startsWith("[")) return prefix + path;
  return `${prefix}.${path}`;
}

/** A short, quoted rendering of a wire value for an error message (never throws, never long). */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  let text: string;
  try {
    text = typeof value === "bigint" ? `${value}` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
