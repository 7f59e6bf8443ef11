import { observationKind } from "../model/observation-kind.js";

/** An observation type as a coloured glyph (G for generation, T for tool, ...). */
export function TypeGlyph({ type }: { type: string }) {
  const kind = observationKind(type);
  return (
    <span className="type-glyph" style={{ background: `var(${kind.colorVar})` }} title={kind.label} aria-label={kind.label}>
      {kind.glyph}
    </span>
  );
}

/** The type's name with its glyph. */
export function TypeBadge({ type }: { type: string }) {
  const kind = observationKind(type);
  return (
    <span className="type-badge" style={{ color: `var(${kind.colorVar})` }}>
      <TypeGlyph type={type} /> {kind.label}
    </span>
  );
}

/** A level badge; DEFAULT shows nothing (it is the norm), WARNING and ERROR stand out. */
export function LevelBadge({ level }: { level: string }) {
  if (level === "DEFAULT") return null;
  return <span className={`level level-${level.toLowerCase()}`}>{level === "DEFAULT" ? "default" : level.toLowerCase()}</span>;
}

/** Trace tags as chips. */
export function Tags({ tags }: { tags: readonly string[] }) {
  if (tags.length === 0) return <span className="muted">–</span>;
  return (
    <span className="tags">
      {tags.map((t) => (
        <span key={t} className="tag">
          {t}
        </span>
      ))}
    </span>
  );
}
