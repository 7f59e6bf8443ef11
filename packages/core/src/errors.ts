/** Base class of the errors Sightline code raises on purpose. `code` is stable and machine-readable. */
export class SightlineError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SightlineError";
    this.code = code;
  }
}

/** A configuration value was invalid. The message names the option and what was expected. */
export class ConfigError extends SightlineError {
  constructor(message: string) {
    super("invalid_config", message);
    this.name = "ConfigError";
  }
}

/** An export to the server failed for good (after its retries). */
export class ExportError extends SightlineError {
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** Whether the failure was retryable (network, 429, 5xx) and retries ran out. */
  readonly retryable: boolean;
  constructor(message: string, options: { status?: number; retryable: boolean; cause?: unknown }) {
    super("export_failed", message, { cause: options.cause });
    this.name = "ExportError";
    this.status = options.status;
    this.retryable = options.retryable;
  }
}

/** Turns anything thrown into an Error-like message, never throwing itself. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
