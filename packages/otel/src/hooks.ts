import { errorMessage, getLogger } from "@sightline/core";
import type { ExportError } from "@sightline/core";

/** What `onError` receives when a batch could not be delivered (after its retries). */
export interface ExportErrorEvent {
  /** Why: `status` is the HTTP status when the server answered; `retryable` says whether retries ran out. */
  readonly error: ExportError;
  /** How many spans the failed batch held. They are lost. */
  readonly spanCount: number;
}

/** Why spans were dropped before export. */
export type DropReason = "queue_full";

/** What `onDrop` receives. Drops in one tick are reported together. */
export interface DropEvent {
  readonly reason: DropReason;
  /** Spans dropped since the previous report. */
  readonly count: number;
  /** Spans dropped by this processor so far. */
  readonly totalDropped: number;
}

/** Called when a batch failed for good. Runs in a try/catch: a throwing hook is logged, not rethrown. */
export type OnExportError = (event: ExportErrorEvent) => void;

/** Called when spans are dropped (e.g. the queue is full). Runs in a try/catch. */
export type OnDrop = (event: DropEvent) => void;

/**
 * Runs a user callback so that a bug in it never reaches the application or the export pipeline.
 * A throw is logged once per hook name.
 */
export function invokeHook<E>(name: string, hook: ((event: E) => void) | undefined, event: E): void {
  if (hook === undefined) return;
  try {
    hook(event);
  } catch (error) {
    getLogger().warnOnce(`otel:hook-threw:${name}`, `The ${name} callback threw (ignored): ${errorMessage(error)}`);
  }
}
