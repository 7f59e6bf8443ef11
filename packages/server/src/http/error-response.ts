import { errorMessage } from "@sightline/core";
import { OtlpDecodeError } from "../otlp/otlp-decode-error.js";
import { StoreUnavailableError } from "../storage/store-errors.js";
import { HttpError } from "./http-error.js";
import type { ServerLogger } from "./server-logger.js";

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; requestId?: string };
}

/** What the error mapper decided: status, body and headers. */
export interface MappedError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/**
 * The one error mapper: turns anything a handler threw into a status and a JSON body.
 * Refusals (`HttpError`, `OtlpDecodeError`) keep their status, code and message; an unavailable
 * database (`StoreUnavailableError`) is a 503 with `retry-after`; anything else is
 * an internal error: logged with the request id and answered with a 500 that names the id but
 * reveals nothing of the failure.
 */
export function mapError(error: unknown, requestId: string, logger: ServerLogger): MappedError {
  if (error instanceof HttpError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message } }, headers: { ...error.headers } };
  }
  if (error instanceof OtlpDecodeError) {
    return { status: error.httpStatus, body: { error: { code: error.code, message: error.message } }, headers: {} };
  }
  if (error instanceof StoreUnavailableError) {
    // Nothing was committed: the client may retry (OTLP exporters retry 503 with backoff).
    logger.warn(`Request ${requestId}: the database is unavailable: ${errorMessage(error)}`);
    return {
      status: 503,
      body: { error: { code: StoreUnavailableError.CODE, message: "The database is unavailable; nothing was stored. Retry shortly.", requestId } },
      headers: { "retry-after": "1" },
    };
  }
  logger.error(`Request ${requestId} failed: ${errorMessage(error)}`, error);
  return {
    status: 500,
    body: {
      error: {
        code: "internal",
        message: `Internal server error (request id ${requestId}). The request was not processed; the server log has the details.`,
        requestId,
      },
    },
    headers: {},
  };
}
