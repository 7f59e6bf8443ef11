#!/usr/bin/env node
// Runs every test file (packages/*/test/*.test.ts) with Node's test runner and the tsx loader.
// Extra arguments are passed to `node --test` (e.g. `--test-name-pattern`), or name test files.
import { spawnSync } from "node:child_process";
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
let files = args.filter((a) => a.endsWith(".ts"));
const flags = args.filter((a) => !a.endsWith(".ts"));
if (files.length === 0) {
  for (const pkg of readdirSync(join(root, "packages"))) {
    const dir = join(root, "packages", pkg, "test");
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith(".test.ts")) files.push(join("packages", pkg, "test", f));
  }
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...flags, ...files],
  { cwd: root, stdio: "inherit" },
);
process.exit(result.status ?? 1);
