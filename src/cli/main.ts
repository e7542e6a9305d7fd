#!/usr/bin/env node
/**
 * @module cli/main
 * The `kairos` executable: runs the CLI and exits with its code.
 */
import { runCli } from "./program.js";
import { processIo } from "./output.js";

const code = await runCli(process.argv.slice(2), processIo);
process.exitCode = code;
