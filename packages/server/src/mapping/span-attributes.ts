import type { AnyValue, AttributeMap } from "../otlp/otlp-span.js";

/**
 * Read access to one span's attributes that remembers which keys the mapping used ("consumed"),
 * so that what is left can be kept as metadata without repeating what already became a field.
 *
 * Reading never consumes; {@link consume} is called by the caller once a value made it into the
 * record, so a lower-priority source that lost (and whose data is therefore not in any field) is
 * kept in the leftovers instead of being dropped.
 */
export class SpanAttributes {
  private readonly consumed = new Set<string>();
  /**
   * The attributes as a Map: the mapping probes a hundred or so keys per span, mostly absent, and
   * a Map answers those far faster than property lookups on an object with dotted keys.
   */
  private readonly byKey: ReadonlyMap<string, AnyValue>;
  private readonly keyList: readonly string[];
  /** The first dotted segment of every key (`gen_ai` of `gen_ai.usage.input_tokens`). */
  private readonly namespaces: ReadonlySet<string>;

  constructor(readonly values: AttributeMap) {
    this.keyList = Object.keys(values);
    this.byKey = new Map(this.keyList.map((k) => [k, values[k] as AnyValue]));
    this.namespaces = new Set(this.keyList.map(namespaceOf));
  }

  /** Every attribute key, in insertion order. */
  keys(): readonly string[] {
    return this.keyList;
  }

  /** The value of `key` when present with a meaningful value ({@link isMeaningful}). */
  get(key: string): AnyValue | undefined {
    const v = this.byKey.get(key);
    return v !== undefined && isMeaningful(v) ? v : undefined;
  }

  /** The value of `key` as sent, meaningful or not (`""` included). */
  raw(key: string): AnyValue | undefined {
    return this.byKey.get(key);
  }

  /** True when `key` is present with a meaningful value. */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** The first of `keys` with a meaningful value, and which key it was. */
  first(keys: readonly string[]): { key: string; value: AnyValue } | undefined {
    for (const key of keys) {
      const value = this.get(key);
      if (value !== undefined) return { key, value };
    }
    return undefined;
  }

  /** The keys that start with `prefix` (and are longer than it). */
  keysWithPrefix(prefix: string): string[] {
    // Most prefixes belong to a convention the span does not use: answer those without a scan.
    if (!this.namespaces.has(namespaceOf(prefix))) return [];
    return this.keyList.filter((k) => k.length > prefix.length && k.startsWith(prefix));
  }

  /** Marks keys as used by the mapping. */
  consume(...keys: readonly string[]): void {
    for (const k of keys) this.consumed.add(k);
  }

  /** True when `key` was marked as used. */
  isConsumed(key: string): boolean {
    return this.consumed.has(key);
  }

  /** The attributes no rule consumed, in their original form. */
  leftovers(): AttributeMap {
    const out: AttributeMap = {};
    for (const k of this.keyList) if (!this.consumed.has(k)) setOwn(out, k, this.byKey.get(k) as AnyValue);
    return out;
  }
}

function namespaceOf(key: string): string {
  const dot = key.indexOf(".");
  return dot === -1 ? key : key.slice(0, dot);
}

/** A value that carries information: not null, not an empty string, array or object. */
export function isMeaningful(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** A value as display text: strings as they are, scalars printed, structures as JSON. */
export function toText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** A value as a finite number: numbers, and strings holding a decimal number. */
export function toFiniteNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** `true` and `"true"` (any case) are true; `false` and `"false"` false; anything else undefined. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (v === "true") return true;
    if (v === "false") return false;
  }
  return undefined;
}

/**
 * Sets `obj[key]` as an own property, also for the key `__proto__` (a plain assignment would
 * replace the object's prototype instead of storing the value).
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
