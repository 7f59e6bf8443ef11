// `sightline retention` in-process on a real data dir: show, set days, back to the server default,
// per project, and usage errors with exit code 2.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "sightline";
import type { CliIo } from "sightline";
import { openStore, resolveServerConfig } from "@sightline/server";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sightline-cli-retention-"));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line), env, untilStopSignal: () => Promise.resolve("SIGTERM") };
  const code = await runCli(args, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** The retention the store holds, read through the store itself. */
async function stored(dataDir: string): Promise<Record<string, number | null>> {
  const store = await openStore(resolveServerConfig({ dataDir }, {}));
  try {
    return Object.fromEntries((await store.listProjectRetention()).map((r) => [r.projectId, r.retentionDays]));
  } finally {
    await store.close();
  }
}

describe("sightline retention", () => {
  it("sets a project's days, shows them, and returns it to the server default with --off", async () => {
    const dataDir = tempDir();
    assert.equal((await cli(["keys", "create", "--data-dir", dataDir])).code, 0);
    assert.equal((await cli(["keys", "create", "--project", "team-b", "--data-dir", dataDir])).code, 0);

    const set = await cli(["retention", "--days", "30", "--data-dir", dataDir]);
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /Project "default" now keeps traces for: 30 days/);
    assert.deepEqual(await stored(dataDir), { default: 30, "team-b": null });

    const shown = await cli(["retention", "--data-dir", dataDir], { SIGHTLINE_RETENTION_DAYS: "90" });
    assert.equal(shown.out, "default: 30 days\nteam-b: server default (90 days)");
    const one = JSON.parse((await cli(["retention", "--project", "team-b", "--json", "--data-dir", dataDir])).out) as unknown;
    assert.deepEqual(one, [{ projectId: "team-b", retentionDays: null, serverDefaultDays: null }]);

    assert.equal((await cli(["retention", "--project", "team-b", "--days", "7", "--data-dir", dataDir])).code, 0);
    const off = await cli(["retention", "--off", "--data-dir", dataDir]);
    assert.match(off.out, /"default" now keeps traces for: server default \(keep forever\)/);
    assert.deepEqual(await stored(dataDir), { default: null, "team-b": 7 });
  });

  it("fails with exit 1 for an unknown project", async () => {
    const dataDir = tempDir();
    await cli(["keys", "create", "--data-dir", dataDir]);
    const missing = await cli(["retention", "--project", "nope", "--days", "3", "--data-dir", dataDir]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /No project "nope"\. Projects: default/);
    assert.equal((await cli(["retention", "--project", "nope", "--data-dir", dataDir])).code, 1);
  });

  it("exits 2 for bad days, --days with --off, and stray arguments", async () => {
    for (const [args, message] of [
      [["--days", "0"], /--days must be an integer from 1 to 36500, got "0"/],
      [["--days", "1.5"], /--days must be an integer/],
      [["--days", "5", "--off"], /either --days <n> or --off, not both/],
      [["forever"], /retention takes no arguments/],
      [["--days", "5", "--json"], /--json applies when showing/],
    ] as const) {
      const result = await cli(["retention", ...args, "--data-dir", tempDir()]);
      assert.equal(result.code, 2, args.join(" "));
      assert.match(result.err, message);
      assert.match(result.err, /sightline retention --help/);
    }
    const help = await cli(["retention", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage:\s+sightline retention/m);
    assert.match((await cli(["--help"])).out, /^ {2}retention /m);
  });
});
