// Configuration and the real server: resolveServerConfig, startServer on a temp data dir (first
// start, INIT keys, refusals), oversized bodies over a real socket, and graceful shutdown.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DEFAULT_MAX_BODY_BYTES,
  isLoopbackHost,
  openStore,
  resolveServerConfig,
  silentServerLogger,
  startServer,
} from "@sightline/server";
import type { RunningServer, ServerConfigInput } from "@sightline/server";
import { basicAuth, buildSpans, otlpJson } from "./support/http-harness.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sightline-server-"));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function start(input: ServerConfigInput, env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer(resolveServerConfig({ port: 0, ...input }, env), { logger: silentServerLogger });
}

/** A raw HTTP POST whose body is written by `write` (chunked unless a content-length is given). */
function rawPost(
  url: string,
  headers: Record<string, string>,
  write: (req: ReturnType<typeof request>) => Promise<void>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/traces`, { method: "POST", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    write(req).then(
      () => req.end(),
      (error: unknown) => reject(error as Error),
    );
  });
}

describe("resolveServerConfig", () => {
  it("uses the defaults when nothing is set", () => {
    const config = resolveServerConfig({}, {});
    assert.equal(config.port, 3000);
    assert.equal(config.host, "127.0.0.1");
    assert.equal(config.dataDir, "./.sightline");
    assert.equal(config.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.initKeys, undefined);
  });

  it("prefers explicit values over environment variables over defaults", () => {
    const env = { SIGHTLINE_PORT: "4000", SIGHTLINE_HOST: "0.0.0.0", SIGHTLINE_DATA_DIR: "/env", SIGHTLINE_MAX_BODY_BYTES: "2048" };
    assert.deepEqual(
      (({ port, host, dataDir, maxBodyBytes }) => ({ port, host, dataDir, maxBodyBytes }))(resolveServerConfig({ port: 5000, dataDir: "/flag" }, env)),
      { port: 5000, host: "0.0.0.0", dataDir: "/flag", maxBodyBytes: 2048 },
    );
  });

  it("reads the INIT keys, admin password and database URL from the environment", () => {
    const config = resolveServerConfig(
      {},
      { SIGHTLINE_INIT_PUBLIC_KEY: "pk-lf-1", SIGHTLINE_INIT_SECRET_KEY: "sk-lf-1", SIGHTLINE_ADMIN_PASSWORD: "pw", SIGHTLINE_DATABASE_URL: "postgres://x" },
    );
    assert.deepEqual(config.initKeys, { publicKey: "pk-lf-1", secretKey: "sk-lf-1" });
    assert.equal(config.adminPassword, "pw");
    assert.equal(config.databaseUrl, "postgres://x");
  });

  it("refuses bad values with a message naming the variable", () => {
    assert.throws(() => resolveServerConfig({}, { SIGHTLINE_PORT: "http" }), /Invalid SIGHTLINE_PORT="http": expected an integer from 0 to 65535/);
    assert.throws(() => resolveServerConfig({ port: 70000 }, {}), /Invalid option port/);
    assert.throws(() => resolveServerConfig({}, { SIGHTLINE_MAX_BODY_BYTES: "1.5" }), /SIGHTLINE_MAX_BODY_BYTES/);
    assert.throws(() => resolveServerConfig({}, { SIGHTLINE_INIT_PUBLIC_KEY: "pk" }), /must be set together/);
  });

  it("knows which hosts are loopback", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) assert.equal(isLoopbackHost(host), true, host);
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "example.com"]) assert.equal(isLoopbackHost(host), false, host);
  });
});

describe("startServer", () => {
  it("creates the data dir, the default project and a key pair on first start only", async () => {
    const dataDir = join(tempDir(), "nested", "data");
    const first = await start({ dataDir });
    try {
      assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(first.port > 0);
      assert.equal(first.project.id, "default");
      assert.equal(first.project.name, "Default project");
      assert.ok(first.createdKey !== null);
      assert.match(first.createdKey.secretKey, /^sk-sl-/);
      assert.equal(first.keys.length, 1);
      assert.ok(existsSync(join(dataDir, "sightline.db")));
      assert.match(readFileSync(join(dataDir, ".gitignore"), "utf8"), /^\*$/m);
      const health = await fetch(`${first.url}/api/public/health`);
      assert.deepEqual(await health.json(), { status: "OK", version: "0.1.0" });
    } finally {
      await first.close();
    }
    const second = await start({ dataDir });
    try {
      assert.equal(second.createdKey, null, "no new key at the second start");
      assert.equal(second.keys.length, 1);
    } finally {
      await second.close();
    }
  });

  it("creates the INIT key pair with exactly those values, idempotently", async () => {
    const dataDir = tempDir();
    const env = { SIGHTLINE_INIT_PUBLIC_KEY: "pk-lf-existing", SIGHTLINE_INIT_SECRET_KEY: "sk-lf-existing" };
    const first = await start({ dataDir }, env);
    try {
      assert.equal(first.createdKey?.publicKey, "pk-lf-existing");
      assert.equal(existsSync(join(dataDir, ".gitignore")), false, "an existing directory is left as it is");
      const res = await fetch(`${first.url}/api/public/traces`, { headers: { authorization: basicAuth("pk-lf-existing", "sk-lf-existing") } });
      assert.equal(res.status, 200);
    } finally {
      await first.close();
    }
    const second = await start({ dataDir }, env);
    try {
      assert.equal(second.createdKey, null);
      assert.deepEqual(second.keys.map((k) => k.publicKey), ["pk-lf-existing"], "no random pair besides the INIT pair");
    } finally {
      await second.close();
    }
    await assert.rejects(start({ dataDir }, { ...env, SIGHTLINE_INIT_SECRET_KEY: "sk-other" }), /exists with a different secret key/);
  });

  it("refuses a non-loopback host without SIGHTLINE_ADMIN_PASSWORD", async () => {
    await assert.rejects(start({ dataDir: tempDir(), host: "0.0.0.0" }), /Refusing to listen on 0\.0\.0\.0.*SIGHTLINE_ADMIN_PASSWORD/);
    const server = await start({ dataDir: tempDir(), host: "0.0.0.0", adminPassword: "secret" });
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:/);
    await server.close();
  });

  it("refuses a PostgreSQL database it cannot reach, naming where it looked but not the password", async () => {
    const error = await start({ dataDir: tempDir() }, { SIGHTLINE_DATABASE_URL: "postgres://sightline:pw-secret@127.0.0.1:1/sightline" }).then(
      () => assert.fail("expected a refusal"),
      (e: unknown) => e as Error,
    );
    assert.match(error.message, /Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/sightline as sightline/);
    assert.doesNotMatch(error.message, /pw-secret/);
    await assert.rejects(start({ dataDir: tempDir() }, { SIGHTLINE_DATABASE_URL: "mysql://localhost/sightline" }), /must be a postgres:\/\/ URL/);
  });

  it("says so when the port is taken", async () => {
    const server = await start({ dataDir: tempDir() });
    try {
      await assert.rejects(start({ dataDir: tempDir(), port: server.port }), /Port \d+ on 127\.0\.0\.1 is already in use/);
    } finally {
      await server.close();
    }
  });
});

describe("the server over a real socket", () => {
  it("keeps serving when a client sends less than its Content-Length and hangs up", async () => {
    const server = await start({ dataDir: tempDir() });
    const key = server.createdKey!;
    const headers = { authorization: basicAuth(key.publicKey, key.secretKey), "content-type": "application/json" };
    try {
      await new Promise<void>((resolve) => {
        const req = request(`${server.url}/v1/traces`, { method: "POST", headers: { ...headers, "content-length": "100000" } });
        req.on("error", () => resolve());
        req.write(Buffer.from('{"resourceSpans": ['));
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50);
      });
      const spans = buildSpans([{ name: "after-hangup" }]);
      const ok = await fetch(`${server.url}/v1/traces`, { method: "POST", headers, body: Buffer.from(otlpJson(spans)) });
      assert.equal(ok.status, 200);
      const listed = await fetch(`${server.url}/api/public/traces`, { headers });
      assert.equal(((await listed.json()) as { meta: { totalItems: number } }).meta.totalItems, 1, "only the complete request was stored");
    } finally {
      await server.close();
    }
  });

  it("refuses a 50 MB body with 413 (the 32 MiB default), with and without Content-Length, and serves the next request", async () => {
    const server = await start({ dataDir: tempDir() });
    const key = server.createdKey!;
    const headers = { authorization: basicAuth(key.publicKey, key.secretKey), "content-type": "application/json" };
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    try {
      const sized = await rawPost(server.url, { ...headers, "content-length": String(50 * chunk.length) }, async (req) => {
        for (let i = 0; i < 50 && !req.destroyed; i++) if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
      });
      assert.equal(sized.status, 413);
      assert.match(sized.body, /"body_too_large".*32 MiB/);

      const chunked = await rawPost(server.url, headers, async (req) => {
        for (let i = 0; i < 50 && !req.destroyed; i++) if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
      });
      assert.equal(chunked.status, 413);
      assert.match(chunked.body, /"body_too_large"/);

      const spans = buildSpans([{ name: "after-50mb" }]);
      const ok = await fetch(`${server.url}/v1/traces`, { method: "POST", headers, body: Buffer.from(otlpJson(spans)) });
      assert.equal(ok.status, 200);
    } finally {
      await server.close();
    }
  });

  it("finishes an in-flight request during a graceful shutdown and keeps what it acknowledged", async () => {
    const dataDir = tempDir();
    const server = await start({ dataDir });
    const key = server.createdKey!;
    const spans = buildSpans([{ name: "in-flight-at-shutdown" }]);
    const body = Buffer.from(otlpJson(spans));
    let closing: Promise<void> | undefined;
    const response = await rawPost(
      server.url,
      { authorization: basicAuth(key.publicKey, key.secretKey), "content-type": "application/json" },
      async (req) => {
        req.write(body.subarray(0, 20));
        await new Promise((r) => setTimeout(r, 50));
        closing = server.close(); // the request has started: it must still complete
        await new Promise((r) => setTimeout(r, 50));
        req.write(body.subarray(20));
      },
    );
    assert.equal(response.status, 200);
    await closing;
    await assert.rejects(fetch(`${server.url}/api/public/health`), "no new connections after close");

    const store = await openStore({ dataDir, databaseUrl: undefined });
    try {
      const trace = await store.getTrace("default", spans[0]!.spanContext().traceId);
      assert.equal(trace?.name, "in-flight-at-shutdown");
      assert.equal(trace?.observationCount, 1);
    } finally {
      await store.close();
    }
  });
});
