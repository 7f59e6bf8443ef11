import type { Schema } from "./schema.js";
import { parse, SchemaError } from "./schema.js";
import { errorBody } from "./shapes.js";

/** An HTTP error from the server, with its `{ error: { code, message } }` body when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The header that selects the project for session-authenticated requests. */
export const PROJECT_HEADER = "x-sightline-project";

/** Options of one request. */
export interface RequestOptions {
  readonly method?: "GET" | "POST" | "PUT" | "DELETE";
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** The project to act in; omitted for global endpoints (config, login, projects). */
  readonly projectId?: string;
}

/** Listeners told when the server says the session is gone (401), so the app can show the login. */
const unauthorizedListeners = new Set<() => void>();

/** Subscribes to 401 responses; returns the unsubscribe function. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/**
 * Fetches `path` from the same origin with the session cookie and validates the JSON response
 * against `schema`. Errors are {@link ApiError} (HTTP) or {@link SchemaError} (unexpected shape).
 *
 * @example
 * const page = await request("/api/public/traces?limit=50", tracePage, { projectId: "default" });
 */
export async function request<T>(path: string, schema: Schema<T>, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.projectId !== undefined) headers[PROJECT_HEADER] = options.projectId;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: "same-origin",
    signal: options.signal,
  });
  const text = await response.text();
  let body: unknown = undefined;
  if (text !== "") {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      if (response.ok) throw new SchemaError("", "JSON", text.slice(0, 80));
    }
  }
  if (!response.ok) {
    if (response.status === 401) for (const listener of unauthorizedListeners) listener();
    let code = `http_${response.status}`;
    let message = `${response.status} ${response.statusText}`;
    try {
      const parsed = parse(errorBody, body);
      code = parsed.error.code;
      message = parsed.error.message;
    } catch {
      // Not our error shape (e.g. a proxy's page): keep the status line.
    }
    throw new ApiError(response.status, code, message);
  }
  return parse(schema, body);
}

/** A query string from defined, non-empty values; arrays repeat the key. */
export function queryString(params: Record<string, string | number | readonly string[] | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) search.append(key, v);
    else search.set(key, String(value));
  }
  const s = search.toString();
  return s === "" ? "" : `?${s}`;
}
