import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ProcessorStats } from "@sightline/otel";
import { CaptureServer } from "./helpers/capture-server.js";

const SCRIPT = fileURLToPath(new URL("./fixtures/exit-without-shutdown.mjs", import.meta.url));

/** Runs the fixture script to its natural exit; rejects if it has not exited after `timeoutMillis`. */
function runScript(
  options: Record<string, unknown>,
  spans: number,
  timeoutMillis = 10_000,
): Promise<{ code: number | null; stats: ProcessorStats; elapsedMillis: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], {
      env: { ...process.env, SIGHTLINE_TEST_OPTIONS: JSON.stringify(options), SIGHTLINE_TEST_SPANS: String(spans) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the script did not exit within ${timeoutMillis} ms; stderr: ${stderr}`));
    }, timeoutMillis);
    child.on("exit", (code) => {
      clearTimeout(timer);
      try {
        resolve({ code, stats: JSON.parse(stdout) as ProcessorStats, elapsedMillis: Date.now() - started });
      } catch {
        reject(new Error(`unexpected output ${JSON.stringify(stdout)}; stderr: ${stderr}`));
      }
    });
  });
}

describe("Flush at exit", () => {
  let server: CaptureServer;

  beforeEach(async () => {
    server = await CaptureServer.start();
  });

  afterEach(async () => {
    await server.close();
  });

  it("delivers the spans of a script that exits without shutdown", async () => {
    const { code, stats } = await runScript(
      { baseUrl: server.url, publicKey: "pk", secretKey: "sk", flushIntervalMillis: 60_000 },
      3,
    );
    assert.equal(code, 0);
    assert.deepEqual(server.spanNames().sort(), ["exit-span-0", "exit-span-1", "exit-span-2"]);
    assert.equal(server.requests.length, 1);
    assert.equal(stats.exported, 3);
  });

  it("keeps the process alive through retries at exit, then exits", async () => {
    server.reply({ status: 503 }, { status: 503 });
    const { code, stats } = await runScript(
      {
        baseUrl: server.url,
        publicKey: "pk",
        secretKey: "sk",
        flushIntervalMillis: 60_000,
        retryInitialDelayMillis: 200,
        retryMaxDelayMillis: 400,
      },
      2,
    );
    assert.equal(code, 0);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(stats.exported, 2);
    assert.deepEqual(stats.retries, 2);
  });

  it("exits promptly when the export fails for good", async () => {
    server.replyByDefault({ status: 401 });
    const { code, stats, elapsedMillis } = await runScript(
      { baseUrl: server.url, publicKey: "pk", secretKey: "bad", flushIntervalMillis: 60_000 },
      2,
    );
    assert.equal(code, 0);
    assert.equal(server.requests.length, 1, "no retry, and no second flush loop");
    assert.equal(stats.failed, 2);
    assert.ok(elapsedMillis < 5_000, `took ${elapsedMillis} ms`);
  });

  it("does not flush at exit when flushOnExit is false", async () => {
    const { code, stats } = await runScript(
      { baseUrl: server.url, publicKey: "pk", secretKey: "sk", flushIntervalMillis: 60_000, flushOnExit: false },
      2,
    );
    assert.equal(code, 0);
    assert.equal(server.requests.length, 0);
    assert.equal(stats.queued, 2);
  });
});
