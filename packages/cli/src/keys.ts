import { parseArgs } from "node:util";
import { createApiKey, DEFAULT_PROJECT, openStore, resolveServerConfig } from "@sightline/server";
import type { ApiKeyRecord, TraceStore } from "@sightline/server";
import { EXIT } from "./cli-io.js";
import type { CliIo } from "./cli-io.js";
import { UsageError } from "./usage-error.js";

/** `sightline keys --help`. */
export const KEYS_HELP = `Usage:
  sightline keys create [--note <text>] [--project <id>] [--data-dir <dir>]
  sightline keys list   [--project <id>] [--data-dir <dir>] [--json]
  sightline keys revoke <key id or public key> [--project <id>] [--data-dir <dir>]

Manages the API keys of a project in the data dir's database (it works while the server runs; a
running server stops accepting a revoked key within SIGHTLINE_AUTH_CACHE_TTL_MILLIS, default 10 s).
Secret keys are stored hashed: \`create\` prints the secret once, \`list\` never shows it.

Options:
  --note <text>       A description stored with the key (create)
  --project <id>      The project (default "default"); created if it does not exist (create)
  --data-dir <dir>    Where the database lives (default ./.sightline, SIGHTLINE_DATA_DIR)
  --json              Machine-readable output (list)
  -h, --help          Show this help`;

const SUBCOMMANDS = ["create", "list", "revoke"] as const;

function keyStatus(key: ApiKeyRecord): string {
  return key.revokedAtMs === null ? "active" : `revoked ${new Date(key.revokedAtMs).toISOString()}`;
}

function keyToJson(key: ApiKeyRecord): Record<string, unknown> {
  return {
    id: key.id,
    projectId: key.projectId,
    publicKey: key.publicKey,
    secretKey: key.displaySecretKey,
    note: key.note,
    createdAt: new Date(key.createdAtMs).toISOString(),
    lastUsedAt: key.lastUsedAtMs === null ? null : new Date(key.lastUsedAtMs).toISOString(),
    revokedAt: key.revokedAtMs === null ? null : new Date(key.revokedAtMs).toISOString(),
  };
}

async function create(store: TraceStore, projectId: string, note: string | undefined, io: CliIo): Promise<number> {
  await store.ensureProject(projectId === DEFAULT_PROJECT.id ? DEFAULT_PROJECT : { id: projectId, name: projectId });
  const key = await createApiKey(store, projectId, { note: note ?? null });
  io.out(`Created an API key pair for project "${projectId}" (id ${key.record.id}). The secret key is shown only now:`);
  io.out(`  public key: ${key.publicKey}`);
  io.out(`  secret key: ${key.secretKey}`);
  io.out("");
  io.out("Send traces with:");
  io.out(`  SIGHTLINE_PUBLIC_KEY=${key.publicKey} SIGHTLINE_SECRET_KEY=${key.secretKey}`);
  return EXIT.OK;
}

async function list(store: TraceStore, projectId: string, json: boolean, io: CliIo): Promise<number> {
  const keys = await store.listApiKeys(projectId);
  if (json) {
    io.out(JSON.stringify(keys.map(keyToJson), null, 2));
    return EXIT.OK;
  }
  if (keys.length === 0) {
    io.out(`Project "${projectId}" has no API keys. Create one with \`sightline keys create\`.`);
    return EXIT.OK;
  }
  const rows = [["ID", "PUBLIC KEY", "SECRET KEY", "CREATED", "STATUS", "NOTE"]];
  for (const k of keys) {
    rows.push([k.id, k.publicKey, k.displaySecretKey, new Date(k.createdAtMs).toISOString(), keyStatus(k), k.note ?? ""]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) io.out(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd());
  return EXIT.OK;
}

async function revoke(store: TraceStore, projectId: string, target: string, io: CliIo): Promise<number> {
  const keys = await store.listApiKeys(projectId);
  const key = keys.find((k) => k.id === target || k.publicKey === target);
  if (key === undefined) {
    io.err(`Project "${projectId}" has no API key with id or public key ${JSON.stringify(target)}. See \`sightline keys list\`.`);
    return EXIT.FAILURE;
  }
  if (key.revokedAtMs !== null) {
    io.out(`Key ${key.id} (${key.publicKey}) was already revoked on ${new Date(key.revokedAtMs).toISOString()}.`);
    return EXIT.OK;
  }
  await store.revokeApiKey(projectId, key.id);
  io.out(`Revoked key ${key.id} (${key.publicKey}). Requests with it are refused with 401 from now on.`);
  return EXIT.OK;
}

/** `sightline keys create|list|revoke`: works on the data dir's database directly. */
export async function runKeys(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      note: { type: "string" },
      project: { type: "string" },
      "data-dir": { type: "string", short: "d" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help === true) {
    io.out(KEYS_HELP);
    return EXIT.OK;
  }
  const [sub, ...targets] = positionals;
  if (sub === undefined || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new UsageError(
      sub === undefined ? "Missing subcommand: create, list or revoke." : `Unknown subcommand ${JSON.stringify(sub)}: use create, list or revoke.`,
      "keys",
    );
  }
  if (sub === "revoke" && targets.length !== 1) throw new UsageError("keys revoke takes exactly one key id or public key.", "keys");
  if (sub !== "revoke" && targets.length > 0) throw new UsageError(`keys ${sub} takes no arguments (got ${targets.join(" ")}).`, "keys");

  const projectId = values.project ?? DEFAULT_PROJECT.id;
  const config = resolveServerConfig({ dataDir: values["data-dir"] }, io.env);
  const store = await openStore(config);
  try {
    if (sub === "create") return await create(store, projectId, values.note, io);
    if (sub === "list") return await list(store, projectId, values.json === true, io);
    return await revoke(store, projectId, targets[0]!, io);
  } finally {
    await store.close();
  }
}
