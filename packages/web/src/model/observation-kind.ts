/** How an observation type looks in the tree: a one-letter glyph, a label and a colour token. */
export interface ObservationKind {
  readonly glyph: string;
  readonly label: string;
  /** A CSS custom property holding the type's colour (defined per theme in styles.css). */
  readonly colorVar: string;
}

const KINDS: Record<string, ObservationKind> = {
  SPAN: { glyph: "S", label: "Span", colorVar: "--type-span" },
  GENERATION: { glyph: "G", label: "Generation", colorVar: "--type-generation" },
  EVENT: { glyph: "E", label: "Event", colorVar: "--type-event" },
  AGENT: { glyph: "A", label: "Agent", colorVar: "--type-agent" },
  TOOL: { glyph: "T", label: "Tool", colorVar: "--type-tool" },
  CHAIN: { glyph: "C", label: "Chain", colorVar: "--type-chain" },
  RETRIEVER: { glyph: "R", label: "Retriever", colorVar: "--type-retriever" },
  EVALUATOR: { glyph: "V", label: "Evaluator", colorVar: "--type-evaluator" },
  EMBEDDING: { glyph: "M", label: "Embedding", colorVar: "--type-embedding" },
  GUARDRAIL: { glyph: "D", label: "Guardrail", colorVar: "--type-guardrail" },
};

/** The observation types, in the order filters list them. */
export const OBSERVATION_TYPE_NAMES = Object.keys(KINDS);

/** The look of a type; unknown types look like spans. */
export function observationKind(type: string): ObservationKind {
  return KINDS[type.toUpperCase()] ?? { glyph: "?", label: type, colorVar: "--type-span" };
}

/** Levels, least to most severe. */
export const LEVELS = ["DEBUG", "DEFAULT", "WARNING", "ERROR"] as const;
