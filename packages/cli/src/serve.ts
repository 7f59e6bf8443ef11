import { parseArgs } from "node:util";
import { errorMessage } from "@sightline/core";
import { consoleServerLogger, resolveServerConfig, SERVER_VERSION, startServer, TRACES_PATHS } from "@sightline/server";
import type { RunningServer } from "@sightline/server";
import { EXIT } from "./cli-io.js";
import type { CliIo } from "./cli-io.js";
import { integerFlag } from "./usage-error.js";

/** `sightline serve --help`. */
export const SERVE_HELP = `Usage: sightline serve [--port <n>] [--host <address>] [--data-dir <dir>]

Starts the Sightline server: OTLP/HTTP trace ingestion and the REST API, with an embedded SQLite
database in the data dir. On first start it creates the default project's API keys and prints them.

Options:
  --port <n>          Port to listen on; 0 picks a free one (default 3000, SIGHTLINE_PORT)
  --host <address>    Address to bind (default 127.0.0.1, SIGHTLINE_HOST). A non-loopback address
                      needs SIGHTLINE_ADMIN_PASSWORD.
  --data-dir <dir>    Where the database lives (default ./.sightline, SIGHTLINE_DATA_DIR)
  -h, --help          Show this help

Environment:
  SIGHTLINE_INIT_PUBLIC_KEY / SIGHTLINE_INIT_SECRET_KEY   create the default project's key pair with
                                                          exactly these values (idempotent)
  SIGHTLINE_MAX_BODY_BYTES     largest accepted request body (default 33554432 = 32 MiB)
  SIGHTLINE_INGEST_WORKERS     threads that decode OTLP bodies (default: cores - 1, at most 4; 0 = inline)
  SIGHTLINE_DATABASE_URL       a postgres:// URL selects PostgreSQL (?schema=name picks the schema)
  SIGHTLINE_ADMIN_PASSWORD     admin credentials (required to bind a non-loopback address)

Stop with Ctrl+C (SIGINT) or SIGTERM: in-flight requests finish, then the database closes.`;

function envLine(url: string, publicKey: string, secret: string): string {
  return `  SIGHTLINE_BASE_URL=${url} SIGHTLINE_PUBLIC_KEY=${publicKey} SIGHTLINE_SECRET_KEY=${secret}`;
}

/** The startup banner: where the server is, and the keys to send traces with. */
export function describeServer(server: RunningServer, usesInitKeys: boolean): string[] {
  const lines = [
    `Sightline ${SERVER_VERSION} is listening on ${server.url}`,
    `  Web UI:               ${server.url}/`,
    `  OTLP traces endpoint: ${server.url}${TRACES_PATHS[1]} (also ${server.url}${TRACES_PATHS[0]})`,
    `  REST API:             ${server.url}/api/public/traces`,
    `  Database:             ${server.databaseFile}`,
    "",
  ];
  const created = server.createdKey;
  const active = server.keys.filter((k) => k.revokedAtMs === null);
  if (created !== null && !usesInitKeys) {
    lines.push(
      `Created an API key pair for project "${server.project.name}" (kept in the data dir for the next starts):`,
      `  public key: ${created.publicKey}`,
      `  secret key: ${created.secretKey}`,
      "",
      "Send traces with:",
      envLine(server.url, created.publicKey, created.secretKey),
    );
  } else if (usesInitKeys && created !== null) {
    lines.push(
      `Created the key pair from SIGHTLINE_INIT_PUBLIC_KEY / SIGHTLINE_INIT_SECRET_KEY (public key ${created.publicKey}).`,
      "Send traces with:",
      envLine(server.url, created.publicKey, "<the value of SIGHTLINE_INIT_SECRET_KEY>"),
    );
  } else if (server.localKey !== null) {
    lines.push(
      `API key pair of project "${server.project.name}" (created at first start; kept in the data dir):`,
      `  public key: ${server.localKey.publicKey}`,
      `  secret key: ${server.localKey.secretKey}`,
      "",
      "Send traces with:",
      envLine(server.url, server.localKey.publicKey, server.localKey.secretKey),
    );
  } else if (active.length > 0) {
    lines.push(`API keys of project "${server.project.name}" (secrets were shown when created):`);
    for (const key of active) lines.push(`  ${key.publicKey}  ${key.displaySecretKey}${key.note === null ? "" : `  ${key.note}`}`);
    const first = active[0];
    if (first !== undefined) lines.push("", "Send traces with:", envLine(server.url, first.publicKey, "<your secret key>"));
    lines.push("Lost the secret? Create a new pair with `sightline keys create`.");
  } else {
    lines.push(`Project "${server.project.name}" has no active API key: create one with \`sightline keys create\`.`);
  }
  lines.push("", "Press Ctrl+C to stop.");
  return lines;
}

/** `sightline serve`: runs the server until SIGINT/SIGTERM, then shuts it down gracefully. */
export async function runServe(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", short: "p" },
      host: { type: "string" },
      "data-dir": { type: "string", short: "d" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    io.out(SERVE_HELP);
    return EXIT.OK;
  }
  const config = resolveServerConfig(
    { port: integerFlag("port", values.port, { min: 0, max: 65_535 }), host: values.host, dataDir: values["data-dir"] },
    io.env,
  );
  const server = await startServer(config, { logger: consoleServerLogger });
  // A stray rejection must not take the server (and its clients' data) down: log it and go on.
  const onRejection = (reason: unknown): void => consoleServerLogger.error(`Unhandled rejection: ${errorMessage(reason)}`, reason);
  process.on("unhandledRejection", onRejection);
  for (const line of describeServer(server, config.initKeys !== undefined)) io.out(line);

  const signal = await io.untilStopSignal();
  io.err(`Received ${signal}: finishing in-flight requests, then closing the database...`);
  await server.close();
  process.off("unhandledRejection", onRejection);
  io.err("Sightline stopped.");
  return EXIT.OK;
}
