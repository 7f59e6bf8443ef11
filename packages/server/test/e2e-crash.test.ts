// Crash safety and graceful shutdown of the real `sightline serve` under sustained load from a child
// process: after SIGKILL and a restart on the same data dir, every span whose request got a 200 is
// stored; SIGTERM finishes in-flight requests, loses nothing acknowledged and exits 0.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RestClient, spawnServe } from "./support/serve-process.js";

const PUBLIC_KEY = "pk-lf-crash";
const SECRET_KEY = "sk-lf-crash";
const ENV = { SIGHTLINE_INIT_PUBLIC_KEY: PUBLIC_KEY, SIGHTLINE_INIT_SECRET_KEY: SECRET_KEY };
const LOOP = fileURLToPath(new URL("./support/ingest-loop.mjs", import.meta.url));
const SPANS_PER_TRACE = 10;

const dirs: string[] = [];
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts the load loop; `acked()` is every trace id of every request answered with 200 so far. */
function startLoad(url: string): { child: ChildProcess; acked: () => string[]; lines: () => string[] } {
  const child = spawn(process.execPath, [LOOP, url, PUBLIC_KEY, SECRET_KEY, "3"], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  let buffer = "";
  const lines: string[] = [];
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    lines.push(...parts);
  });
  return {
    child,
    lines: () => lines,
    acked: () => lines.filter((l) => l.startsWith("ACK ")).flatMap((l) => l.slice(4).split(",")),
  };
}

async function waitFor(condition: () => boolean, timeoutMillis: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** Observation counts of every stored trace. */
async function storedCounts(rest: RestClient): Promise<Map<string, number>> {
  const traces = await rest.allTraces("fields=core");
  return new Map(traces.map((t) => [t.id, t.observationCount]));
}

function assertEveryAckStored(acked: readonly string[], stored: Map<string, number>): void {
  const missing = acked.filter((id) => stored.get(id) !== SPANS_PER_TRACE);
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} of ${acked.length} acknowledged traces are missing or incomplete`);
}

describe("e2e: crash safety and shutdown of `sightline serve` under load", () => {
  it("keeps every acknowledged span after SIGKILL during sustained ingestion and a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sightline-e2e-crash-"));
    dirs.push(dataDir);
    const server = await spawnServe(dataDir, ENV);
    const load = startLoad(server.url);
    await waitFor(() => load.acked().length >= 300, 30_000, "300 acknowledged traces");
    await new Promise((r) => setTimeout(r, 300)); // keep requests in flight at the moment of the kill

    assert.equal(await server.stop("SIGKILL"), "SIGKILL");
    const errorsBefore = load.lines().filter((l) => l === "ERR").length;
    await waitFor(() => load.lines().filter((l) => l === "ERR").length > errorsBefore, 5_000, "the load to notice the crash");
    await stopChild(load.child);
    const acked = load.acked();

    const restarted = await spawnServe(dataDir, ENV);
    try {
      const stored = await storedCounts(new RestClient(restarted.url, PUBLIC_KEY, SECRET_KEY));
      assertEveryAckStored(acked, stored);
      assert.ok(acked.length >= 300);
      // Requests cut by the kill may or may not have committed, but never partly: a request is one transaction.
      for (const count of stored.values()) assert.equal(count, SPANS_PER_TRACE);
    } finally {
      await restarted.stop("SIGTERM");
    }
  });

  it("on SIGTERM finishes in-flight requests, keeps everything acknowledged and exits 0", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sightline-e2e-term-"));
    dirs.push(dataDir);
    const server = await spawnServe(dataDir, ENV);
    const load = startLoad(server.url);
    await waitFor(() => load.acked().length >= 200, 30_000, "200 acknowledged traces");

    const code = await server.stop("SIGTERM");
    assert.equal(code, 0, server.stderr());
    assert.match(server.stderr(), /Received SIGTERM: finishing in-flight requests/);
    assert.match(server.stderr(), /Sightline stopped\./);
    await stopChild(load.child);
    const acked = load.acked();
    const refusedAfterClose = load.lines().filter((l) => l.startsWith("STATUS ")).length;
    assert.equal(refusedAfterClose, 0, "no request got an error status: in-flight ones completed, later ones were not accepted");

    const restarted = await spawnServe(dataDir, ENV);
    try {
      const stored = await storedCounts(new RestClient(restarted.url, PUBLIC_KEY, SECRET_KEY));
      assertEveryAckStored(acked, stored);
    } finally {
      await restarted.stop("SIGTERM");
    }
  });
});
