import { SightlineError } from "@sightline/core";

/**
 * A request the server refuses on purpose, with its HTTP status. Thrown anywhere in a handler and
 * turned into `{ error: { code, message } }` by the one error mapper (`error-response.ts`).
 *
 * @example
 * throw new HttpError(400, "invalid_query", "limit must be an integer from 1 to 100, got 500.");
 */
export class HttpError extends SightlineError {
  /** The HTTP status to answer with. */
  readonly status: number;
  /** Extra response headers (e.g. `Allow` on a 405, `WWW-Authenticate` on a 401). */
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(code, message);
    this.name = "HttpError";
    this.status = status;
    this.headers = headers;
  }
}
