// The `sightline` command line in-process (runCli with a captured io) and as the real executable:
// help for every command, usage and configuration errors with their exit codes, the keys round trip.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { runCli } from "sightline";
import type { CliIo } from "sightline";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sightline-cli-"));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Captured {
  code: number;
  out: string;
  err: string;
}

/** Runs the command line in-process with a clean environment (plus `env`). */
async function cli(args: string[], env: Record<string, string> = {}): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env,
    untilStopSignal: () => Promise.resolve("SIGTERM"),
  };
  const code = await runCli(args, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("sightline --help and usage errors", () => {
  it("prints the commands with --help and exits 0", async () => {
    const { code, out } = await cli(["--help"]);
    assert.equal(code, 0);
    for (const command of ["serve", "keys", "demo"]) assert.match(out, new RegExp(`^  ${command} `, "m"));
  });

  for (const command of ["serve", "keys", "demo"]) {
    it(`prints the options of ${command} with --help`, async () => {
      const { code, out } = await cli([command, "--help"]);
      assert.equal(code, 0);
      assert.match(out, new RegExp(`^Usage:\\s+sightline ${command}`, "m"));
    });
  }

  it("exits 2 for no command and for an unknown one", async () => {
    assert.equal((await cli([])).code, 2);
    const unknown = await cli(["serv"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /Unknown command "serv"/);
  });

  it("exits 2 with a pointer to --help for an unknown option or a bad port", async () => {
    const option = await cli(["serve", "--prot", "1"]);
    assert.equal(option.code, 2);
    assert.match(option.err, /Unknown option '--prot'[\s\S]*sightline serve --help/);
    const port = await cli(["serve", "--port", "http"]);
    assert.equal(port.code, 2);
    assert.match(port.err, /--port must be an integer from 0 to 65535, got "http"/);
  });

  it("refuses to serve on a non-loopback address without SIGHTLINE_ADMIN_PASSWORD (exit 2)", async () => {
    const { code, err } = await cli(["serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", tempDir()]);
    assert.equal(code, 2);
    assert.match(err, /Refusing to listen on 0\.0\.0\.0.*SIGHTLINE_ADMIN_PASSWORD/);
  });

  it("refuses a PostgreSQL SIGHTLINE_DATABASE_URL it cannot reach, without printing the password (exit 2)", async () => {
    const { code, err } = await cli(["serve", "--port", "0", "--data-dir", tempDir()], { SIGHTLINE_DATABASE_URL: "postgresql://app:pw-secret@127.0.0.1:1/db" });
    assert.equal(code, 2);
    assert.match(err, /Cannot connect to PostgreSQL at 127\.0\.0\.1:1\/db as app/);
    assert.doesNotMatch(err, /pw-secret/);
  });

  it("demo without keys explains where to get them (exit 2)", async () => {
    const { code, err } = await cli(["demo"]);
    assert.equal(code, 2);
    assert.match(err, /needs an API key pair.*SIGHTLINE_PUBLIC_KEY/);
  });

  it("demo without a server says how to start one (exit 1)", async () => {
    const { code, err } = await cli(["demo", "--base-url", "http://127.0.0.1:1", "--public-key", "pk", "--secret-key", "sk"]);
    assert.equal(code, 1);
    assert.match(err, /No Sightline server answers at http:\/\/127\.0\.0\.1:1.*sightline serve/);
  });
});

describe("sightline serve (in-process)", () => {
  it("prints the URL, the OTLP endpoint, the new keys and the env line, then stops on the signal", async () => {
    const { code, out, err } = await cli(["serve", "--port", "0", "--data-dir", tempDir()]);
    assert.equal(code, 0, err);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    assert.ok(url !== undefined, out);
    assert.match(out, new RegExp(`OTLP traces endpoint: ${url}/api/public/otel/v1/traces`));
    assert.match(out, new RegExp(`Web UI: +${url}/\n`));
    const publicKey = /public key: (pk-sl-\w+)/.exec(out)?.[1];
    const secretKey = /secret key: (sk-sl-\w+)/.exec(out)?.[1];
    assert.ok(publicKey !== undefined && secretKey !== undefined);
    assert.ok(out.includes(`SIGHTLINE_BASE_URL=${url} SIGHTLINE_PUBLIC_KEY=${publicKey} SIGHTLINE_SECRET_KEY=${secretKey}`));
    assert.match(err, /Sightline stopped\./);
  });

  it("prints the first-start key pair again on later starts, from the owner-only file in the data dir", async () => {
    const dataDir = tempDir();
    const first = await cli(["serve", "--port", "0", "--data-dir", dataDir]);
    const secretKey = /secret key: (sk-sl-\w+)/.exec(first.out)![1]!;
    const second = await cli(["serve", "--port", "0", "--data-dir", dataDir]);
    assert.match(second.out, /created at first start; kept in the data dir/);
    assert.ok(second.out.includes(`SIGHTLINE_SECRET_KEY=${secretKey}`), second.out);
    assert.equal(statSync(join(dataDir, "default-project-key.json")).mode & 0o777, 0o600);
  });

  it("does not print a secret once its file is gone", async () => {
    const dataDir = tempDir();
    const first = await cli(["serve", "--port", "0", "--data-dir", dataDir]);
    const secretKey = /secret key: (sk-sl-\w+)/.exec(first.out)![1]!;
    rmSync(join(dataDir, "default-project-key.json"));
    const second = await cli(["serve", "--port", "0", "--data-dir", dataDir]);
    assert.ok(!second.out.includes(secretKey));
    assert.match(second.out, /secrets were shown when created/);
    assert.match(second.out, /SIGHTLINE_SECRET_KEY=<your secret key>/);
  });

  it("does not offer a remembered key pair that was revoked", async () => {
    const dataDir = tempDir();
    const first = await cli(["serve", "--port", "0", "--data-dir", dataDir]);
    const publicKey = /public key: (pk-sl-\w+)/.exec(first.out)![1]!;
    const secretKey = /secret key: (sk-sl-\w+)/.exec(first.out)![1]!;
    const revoked = await cli(["keys", "revoke", publicKey, "--data-dir", dataDir]);
    assert.equal(revoked.code, 0, revoked.err);
    const second = await cli(["serve", "--port", "0", "--data-dir", dataDir]);
    assert.ok(!second.out.includes(secretKey), second.out);
    assert.ok(!second.out.includes(publicKey), "a revoked key is not offered");
  });
});

describe("sightline keys", () => {
  it("creates, lists and revokes keys; list never shows a secret", async () => {
    const dataDir = tempDir();
    const created = await cli(["keys", "create", "--note", "CI pipeline", "--data-dir", dataDir]);
    assert.equal(created.code, 0, created.err);
    const secretKey = /secret key: (sk-sl-\w+)/.exec(created.out)![1]!;
    const id = /\(id ([0-9a-f-]+)\)/.exec(created.out)![1]!;

    const listed = await cli(["keys", "list", "--data-dir", dataDir]);
    assert.equal(listed.code, 0);
    assert.ok(!listed.out.includes(secretKey));
    assert.match(listed.out, /^ID\s+PUBLIC KEY\s+SECRET KEY\s+CREATED\s+STATUS\s+NOTE$/m);
    assert.match(listed.out, new RegExp(`${id}.*sk-sl-\\.\\.\\.${secretKey.slice(-4)}.*active\\s+CI pipeline`));

    const revoked = await cli(["keys", "revoke", id, "--data-dir", dataDir]);
    assert.equal(revoked.code, 0);
    assert.match(revoked.out, /Revoked key/);
    const again = await cli(["keys", "revoke", id, "--data-dir", dataDir]);
    assert.match(again.out, /was already revoked/);

    const json = JSON.parse((await cli(["keys", "list", "--json", "--data-dir", dataDir])).out) as Array<{ id: string; revokedAt: string | null; note: string }>;
    assert.equal(json.length, 1);
    assert.equal(json[0]!.id, id);
    assert.match(json[0]!.revokedAt ?? "", /^\d{4}-/);
  });

  it("revokes by public key too, and says so when no key matches (exit 1)", async () => {
    const dataDir = tempDir();
    const created = await cli(["keys", "create", "--data-dir", dataDir]);
    const publicKey = /public key: (pk-sl-\w+)/.exec(created.out)![1]!;
    assert.equal((await cli(["keys", "revoke", publicKey, "--data-dir", dataDir])).code, 0);
    const missing = await cli(["keys", "revoke", "nope", "--data-dir", dataDir]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no API key with id or public key "nope"/);
  });

  it("keeps projects apart with --project", async () => {
    const dataDir = tempDir();
    await cli(["keys", "create", "--project", "team-b", "--data-dir", dataDir]);
    const defaultList = await cli(["keys", "list", "--data-dir", dataDir]);
    assert.match(defaultList.out, /has no API keys/);
    const teamList = JSON.parse((await cli(["keys", "list", "--json", "--project", "team-b", "--data-dir", dataDir])).out) as unknown[];
    assert.equal(teamList.length, 1);
  });

  it("exits 2 for a missing or unknown subcommand and for revoke without an id", async () => {
    assert.match((await cli(["keys"])).err, /Missing subcommand: create, list or revoke/);
    assert.equal((await cli(["keys", "rotate"])).code, 2);
    assert.equal((await cli(["keys", "revoke", "--data-dir", tempDir()])).code, 2);
  });
});

describe("the sightline executable", () => {
  it("is a Node script with a shebang, and runs", async () => {
    assert.ok(readFileSync(MAIN, "utf8").startsWith("#!/usr/bin/env node\n"));
    assert.ok(statSync(MAIN).isFile());
    const { stdout } = await promisify(execFile)(process.execPath, [MAIN, "--version"]);
    assert.equal(stdout.trim(), "0.1.0");
  });
});
