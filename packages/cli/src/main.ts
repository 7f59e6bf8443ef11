#!/usr/bin/env node
// The `sightline` executable: runs the command line on the real process.
import { runCli } from "./cli.js";
import { processIo } from "./cli-io.js";

process.exitCode = await runCli(process.argv.slice(2), processIo());
