import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import { isLoopbackHost } from "../../config.js";
import type { TraceStore } from "../../storage/trace-store.js";
import type { AppEnv } from "../app-env.js";
import type { AuthenticatedKey } from "../authenticator.js";
import { HttpError } from "../http-error.js";
import { pathParam } from "../query-params.js";
import { SESSION_COOKIE, UiSessions } from "./ui-sessions.js";

/** The header the UI sends to choose a project (session and open access only). */
export const PROJECT_HEADER = "x-sightline-project";
/** The project used when the UI does not name one. */
export const DEFAULT_UI_PROJECT = "default";

/**
 * How the web UI gets in:
 * - `open`: bound to loopback with no admin password: no credentials needed (only this machine
 *   can connect);
 * - `password`: the admin password (`SIGHTLINE_ADMIN_PASSWORD`) logs in; a session cookie follows;
 * - `locked`: neither (e.g. an in-process app without host information): only API keys work.
 */
export type UiAuthMode = "open" | "password" | "locked";

/** The settings that decide {@link UiAuthMode}. */
export interface UiAccessOptions {
  /** The address the server is bound to; undefined when unknown (in-process apps). */
  readonly host?: string;
  readonly adminPassword?: string;
  readonly sessions?: UiSessions;
}

/** Decides whether UI requests (cookie or no credentials) may read a project. */
export class UiAccess {
  readonly mode: UiAuthMode;
  readonly sessions: UiSessions;
  readonly adminPassword: string | undefined;

  constructor(options: UiAccessOptions) {
    this.adminPassword = options.adminPassword;
    this.sessions = options.sessions ?? new UiSessions();
    this.mode =
      options.adminPassword !== undefined ? "password" : options.host !== undefined && isLoopbackHost(options.host) ? "open" : "locked";
  }

  /** True when this request may use the UI (open mode, or a valid session cookie). */
  isAuthenticated(c: Context<AppEnv>): boolean {
    if (this.mode === "open") return true;
    if (this.mode === "locked") return false;
    return this.sessions.verify(getCookie(c, SESSION_COOKIE));
  }

  /**
   * The project a UI request acts in (from `x-sightline-project`, default `default`), or the 401
   * when the request may not use the UI, or a 404 when the project does not exist.
   */
  async authorize(c: Context<AppEnv>, store: TraceStore): Promise<AuthenticatedKey> {
    if (!this.isAuthenticated(c)) {
      throw new HttpError(
        401,
        this.mode === "locked" ? "ui_login_disabled" : "login_required",
        this.mode === "locked"
          ? "No admin password is configured and the server is not bound to loopback: send HTTP Basic auth with a project's API keys."
          : "Sign in with the admin password (POST /api/ui/login), or send HTTP Basic auth with a project's API keys.",
      );
    }
    const projectId = await existingProject(store, c.req.header(PROJECT_HEADER)?.trim() || DEFAULT_UI_PROJECT);
    return { projectId, keyId: "ui-session", publicKey: "" };
  }
}

/**
 * Middleware for the read API (GET/HEAD under /api/public): a request WITHOUT an Authorization
 * header is let in through the UI's access (session cookie, or open mode) and its project header;
 * a request with one goes on to the usual Basic-auth check (`requireAuth` skips when `auth` is set).
 * Ingestion is never opened this way.
 */
export function uiReadAccess(access: UiAccess, store: TraceStore) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const method = c.req.method;
    if ((method === "GET" || method === "HEAD") && c.req.header("authorization") === undefined && access.mode !== "locked") {
      if (access.isAuthenticated(c)) c.set("auth", await access.authorize(c, store));
    }
    await next();
  });
}

/** Middleware for /api/ui routes that need access: sets `auth` (the UI's project) or throws 401. */
export function requireUiAccess(access: UiAccess, store: TraceStore) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set("auth", await access.authorize(c, store));
    await next();
  });
}

/** `projectId` when that project exists; else a 404 `project_not_found`. */
export async function existingProject(store: TraceStore, projectId: string): Promise<string> {
  if (!(await store.listProjects()).some((p) => p.id === projectId)) {
    throw new HttpError(404, "project_not_found", `No project ${JSON.stringify(projectId.slice(0, 100))}.`);
  }
  return projectId;
}

/** The `:projectId` path parameter of a UI project route, when that project exists (else a 404; a NUL in it is a 400). */
export function uiProjectParam(c: Context<AppEnv>, store: TraceStore): Promise<string> {
  return existingProject(store, pathParam(c, "projectId"));
}
