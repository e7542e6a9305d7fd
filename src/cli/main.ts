#!/usr/bin/env node
/**
 * @module cli/main
 * The `kairos` executable: runs the CLI and exits with its code.
 *
 * When the reader of stdout or stderr goes away (`kairos jobs list | head`), Node reports EPIPE
 * as an error event on the stream, which would crash with a stack: it is dropped instead, and
 * the command ends as it would have (a long-running one keeps running until it is stopped).
 */
import { runCli } from "./program.js";
import { processIo } from "./output.js";

for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
}

const code = await runCli(process.argv.slice(2), processIo);
process.exitCode = code;
