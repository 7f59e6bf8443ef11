import { parseArgs } from "node:util";
import { DEFAULT_PROJECT, MAX_RETENTION_DAYS, openStore, resolveServerConfig } from "@sightline/server";
import type { ProjectRetention } from "@sightline/server";
import { EXIT } from "./cli-io.js";
import type { CliIo } from "./cli-io.js";
import { UsageError } from "./usage-error.js";

/** `sightline retention --help`. */
export const RETENTION_HELP = `Usage:
  sightline retention [--project <id>] [--data-dir <dir>] [--json]   show retention
  sightline retention [--project <id>] --days <n> [--data-dir <dir>]  keep <n> days of traces
  sightline retention [--project <id>] --off [--data-dir <dir>]       follow the server default

Shows or sets how long a project keeps its traces, in the data dir's database (it works while the
server runs; the server applies retention hourly). Traces that started more than <n> days ago are
deleted with their observations. Without its own setting a project follows SIGHTLINE_RETENTION_DAYS
(when that is unset, traces are kept forever). Without --project, showing lists every project.

Options:
  --project <id>      The project (default "default" when setting)
  --days <n>          Retention in days, 1 to ${MAX_RETENTION_DAYS}
  --off               Remove the project's own retention (the server default applies)
  --data-dir <dir>    Where the database lives (default ./.sightline, SIGHTLINE_DATA_DIR)
  --json              Machine-readable output (show)
  -h, --help          Show this help`;

/** "30 days" / "the server default (…)", for one project. */
function describe(retention: ProjectRetention, serverDays: number | undefined): string {
  const server = serverDays === undefined ? "keep forever" : `${serverDays} days`;
  return retention.retentionDays === null ? `server default (${server})` : `${retention.retentionDays} days`;
}

function parseDays(text: string): number {
  const days = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new UsageError(`--days must be an integer from 1 to ${MAX_RETENTION_DAYS}, got ${JSON.stringify(text)}.`, "retention");
  }
  return days;
}

/** `sightline retention`: shows or sets per-project retention, on the data dir's database directly. */
export async function runRetention(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      project: { type: "string" },
      days: { type: "string" },
      off: { type: "boolean" },
      "data-dir": { type: "string", short: "d" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help === true) {
    io.out(RETENTION_HELP);
    return EXIT.OK;
  }
  if (positionals.length > 0) throw new UsageError(`retention takes no arguments (got ${positionals.join(" ")}).`, "retention");
  if (values.days !== undefined && values.off === true) throw new UsageError("Use either --days <n> or --off, not both.", "retention");
  const days = values.days === undefined ? undefined : parseDays(values.days);
  const setting = days !== undefined || values.off === true;
  if (setting && values.json === true) throw new UsageError("--json applies when showing retention, not when setting it.", "retention");

  const config = resolveServerConfig({ dataDir: values["data-dir"] }, io.env);
  const store = await openStore(config);
  try {
    if (setting) {
      const projectId = values.project ?? DEFAULT_PROJECT.id;
      const retentionDays = days ?? null;
      if (!(await store.setProjectRetention(projectId, retentionDays))) {
        io.err(`No project ${JSON.stringify(projectId)}. Projects: ${(await store.listProjects()).map((p) => p.id).join(", ") || "none"}.`);
        return EXIT.FAILURE;
      }
      io.out(`Project "${projectId}" now keeps traces for: ${describe({ projectId, retentionDays }, config.retentionDays)}.`);
      return EXIT.OK;
    }
    const all = await store.listProjectRetention();
    const shown = values.project === undefined ? all : all.filter((r) => r.projectId === values.project);
    if (values.project !== undefined && shown.length === 0) {
      io.err(`No project ${JSON.stringify(values.project)}.`);
      return EXIT.FAILURE;
    }
    if (values.json === true) {
      io.out(JSON.stringify(shown.map((r) => ({ ...r, serverDefaultDays: config.retentionDays ?? null })), null, 2));
      return EXIT.OK;
    }
    for (const r of shown) io.out(`${r.projectId}: ${describe(r, config.retentionDays)}`);
    return EXIT.OK;
  } finally {
    await store.close();
  }
}
