import { SightlineAttributes as A } from "@sightline/core";
import { LangfuseCompat, Vercel } from "./convention-keys.js";
import { decodeAttributeValue, isPlainObject } from "./json-value.js";
import { toFiniteNumber, toText } from "./span-attributes.js";
import type { SpanAttributes } from "./span-attributes.js";

/** A linked prompt (name and integer version; either may be missing). */
export interface PromptLink {
  promptName: string | null;
  promptVersion: number | null;
}

/** Name/version key pairs, in order. */
const PROMPT_KEY_PAIRS: ReadonlyArray<readonly [string, string]> = [
  [A.OBSERVATION_PROMPT_NAME, A.OBSERVATION_PROMPT_VERSION],
  [LangfuseCompat.PROMPT_NAME, LangfuseCompat.PROMPT_VERSION],
];

/** Where Vercel AI SDK users pass a Langfuse prompt: `{ name, version }` as JSON telemetry metadata. */
const VERCEL_PROMPT_KEY = `${Vercel.TELEMETRY_METADATA_PREFIX}langfusePrompt`;

/** A prompt version as an integer (`3` and `"3"`), else null. */
export function toPromptVersion(value: unknown): number | null {
  const n = toFiniteNumber(value);
  return n !== undefined && Number.isSafeInteger(n) ? n : null;
}

/**
 * The prompt a span used: `langfuse.observation.prompt.name`/`.version`, else the older
 * `langfuse.prompt.*` keys, else the Vercel AI SDK's `ai.telemetry.metadata.langfusePrompt`.
 */
export function readPrompt(attrs: SpanAttributes): PromptLink {
  for (const [nameKey, versionKey] of PROMPT_KEY_PAIRS) {
    const name = toText(attrs.get(nameKey));
    const version = toPromptVersion(attrs.get(versionKey));
    if (name === undefined && version === null) continue;
    if (name !== undefined) attrs.consume(nameKey);
    if (version !== null) attrs.consume(versionKey);
    return { promptName: name ?? null, promptVersion: version };
  }
  const vercel = decodeAttributeValue(attrs.get(VERCEL_PROMPT_KEY));
  if (isPlainObject(vercel) && typeof vercel.name === "string") {
    attrs.consume(VERCEL_PROMPT_KEY);
    return { promptName: vercel.name, promptVersion: toPromptVersion(vercel.version) };
  }
  return { promptName: null, promptVersion: null };
}
