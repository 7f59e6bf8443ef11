import { SightlineError, errorMessage } from "@sightline/core";
import { SERVER_VERSION } from "@sightline/server";
import { EXIT } from "./cli-io.js";
import type { CliIo } from "./cli-io.js";
import { runDemo } from "./demo.js";
import { runKeys } from "./keys.js";
import { runRetention } from "./retention.js";
import { runServe } from "./serve.js";
import { UsageError } from "./usage-error.js";

/** A subcommand: gets its own arguments (after the command name), returns an exit code. */
export type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  serve: { run: runServe, summary: "Start the server (OTLP ingestion, REST API) on 127.0.0.1:3000" },
  keys: { run: runKeys, summary: "Create, list and revoke project API keys" },
  retention: { run: runRetention, summary: "Show or set how many days a project keeps its traces" },
  demo: { run: runDemo, summary: "Send realistic example traces to a running server" },
};

/** `sightline --help`. */
export const MAIN_HELP = `sightline ${SERVER_VERSION}: open-source LLM observability

Usage: sightline <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(11)}${c.summary}`)
  .join("\n")}

Run \`sightline <command> --help\` for a command's options.`;

/**
 * Runs the `sightline` command line and returns the exit code. Never throws: usage errors exit 2
 * with a pointer to `--help`, configuration errors exit 2 with their message, anything else exits 1.
 *
 * @example
 * process.exitCode = await runCli(["keys", "list"], processIo());
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(MAIN_HELP);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === "--version" || name === "-v") {
    io.out(SERVER_VERSION);
    return EXIT.OK;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.err(`Unknown command ${JSON.stringify(name)}.\n\n${MAIN_HELP}`);
    return EXIT.USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\nRun \`sightline ${error.command ?? name} --help\` for usage.`);
      return EXIT.USAGE;
    }
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      io.err(`${error.message}\nRun \`sightline ${name} --help\` for usage.`);
      return EXIT.USAGE;
    }
    if (error instanceof SightlineError) {
      io.err(`Error: ${error.message}`);
      return error.code === "invalid_config" ? EXIT.USAGE : EXIT.FAILURE;
    }
    io.err(`Error: ${errorMessage(error)}`);
    return EXIT.FAILURE;
  }
}
