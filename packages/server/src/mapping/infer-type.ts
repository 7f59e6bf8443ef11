import { SightlineAttributes as A, SDK_SCOPE_NAME } from "@sightline/core";
import type { AttributeMap, DecodedScope } from "../otlp/otlp-span.js";
import type { ObservationTypeName } from "../storage/records.js";
import { GenAI, Genkit, MODEL_PRESENCE_KEYS, OpenInference, OtelKeys, Vercel } from "./convention-keys.js";
import type { SpanAttributes } from "./span-attributes.js";

/** What type inference looks at. */
export interface TypeContext {
  attrs: SpanAttributes;
  resource: AttributeMap;
  scope: DecodedScope;
}

/** One rule of the inference table: a type, or undefined to let the next rule decide. */
type TypeRule = (ctx: TypeContext) => ObservationTypeName | undefined;

/** A rule that looks a key's value up in a table (case-insensitive). */
function byValue(key: string, table: Record<string, ObservationTypeName>): TypeRule {
  const lower = new Map(Object.entries(table).map(([k, v]) => [k.toLowerCase(), v]));
  return ({ attrs }) => {
    const value = attrs.get(key);
    return typeof value === "string" ? lower.get(value.trim().toLowerCase()) : undefined;
  };
}

/** A rule that fires when any of the keys is present. */
function anyKey(keys: readonly string[], type: ObservationTypeName): TypeRule {
  return ({ attrs }) => (keys.some((k) => attrs.has(k)) ? type : undefined);
}

/** A rule that fires when any key starts with the prefix (Flue's `flue.tool.*`). */
function anyKeyWithPrefix(prefix: string, type: ObservationTypeName): TypeRule {
  return ({ attrs }) => (attrs.keysWithPrefix(prefix).length > 0 ? type : undefined);
}

const LANGFUSE_TYPES: Record<string, ObservationTypeName> = {
  span: "SPAN",
  generation: "GENERATION",
  event: "EVENT",
  agent: "AGENT",
  tool: "TOOL",
  chain: "CHAIN",
  retriever: "RETRIEVER",
  evaluator: "EVALUATOR",
  embedding: "EMBEDDING",
  guardrail: "GUARDRAIL",
};

/** Keys that only a generation carries; see the Python SDK rule. */
const GENERATION_ONLY_KEYS: readonly string[] = [
  A.OBSERVATION_MODEL,
  A.OBSERVATION_MODEL_PARAMETERS,
  A.OBSERVATION_USAGE_DETAILS,
  A.OBSERVATION_COST_DETAILS,
  A.OBSERVATION_COMPLETION_START_TIME,
  A.OBSERVATION_PROMPT_NAME,
  A.OBSERVATION_PROMPT_VERSION,
];

/**
 * The Langfuse Python SDK up to 3.3 sent generations with type "span"; its generation-only keys
 * give them away. Newer versions (and every other SDK) are taken at their word.
 */
const pythonSdkGenerationAsSpan: TypeRule = ({ attrs, resource, scope }) => {
  if (scope.name !== SDK_SCOPE_NAME || resource[OtelKeys.TELEMETRY_SDK_LANGUAGE] !== "python") return undefined;
  if (attrs.get(A.OBSERVATION_TYPE) !== "span") return undefined;
  const [major = 0, minor = 0] = (scope.version ?? "0.0").split(".").map(Number);
  if (major > 3 || (major === 3 && minor > 3)) return undefined;
  return GENERATION_ONLY_KEYS.some((k) => attrs.has(k)) ? "GENERATION" : undefined;
};

/** Vercel operations that are model calls, when the span also names its model. */
const VERCEL_MODEL_OPERATIONS: ReadonlyArray<readonly [string, ObservationTypeName]> = [
  ["ai.generateText.doGenerate", "GENERATION"],
  ["ai.streamText.doStream", "GENERATION"],
  ["ai.generateObject.doGenerate", "GENERATION"],
  ["ai.streamObject.doStream", "GENERATION"],
  ["ai.embedMany.doEmbed", "EMBEDDING"],
  ["ai.embed.doEmbed", "EMBEDDING"],
];
const VERCEL_MODEL_KEYS: readonly string[] = [A.OBSERVATION_MODEL, Vercel.MODEL_ID, GenAI.REQUEST_MODEL, GenAI.RESPONSE_MODEL];

/** True when the span is the Vercel operation `id` (`operation.name` may append the function id). */
function isVercelOperation(attrs: SpanAttributes, id: string): boolean {
  const opName = attrs.get(Vercel.OPERATION_NAME);
  if (typeof opName === "string" && (opName === id || opName.startsWith(`${id} `))) return true;
  return attrs.get(Vercel.OPERATION_ID) === id;
}

const vercelModelCall: TypeRule = ({ attrs }) => {
  if (!VERCEL_MODEL_KEYS.some((k) => attrs.has(k))) return undefined;
  return VERCEL_MODEL_OPERATIONS.find(([id]) => isVercelOperation(attrs, id))?.[1];
};

const vercelToolCall: TypeRule = ({ attrs }) => (isVercelOperation(attrs, Vercel.TOOL_CALL_OPERATION) ? "TOOL" : undefined);

/**
 * The inference table, highest priority first: the explicit Langfuse type, then each
 * convention's own notion of a kind, then weaker hints (a tool name, a model name).
 */
const TYPE_RULES: readonly TypeRule[] = [
  pythonSdkGenerationAsSpan,
  byValue(A.OBSERVATION_TYPE, LANGFUSE_TYPES),
  byValue(OpenInference.SPAN_KIND, {
    LLM: "GENERATION",
    CHAIN: "CHAIN",
    RETRIEVER: "RETRIEVER",
    EMBEDDING: "EMBEDDING",
    AGENT: "AGENT",
    TOOL: "TOOL",
    GUARDRAIL: "GUARDRAIL",
    EVALUATOR: "EVALUATOR",
  }),
  byValue(GenAI.OPERATION_NAME, {
    chat: "GENERATION",
    completion: "GENERATION",
    text_completion: "GENERATION",
    generate_content: "GENERATION",
    generate: "GENERATION",
    embeddings: "EMBEDDING",
    invoke_agent: "AGENT",
    create_agent: "AGENT",
    execute_tool: "TOOL",
  }),
  byValue(Genkit.SUBTYPE, {
    model: "GENERATION",
    "background-model": "GENERATION",
    embedder: "EMBEDDING",
    tool: "TOOL",
    "tool.v2": "TOOL",
    retriever: "RETRIEVER",
    evaluator: "EVALUATOR",
  }),
  vercelModelCall,
  vercelToolCall,
  anyKey([GenAI.TOOL_NAME, GenAI.TOOL_CALL_ID], "TOOL"),
  anyKeyWithPrefix("flue.tool.", "TOOL"),
  anyKeyWithPrefix("flue.task.", "AGENT"),
  anyKey([A.OBSERVATION_MODEL, ...MODEL_PRESENCE_KEYS], "GENERATION"),
];

/**
 * The observation type of a span: the first rule of the table that decides, else `SPAN`.
 *
 * @example
 * inferObservationType({ attrs, resource, scope }); // "GENERATION" for `openinference.span.kind=LLM`
 */
export function inferObservationType(ctx: TypeContext): ObservationTypeName {
  for (const rule of TYPE_RULES) {
    const type = rule(ctx);
    if (type !== undefined) return type;
  }
  return "SPAN";
}
