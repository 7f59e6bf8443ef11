import type { ReactNode } from "react";
import { ApiError } from "../api/client.js";

/** A loading placeholder that does not jump the layout. */
export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

/** An error message that says what went wrong (the server's message when it sent one). */
export function ErrorBox({ error }: { error: unknown }) {
  const message = error instanceof ApiError ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert">
      <strong>Could not load.</strong> {message}
    </div>
  );
}

/** An empty state with a hint. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children === undefined ? null : <div className="muted">{children}</div>}
    </div>
  );
}
