import type { Context } from "hono";
import type { AppEnv } from "./app-env.js";
import { HttpError } from "./http-error.js";

/**
 * Reads a small JSON object body (at most `maxChars`). Requiring `application/json` also protects
 * cookie-authenticated POSTs from cross-site form submissions: a cross-origin JSON POST needs a
 * CORS preflight, which this server never grants.
 */
export async function readJsonObject(c: Context<AppEnv>, maxChars: number): Promise<Record<string, unknown>> {
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("application/json")) {
    throw new HttpError(415, "unsupported_content_type", "Send a JSON body with content-type: application/json.");
  }
  const text = await c.req.text();
  if (text.length > maxChars) throw new HttpError(413, "body_too_large", `The body is over ${maxChars} characters.`);
  let body: unknown;
  try {
    body = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "The body is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "invalid_body", "The body must be a JSON object.");
  return body as Record<string, unknown>;
}
