export { runCli, MAIN_HELP } from "./cli.js";
export type { Command } from "./cli.js";
export { processIo, EXIT } from "./cli-io.js";
export type { CliIo } from "./cli-io.js";
export { runServe, SERVE_HELP } from "./serve.js";
export { runKeys, KEYS_HELP } from "./keys.js";
export { runRetention, RETENTION_HELP } from "./retention.js";
export { runDemo, DEMO_HELP } from "./demo.js";
export { UsageError } from "./usage-error.js";
