import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext } from "playwright-core";
import { chromium } from "playwright-core";

/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";
/** The built UI the server serves. */
export const WEB_DIST = fileURLToPath(new URL("../../dist", import.meta.url));
/** Screenshots of each page, for people to look at (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts", import.meta.url));

/**
 * Why browser tests cannot run here, or undefined when they can. Under CI=true a missing browser
 * or an unbuilt UI is a failure, not a skip: CI must exercise the real UI.
 */
export function browserSkipReason(): string | undefined {
  const missing = !existsSync(CHROMIUM_PATH)
    ? `${CHROMIUM_PATH} is missing (apt-get install chromium)`
    : !existsSync(join(WEB_DIST, "index.html"))
      ? "the web UI is not built (npm run build -w @sightline/web)"
      : undefined;
  if (missing === undefined) return undefined;
  if (process.env.CI === "true") throw new Error(`Browser tests must run under CI, but ${missing}.`);
  process.stderr.write(`\n*** SKIPPING browser tests: ${missing}. ***\n\n`);
  return missing;
}

/** A headless Chromium with a fresh profile; `close()` removes the profile. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "sightline-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1440, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The path of a screenshot artifact (the folder is created on first use). */
export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}
