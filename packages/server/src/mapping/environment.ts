import { SightlineAttributes as A } from "@sightline/core";
import type { AttributeMap } from "../otlp/otlp-span.js";
import { OtelKeys } from "./convention-keys.js";
import { isMeaningful, toText } from "./span-attributes.js";
import type { SpanAttributes } from "./span-attributes.js";

/** The environment of data that names none. */
export const DEFAULT_ENVIRONMENT = "default";
/** The longest environment name kept. */
export const MAX_ENVIRONMENT_LENGTH = 40;

/** Where an environment is read from, in order; for each key the span wins over its resource. */
const ENVIRONMENT_KEYS: readonly string[] = [A.ENVIRONMENT, OtelKeys.DEPLOYMENT_ENVIRONMENT_NAME, OtelKeys.DEPLOYMENT_ENVIRONMENT];

const VALID_ENVIRONMENT = /^[a-z0-9_-]+$/;
/** `langfuse-`/`langfuse_` names are reserved by Langfuse for its own data, so the prefix is dropped. */
const RESERVED_PREFIX = /^(?:langfuse[-_])+/;

/**
 * An environment name as stored: lowercased, without `langfuse-` prefixes, cut to
 * {@link MAX_ENVIRONMENT_LENGTH} characters, and `default` unless it is then made of `a-z`, `0-9`,
 * `-` and `_` only (so it is safe in URLs and filters).
 *
 * @example
 * normalizeEnvironment("Production"); // "production"
 * normalizeEnvironment("my env!");    // "default"
 */
export function normalizeEnvironment(value: unknown): string {
  if (typeof value !== "string") return DEFAULT_ENVIRONMENT;
  const env = value.trim().toLowerCase().replace(RESERVED_PREFIX, "").slice(0, MAX_ENVIRONMENT_LENGTH);
  return VALID_ENVIRONMENT.test(env) ? env : DEFAULT_ENVIRONMENT;
}

/** A value found on the span or on its resource, and which key of the span to consume. */
interface Found {
  value: string;
  spanKey?: string;
}

/** The first key with a value, checking the span before the resource for each key. */
function spanThenResource(attrs: SpanAttributes, resource: AttributeMap, keys: readonly string[]): Found | undefined {
  for (const key of keys) {
    const own = toText(attrs.get(key));
    if (own !== undefined) return { value: own, spanKey: key };
    const shared = resource[key];
    if (isMeaningful(shared)) {
      const text = toText(shared);
      if (text !== undefined) return { value: text };
    }
  }
  return undefined;
}

/** Environment, version and release of a span (the last two may be absent). */
export interface Deployment {
  environment: string;
  /** True when some attribute named the environment (otherwise it is the default). */
  environmentGiven: boolean;
  version: string | null;
  release: string | null;
}

/**
 * Reads environment (`langfuse.environment`, then `deployment.environment[.name]`), version
 * (`langfuse.version`, else the resource's `service.version`) and release (`langfuse.release`),
 * from the span first and its resource second, and consumes the span keys used.
 */
export function readDeployment(attrs: SpanAttributes, resource: AttributeMap): Deployment {
  const env = spanThenResource(attrs, resource, ENVIRONMENT_KEYS);
  const version = spanThenResource(attrs, resource, [A.VERSION, OtelKeys.SERVICE_VERSION]);
  const release = spanThenResource(attrs, resource, [A.RELEASE]);
  for (const found of [env, version, release]) if (found?.spanKey !== undefined) attrs.consume(found.spanKey);
  return {
    environment: normalizeEnvironment(env?.value),
    environmentGiven: env !== undefined,
    version: version?.value ?? null,
    release: release?.value ?? null,
  };
}
