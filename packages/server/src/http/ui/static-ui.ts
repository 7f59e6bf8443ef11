import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize, sep } from "node:path";
import { existsSync } from "node:fs";
import type { SightlineApp } from "../app-env.js";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Paths that are never the UI: unknown API paths get the API's JSON 404, not index.html. */
const API_PREFIXES = ["/api/", "/v1/"];

/**
 * Where the built UI (`@sightline/web`'s dist) is, or undefined when it is not installed or not
 * built. Resolved at run time, not imported: the server runs without the UI.
 */
export function findWebDist(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve("@sightline/web/package.json");
    const dist = join(dirname(pkg), "dist");
    return existsSync(join(dist, "index.html")) ? dist : undefined;
  } catch {
    return undefined;
  }
}

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>Sightline</title>
<body style="font:14px system-ui;margin:3em;max-width:40em">
<h1>Sightline is running</h1>
<p>The web UI is not built. Build it with <code>npm run build</code> (or <code>npm run build -w @sightline/web</code>) and restart.</p>
<p>The REST API is at <a href="/api/public/health">/api/public/health</a>.</p></body>`;

/**
 * Serves the UI's static files at `/`: hashed assets with a year-long immutable cache, `index.html`
 * revalidated every time, and `index.html` for any other GET outside the API (client-side routes
 * such as `/traces/abc` are deep links). Paths are confined to `webDir`.
 */
export function registerStaticUi(app: SightlineApp, webDir: string | undefined): void {
  const root = webDir === undefined ? undefined : normalize(webDir);
  app.get("*", async (c, next) => {
    const path = c.req.path;
    if (API_PREFIXES.some((p) => path.startsWith(p))) return next();
    if (root === undefined) return c.html(NOT_BUILT_PAGE);
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return next();
    }
    const file = normalize(join(root, decoded));
    if (file.startsWith(root + sep) && extname(file) !== "") {
      const info = await stat(file).catch(() => null);
      if (info?.isFile() === true) {
        const immutable = decoded.startsWith("/assets/");
        return c.body(await readFile(file), 200, {
          "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
          "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
          "x-content-type-options": "nosniff",
        });
      }
      if (decoded.startsWith("/assets/")) return next();
    }
    const index = await readFile(join(root, "index.html")).catch(() => null);
    if (index === null) return c.html(NOT_BUILT_PAGE);
    return c.body(index, 200, {
      "content-type": CONTENT_TYPES[".html"] ?? "text/html",
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
    });
  });
}
