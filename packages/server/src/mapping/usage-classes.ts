import { TOTAL_USAGE_KEY } from "./usage-details.js";

/**
 * The token classes every usage shape is normalised into. They are disjoint: each token is in
 * exactly one class (cached reads are not in `input`, reasoning tokens are not in `output`), so a
 * class can be priced on its own and the classes add up to the total. See
 * `docs/adr/0009-usage-and-cost.md`.
 */
export const TOKEN_CLASSES = [
  "input",
  "output",
  "cacheRead",
  "cacheWrite",
  "reasoning",
  "inputAudio",
  "outputAudio",
  "inputImage",
  "outputImage",
] as const;

/** One of `TOKEN_CLASSES`. */
export type TokenClass = (typeof TOKEN_CLASSES)[number];

/** Token counts by class, plus the total (the provider's, else the sum of the classes). */
export type UsageClasses = Partial<Record<TokenClass, number>> & { total: number };

/**
 * The `usageDetails` key (Langfuse-compatible) of each class: what the mapper writes and what the
 * cost details are keyed by.
 */
export const CLASS_USAGE_KEY: Readonly<Record<TokenClass, string>> = {
  input: "input",
  output: "output",
  cacheRead: "input_cached_tokens",
  cacheWrite: "input_cache_creation",
  reasoning: "output_reasoning_tokens",
  inputAudio: "input_audio_tokens",
  outputAudio: "output_audio_tokens",
  inputImage: "input_image_tokens",
  outputImage: "output_image_tokens",
};

/** Other spellings of the class keys that SDKs put in a usage-details map. */
const ALIASES: Readonly<Record<string, TokenClass>> = {
  input_cache_read: "cacheRead",
  cache_read_input_tokens: "cacheRead",
  input_cache_write: "cacheWrite",
  input_cache_creation_tokens: "cacheWrite",
  cache_creation_input_tokens: "cacheWrite",
  output_reasoning: "reasoning",
  reasoning_tokens: "reasoning",
  input_audio: "inputAudio",
  output_audio: "outputAudio",
  input_image: "inputImage",
  output_image: "outputImage",
};

const CLASS_OF_KEY: ReadonlyMap<string, TokenClass> = new Map<string, TokenClass>([
  ...TOKEN_CLASSES.map((c) => [CLASS_USAGE_KEY[c], c] as const),
  ...Object.entries(ALIASES),
]);

/**
 * The class a usage-details key counts in, or null for keys that are not token counts of a class
 * (`total`, or a counter of another kind). An unknown `input_*` / `output_*` key is a part that the
 * mapper took out of the input / output count (e.g. OpenAI's `input_text_tokens` or
 * `output_accepted_prediction_tokens`), so it is billed with that side.
 */
export function tokenClassOfKey(key: string): TokenClass | null {
  const known = CLASS_OF_KEY.get(key);
  if (known !== undefined) return known;
  if (key.startsWith("input_")) return "input";
  if (key.startsWith("output_")) return "output";
  return null;
}

/**
 * Normalised token classes of a `usageDetails` map (the mapper's disjoint buckets). Keys that are
 * not a class (`total` aside) are left out; `total` is the stated total, else the sum of the classes.
 *
 * @example
 * usageClassesOf({ input: 70, input_cached_tokens: 30, output: 15, output_reasoning_tokens: 5, total: 120 });
 * // { input: 70, cacheRead: 30, output: 15, reasoning: 5, total: 120 }
 */
export function usageClassesOf(usageDetails: Readonly<Record<string, number>>): UsageClasses {
  const out: Partial<Record<TokenClass, number>> = {};
  let sum = 0;
  let stated: number | undefined;
  for (const key in usageDetails) {
    if (!Object.hasOwn(usageDetails, key)) continue;
    const n = usageDetails[key];
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0) continue;
    if (key === TOTAL_USAGE_KEY) {
      stated = n;
      continue;
    }
    const cls = tokenClassOfKey(key);
    if (cls === null) continue;
    out[cls] = (out[cls] ?? 0) + n;
    sum += n;
  }
  return Object.assign(out, { total: stated ?? sum });
}

/** True when the usage has at least one token in a class (a total alone cannot be priced). */
export function hasClassTokens(classes: UsageClasses): boolean {
  return TOKEN_CLASSES.some((c) => (classes[c] ?? 0) > 0);
}
