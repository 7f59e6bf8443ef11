import type { Attributes } from "@opentelemetry/api";
import { SightlineAttributes, truncateWithMarker } from "@sightline/core";

/**
 * Shortens every string attribute value longer than `maxLength` characters in place, with the
 * visible marker of `truncateWithMarker`, and lists the shortened keys in the attribute
 * `sightline.truncated_keys` (a JSON array string, merged with any list already there).
 * Returns how many values were shortened. Runs at export time, after masking, so a mask always
 * sees the whole value.
 *
 * @example
 * truncateLongAttributeValues(span.attributes, 1_000_000); // 1 when a 2 MB input was cut
 */
export function truncateLongAttributeValues(attributes: Attributes, maxLength: number): number {
  let truncated: string[] | undefined;
  for (const key in attributes) {
    const value = attributes[key];
    if (typeof value === "string" && value.length > maxLength) {
      attributes[key] = truncateWithMarker(value, maxLength);
      (truncated ??= []).push(key);
    }
  }
  if (truncated === undefined) return 0;
  const count = truncated.length;
  const previous = attributes[SightlineAttributes.TRUNCATED_KEYS];
  if (typeof previous === "string") {
    try {
      const earlier: unknown = JSON.parse(previous);
      if (Array.isArray(earlier)) {
        for (const key of earlier) if (typeof key === "string" && !truncated.includes(key)) truncated.unshift(key);
      }
    } catch {
      // Not ours or corrupt: replaced by the current list.
    }
  }
  attributes[SightlineAttributes.TRUNCATED_KEYS] = JSON.stringify(truncated);
  return count;
}
