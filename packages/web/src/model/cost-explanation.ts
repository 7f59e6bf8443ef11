// "Why this cost": the server's `costExplanation` of an observation, as rows to show. Pure.

/** Display names of the token classes (see the server's `usage-classes.ts`). */
const CLASS_LABELS: Record<string, string> = {
  input: "Input",
  output: "Output",
  cacheRead: "Cached input (read)",
  cacheWrite: "Cache write",
  reasoning: "Reasoning",
  inputAudio: "Audio input",
  outputAudio: "Audio output",
  inputImage: "Image input",
  outputImage: "Image output",
};

/** One priced token class. */
export interface CostRow {
  label: string;
  tokens: number;
  /** USD per million tokens. */
  usdPerMillion: number;
  costUsd: number;
  /** e.g. "billed as Output" when the class has no price of its own. */
  note: string | null;
}

/** An observation's cost explained. */
export type CostView =
  | { kind: "provided" }
  | { kind: "computed"; model: string; matched: string; source: string; tier: string | null; rows: CostRow[]; totalUsd: number }
  | { kind: "none"; reason: string };

const NONE_REASONS: Record<string, string> = {
  no_model: "No cost: the observation names no model.",
  no_usage: "No cost: no token usage was reported (e.g. the call failed before any token).",
  unknown_model: "No cost: no catalogue or custom price matches this model. Add a custom price in Settings, then recompute.",
};

function obj(v: unknown): Record<string, unknown> | null {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/**
 * The explanation as a view, or null when the server sent none (e.g. an older server).
 *
 * @example
 * explainCost({ source: "provided" }); // { kind: "provided" }
 */
export function explainCost(explanation: unknown): CostView | null {
  const e = obj(explanation);
  if (e === null) return null;
  if (e["source"] === "provided") return { kind: "provided" };
  if (e["source"] === "none") return { kind: "none", reason: NONE_REASONS[str(e["reason"]) ?? ""] ?? "No cost." };
  if (e["source"] !== "computed") return null;
  const price = obj(e["price"]) ?? {};
  const custom = price["kind"] === "custom";
  const matched = custom ? `custom price “${str(price["modelName"]) ?? "?"}”` : `${str(price["providerId"]) ?? "?"}/${str(price["modelId"]) ?? "?"}`;
  const since = custom ? str(price["startDate"]) : str(price["priceDate"]);
  const source = custom
    ? `Custom price of this project (pattern ${str(price["matchPattern"]) ?? "?"})${since !== null ? `, from ${since.slice(0, 10)}` : ""}`
    : `Catalogue ${str(price["catalogue"]) ?? ""}${since !== null ? `, price in force since ${since}` : ""}`.trim();
  const tier = obj(e["tier"]);
  const rows = (Array.isArray(e["classes"]) ? e["classes"] : []).map((raw): CostRow => {
    const c = obj(raw) ?? {};
    const pricedAs = str(c["pricedAs"]);
    return {
      label: CLASS_LABELS[str(c["class"]) ?? ""] ?? str(c["class"]) ?? "?",
      tokens: num(c["tokens"]),
      usdPerMillion: num(c["usdPerMillion"]),
      costUsd: num(c["costUsd"]),
      note: pricedAs !== null ? `billed as ${CLASS_LABELS[pricedAs] ?? pricedAs}` : null,
    };
  });
  return {
    kind: "computed",
    model: str(e["model"]) ?? "",
    matched,
    source,
    tier: tier === null ? null : `Long-context tier: ${num(tier["inputTokens"]).toLocaleString("en-US")} input tokens > ${num(tier["startTokens"]).toLocaleString("en-US")}`,
    rows,
    totalUsd: num(e["totalUsd"]),
  };
}
