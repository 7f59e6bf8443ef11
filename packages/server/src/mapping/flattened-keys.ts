import type { AnyValue } from "../otlp/otlp-span.js";
import type { SpanAttributes } from "./span-attributes.js";

/** The highest array index rebuilt from a flattened key; keys with larger indices are left alone. */
export const MAX_FLATTENED_INDEX = 10_000;
/** The most path segments a flattened key may have below its prefix. */
export const MAX_FLATTENED_DEPTH = 32;

/** Path segments that would reach an object's prototype machinery if used as keys. */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
const INDEX = /^\d+$/;

type Branch = Map<string, TreeNode>;
type TreeNode = { branch: Branch } | { leaf: AnyValue };

/** A structure rebuilt from flattened keys, and the keys it was built from. */
export interface Unflattened {
  value: unknown;
  keys: string[];
}

/**
 * Rebuilds attributes flattened under `prefix` (TraceLoop `gen_ai.prompt.0.role`, OpenInference
 * `llm.input_messages.0.message.content`) into nested arrays and objects: a level whose segments
 * are all numbers becomes an array in index order (holes closed), any other level an object.
 *
 * Safe on hostile keys: indices above {@link MAX_FLATTENED_INDEX}, paths deeper than
 * {@link MAX_FLATTENED_DEPTH}, empty segments and `__proto__`/`constructor`/`prototype` segments
 * are skipped, and so is a key that collides with another (a value where a branch is, or the
 * reverse). Skipped keys are not reported as used, so they stay visible as plain attributes.
 *
 * @example
 * // { "gen_ai.prompt.0.role": "user", "gen_ai.prompt.0.content": "hi" }
 * unflattenPrefixed(attrs, "gen_ai.prompt."); // { value: [{ role: "user", content: "hi" }], keys: [...] }
 */
export function unflattenPrefixed(attrs: SpanAttributes, prefix: string): Unflattened | undefined {
  const root: Branch = new Map();
  const keys: string[] = [];
  for (const key of attrs.keysWithPrefix(prefix)) {
    const value = attrs.raw(key);
    if (value === undefined || value === null) continue;
    const segments = key.slice(prefix.length).split(".");
    if (!segments.every(isSafeSegment) || segments.length > MAX_FLATTENED_DEPTH) continue;
    if (insert(root, segments, value)) keys.push(key);
  }
  if (keys.length === 0) return undefined;
  return { value: toJson(root), keys };
}

function isSafeSegment(segment: string): boolean {
  if (segment === "" || FORBIDDEN_SEGMENTS.has(segment)) return false;
  return !INDEX.test(segment) || Number(segment) <= MAX_FLATTENED_INDEX;
}

function insert(root: Branch, segments: readonly string[], value: AnyValue): boolean {
  let branch = root;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i] as string;
    const existing = branch.get(segment);
    if (existing === undefined) {
      const next: Branch = new Map();
      branch.set(segment, { branch: next });
      branch = next;
    } else if ("branch" in existing) {
      branch = existing.branch;
    } else {
      return false;
    }
  }
  const last = segments[segments.length - 1] as string;
  if (branch.has(last)) return false;
  branch.set(last, { leaf: value });
  return true;
}

function toJson(branch: Branch): unknown {
  const entries = [...branch.entries()];
  if (entries.every(([segment]) => INDEX.test(segment))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, node]) => nodeToJson(node));
  }
  const out: Record<string, unknown> = {};
  for (const [segment, node] of entries) out[segment] = nodeToJson(node);
  return out;
}

function nodeToJson(node: TreeNode): unknown {
  return "leaf" in node ? node.leaf : toJson(node.branch);
}
