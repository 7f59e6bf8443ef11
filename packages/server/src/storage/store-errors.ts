import { SightlineError } from "@sightline/core";

/**
 * The database behind a store cannot be reached right now (connection refused or lost, the server
 * shutting down or restarting, the pool exhausted for too long). Nothing of the failed call was
 * committed, so the client may retry it; the HTTP layer answers 503. Stores recover by themselves
 * when the database comes back.
 */
export class StoreUnavailableError extends SightlineError {
  /** Stable code for the HTTP error body. */
  static readonly CODE = "store_unavailable";

  constructor(message: string, options?: { cause?: unknown }) {
    super(StoreUnavailableError.CODE, message, options);
    this.name = "StoreUnavailableError";
  }
}

/** Thrown by `createApiKey` when the public key is already taken (by any project), in every store. */
export class DuplicatePublicKeyError extends Error {
  constructor(publicKey: string) {
    super(`An API key with public key ${publicKey} already exists.`);
    this.name = "DuplicatePublicKeyError";
  }
}
