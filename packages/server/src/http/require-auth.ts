import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env.js";
import type { ApiKeyAuthenticator } from "./authenticator.js";

/**
 * Middleware: HTTP Basic auth with a project's key pair; sets `auth` (the project) or throws the 401
 * that says what is wrong. Runs before the body is read, so unauthenticated uploads cost nothing.
 * A request already authorised by the web UI's access (`uiReadAccess`: read routes only, no
 * Authorization header) passes as it is.
 */
export function requireAuth(authenticator: ApiKeyAuthenticator) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.get("auth") === undefined) c.set("auth", await authenticator.authenticate(c.req.header("authorization")));
    await next();
  });
}
