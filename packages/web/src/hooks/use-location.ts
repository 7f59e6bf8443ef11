import { useCallback, useSyncExternalStore } from "react";

// The URL is the single home of view state (page, filters, selected observation), so every view can
// be shared by link and the back button works. A tiny history-API router: the app has eight routes
// and no nested layouts, which does not justify a router dependency.

const listeners = new Set<() => void>();

function notify(): void {
  for (const l of listeners) l();
}

if (typeof window !== "undefined") window.addEventListener("popstate", notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Goes to `to` (a path with an optional query string); `replace` keeps history clean while typing. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (options.replace === true) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  notify();
}

/** The current path and query string; re-renders on navigation. */
export function useLocation(): { pathname: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, () => window.location.pathname + window.location.search);
  const url = new URL(href, "http://x");
  return { pathname: url.pathname, search: url.searchParams };
}

/** Values to set (a string), remove (null/undefined/"") or repeat (an array) in the query string. */
export type SearchPatch = Record<string, string | readonly string[] | null | undefined>;

/** Applies a patch to the current query string, returning `path?query`. */
export function withSearch(pathname: string, current: URLSearchParams, patch: SearchPatch): string {
  const next = new URLSearchParams(current);
  for (const [key, value] of Object.entries(patch)) {
    next.delete(key);
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) next.append(key, v);
    else next.set(key, value as string);
  }
  const s = next.toString();
  return s === "" ? pathname : `${pathname}?${s}`;
}

/**
 * The query string as state: `[params, update]`, where `update(patch, { replace })` changes some
 * keys and keeps the others.
 */
export function useSearchParams(): [URLSearchParams, (patch: SearchPatch, options?: { replace?: boolean }) => void] {
  const { search } = useLocation();
  const update = useCallback((patch: SearchPatch, options: { replace?: boolean } = {}) => {
    navigate(withSearch(window.location.pathname, new URLSearchParams(window.location.search), patch), options);
  }, []);
  return [search, update];
}
