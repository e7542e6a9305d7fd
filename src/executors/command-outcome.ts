/**
 * @module executors/command-outcome
 * What a settled `command` attempt amounts to: its result (exit code 0), or a
 * CommandExecutorError whose message says what happened (timeout, exit code, signal) with the
 * tail of stderr, or why the process could not be started (missing executable or working
 * directory, no execute permission). A decision over what the attempt observed; its only I/O
 * is one existsSync, to tell a missing working directory from a missing executable.
 */
import { existsSync } from "node:fs";
import { abortReason } from "./abort.js";
import type { TailBuffer } from "./command-output.js";
import { CommandExecutorError } from "./errors.js";
import { MESSAGE_SNIPPET_BYTES, keepTail } from "./limits.js";

/** The result of a command that exited 0. */
export interface CommandExecutorResult {
  exitCode: 0;
  /** The last 64 KiB of stdout, after a "[truncated …]" marker when more was written. */
  stdout: string;
  /** The last 64 KiB of stderr, likewise. */
  stderr: string;
}

/** A resolved command spec, as one attempt runs it. */
export interface RunOptions {
  argv: readonly [string, ...string[]];
  shown: string;
  env: Record<string, string>;
  cwd: string | undefined;
  timeoutMs: number | undefined;
  inheritEnv: boolean;
}

/** Why Kairos is terminating the process group, if it is. */
export type StopReason = "abort" | "timeout" | "leftovers";

/** How the child ended: `exit`'s arguments. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What one attempt observed, read once it settles. */
export interface RunObservation {
  stopReason: StopReason | null;
  exit: ProcessExit | null;
  spawnError: NodeJS.ErrnoException | null;
  /** The tails of the child's output. */
  output: { readonly stdout: TailBuffer; readonly stderr: TailBuffer };
}

/** What a settled attempt amounts to: its result, or the error to reject with. */
export function commandOutcome(
  options: RunOptions,
  signal: AbortSignal,
  run: RunObservation,
): CommandExecutorResult | Error {
  const stderrText = run.output.stderr.text();
  if (run.stopReason === "abort") return abortReason(signal);
  const common = {
    command: options.argv,
    exitCode: run.exit?.code ?? null,
    signal: run.exit?.signal ?? null,
    stderrTail: stderrText,
  };
  const tail = stderrSnippet(stderrText);
  if (run.spawnError) return spawnFailure(options, run.spawnError);
  if (run.stopReason === "timeout") {
    return new CommandExecutorError({
      ...common,
      failure: "timeout",
      message: `command ${options.shown} timed out after ${options.timeoutMs} ms (the executor's timeoutMs); its process group was killed${tail}`,
    });
  }
  if (run.exit?.code === 0)
    return { exitCode: 0, stdout: run.output.stdout.text(), stderr: stderrText };
  if (run.exit !== null && run.exit.code !== null) {
    return new CommandExecutorError({
      ...common,
      failure: "exit",
      message: `command ${options.shown} exited with code ${run.exit.code}${tail}`,
    });
  }
  return new CommandExecutorError({
    ...common,
    failure: "signal",
    message: `command ${options.shown} was killed by signal ${run.exit?.signal ?? "(unknown: it did not exit after SIGKILL)"}${tail}`,
  });
}

/** A spawn that failed, with its likely cause and what to check. */
export function spawnFailure(
  options: RunOptions,
  error: NodeJS.ErrnoException,
): CommandExecutorError {
  const executable = JSON.stringify(options.argv[0]);
  let why: string;
  if (error.code === "ENOENT" && options.cwd !== undefined && !existsSync(options.cwd)) {
    why = `working directory ${JSON.stringify(options.cwd)} does not exist (ENOENT)`;
  } else if (error.code === "ENOENT") {
    const pathHint =
      !options.inheritEnv && options.env.PATH === undefined
        ? " (inheritEnv is false and env sets no PATH, so only /usr/bin:/bin are searched)"
        : "";
    why = `executable ${executable} not found (ENOENT); check the path, or that it is on PATH${pathHint}`;
  } else if (error.code === "EACCES") {
    why = `executable ${executable} may not be run (EACCES); check that it is a file with execute permission`;
  } else {
    why = `${error.message}${error.code ? ` (${error.code})` : ""}`;
  }
  return new CommandExecutorError(
    {
      command: options.argv,
      failure: "spawn",
      exitCode: null,
      signal: null,
      stderrTail: "",
      errno: error.code ?? null,
      message: `cannot run command ${options.shown}: ${why}`,
    },
    { cause: error },
  );
}

function stderrSnippet(stderrText: string): string {
  const trimmed = stderrText.trim();
  return trimmed === ""
    ? " (no stderr output)"
    : `; stderr: ${keepTail(trimmed, MESSAGE_SNIPPET_BYTES)}`;
}
