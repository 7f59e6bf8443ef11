// A small runtime validator for API responses: the UI trusts no shape it did not check, and a
// mismatch names the field (e.g. `data[3].latency: expected number or null, got "abc"`) instead of
// failing later deep inside a component. Hand-written because the UI checks a handful of shapes and
// a schema library would be most of the bundle's non-React weight.

/** A validator: returns the value typed, or throws {@link SchemaError}. */
export type Schema<T> = (value: unknown, path: string) => T;

/** The type a schema produces. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** A response that does not have the expected shape. */
export class SchemaError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly actual: unknown,
  ) {
    super(`${path || "response"}: expected ${expected}, got ${describe(actual)}`);
    this.name = "SchemaError";
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === "object" ? "an object" : String(v);
}

/** Any string. */
export const string: Schema<string> = (v, path) => {
  if (typeof v !== "string") throw new SchemaError(path, "string", v);
  return v;
};

/** A finite number. */
export const number: Schema<number> = (v, path) => {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new SchemaError(path, "number", v);
  return v;
};

/** A boolean. */
export const boolean: Schema<boolean> = (v, path) => {
  if (typeof v !== "boolean") throw new SchemaError(path, "boolean", v);
  return v;
};

/** Any JSON value, unchecked (inputs, outputs, metadata). */
export const json: Schema<unknown> = (v) => v;

/** `null` (or a missing field) as well as the inner type. */
export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return (v, path) => (v === null || v === undefined ? null : inner(v, path));
}

/** A field that may be missing; missing or null becomes `fallback`. */
export function withDefault<T>(inner: Schema<T>, fallback: T): Schema<T> {
  return (v, path) => (v === null || v === undefined ? fallback : inner(v, path));
}

/** One of the given strings. */
export function oneOf<const T extends string>(values: readonly T[]): Schema<T> {
  return (v, path) => {
    if (typeof v !== "string" || !(values as readonly string[]).includes(v)) throw new SchemaError(path, values.join(" | "), v);
    return v as T;
  };
}

/** An array of the inner type. */
export function array<T>(inner: Schema<T>): Schema<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) throw new SchemaError(path, "array", v);
    return v.map((item, i) => inner(item, `${path}[${i}]`));
  };
}

/** A string-keyed map of the inner type. */
export function record<T>(inner: Schema<T>): Schema<Record<string, T>> {
  return (v, path) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new SchemaError(path, "object", v);
    const out: Record<string, T> = {};
    for (const [k, item] of Object.entries(v)) out[k] = inner(item, `${path}.${k}`);
    return out;
  };
}

/** An object with at least these fields (others are dropped). */
export function object<S extends Record<string, Schema<unknown>>>(shape: S): Schema<{ [K in keyof S]: Infer<S[K]> }> {
  return (v, path) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new SchemaError(path, "object", v);
    const source = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(shape)) out[key] = schema(source[key], path === "" ? key : `${path}.${key}`);
    return out as { [K in keyof S]: Infer<S[K]> };
  };
}

/** An array of the inner type checked lazily: only the first item, for huge column arrays. */
export function arrayOfFirst<T>(inner: Schema<T>): Schema<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) throw new SchemaError(path, "array", v);
    if (v.length > 0) inner(v[0], `${path}[0]`);
    return v as T[];
  };
}

/** Validates a parsed response body against a schema. */
export function parse<T>(schema: Schema<T>, value: unknown): T {
  return schema(value, "");
}
