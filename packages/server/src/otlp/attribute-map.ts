import type { AnyValue, AttributeMap } from "./otlp-span.js";

/**
 * How deep `arrayValue` / `kvlistValue` attribute values may nest. A deeper value rejects its span
 * with a reason instead of recursing without bound; real instrumentations nest a few levels at most.
 */
export const MAX_ATTRIBUTE_DEPTH = 32;

/**
 * Sets `map[key] = value` without ever touching the prototype: a `__proto__` key from the wire
 * becomes an own property instead of replacing the object's prototype.
 */
export function setAttribute(map: AttributeMap, key: string, value: AnyValue): void {
  if (key === "__proto__") {
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    map[key] = value;
  }
}
