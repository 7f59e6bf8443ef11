import { useState } from "react";

const PAGE = 100;

function summary(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length}]`;
  if (typeof value === "object" && value !== null) return `{${Object.keys(value).length}}`;
  return "";
}

function Scalar({ value }: { value: unknown }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === "string") return <span className="json-string">"{value}"</span>;
  if (typeof value === "number") return <span className="json-number">{String(value)}</span>;
  if (typeof value === "boolean") return <span className="json-bool">{String(value)}</span>;
  return <span>{String(value)}</span>;
}

/**
 * One node of a collapsible JSON tree. Children are rendered only when expanded, and large arrays
 * or objects 100 entries at a time, so a 5 MB output does not freeze the page.
 */
function JsonNode({ name, value, depth, openDepth }: { name: string | null; value: unknown; depth: number; openDepth: number }) {
  const isContainer = typeof value === "object" && value !== null;
  const [open, setOpen] = useState(depth < openDepth);
  const [shown, setShown] = useState(PAGE);
  const label = name === null ? null : <span className="json-key">{name}: </span>;
  if (!isContainer) {
    return (
      <div className="json-line">
        {label}
        <Scalar value={value} />
      </div>
    );
  }
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  return (
    <div className="json-node">
      <button type="button" className="json-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className="chev">{open ? "▾" : "▸"}</span>
        {label}
        <span className="muted">{summary(value)}</span>
      </button>
      {open ? (
        <div className="json-children">
          {entries.slice(0, shown).map(([k, v]) => (
            <JsonNode key={k} name={k} value={v} depth={depth + 1} openDepth={openDepth} />
          ))}
          {entries.length > shown ? (
            <button type="button" className="btn btn-small" onClick={() => setShown(shown + PAGE * 10)}>
              Show more ({entries.length - shown} hidden)
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

/** A collapsible JSON tree, open to `openDepth` levels. */
export function JsonTree({ value, openDepth = 2 }: { value: unknown; openDepth?: number }) {
  return (
    <div className="json-tree">
      <JsonNode name={null} value={value} depth={0} openDepth={openDepth} />
    </div>
  );
}
