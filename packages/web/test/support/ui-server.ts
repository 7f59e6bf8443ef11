import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningServer } from "@sightline/server";
import { resolveServerConfig, silentServerLogger, startServer } from "@sightline/server";
import { WEB_DIST } from "./browser.js";

/** A real server (SQLite in a temp dir) serving the built UI; `close()` stops it and removes the dir. */
export interface UiServer {
  server: RunningServer;
  close: () => Promise<void>;
}

/** Starts `startServer` on a free loopback port with this init key pair and the built UI. */
export async function startUiServer(keys: { publicKey: string; secretKey: string }, extra: { adminPassword?: string } = {}): Promise<UiServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "sightline-web-e2e-"));
  const config = resolveServerConfig(
    { port: 0, host: "127.0.0.1", dataDir, initPublicKey: keys.publicKey, initSecretKey: keys.secretKey, ...extra },
    {},
  );
  try {
    const server = await startServer(config, { logger: silentServerLogger, webDir: WEB_DIST });
    return {
      server,
      close: async () => {
        await server.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Waits until `check` passes (the UI debounces and polls; indexes fill in the background). */
export async function eventually(check: () => Promise<void>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
