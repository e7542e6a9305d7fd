/**
 * @module executors/command
 * The `command` executor: a job is one child process, started from an argv array (never a
 * shell string, so a payload can never inject shell syntax). The child leads its own process
 * group; on abort or timeout the whole group gets SIGTERM, then SIGKILL after a 2 s grace, and
 * when the child exits any process it left behind in its group is terminated the same way, so
 * no attempt leaves orphans (a descendant that starts its own session with setsid escapes the
 * group and is out of reach).
 *
 * Lifecycle of one attempt: spawned → (exited | terminating → exited) → closed (stdio at
 * EOF) → settled. Settling waits for the pipes to close so no output is lost, but never past
 * SIGKILL plus one second: a process outside the group holding a pipe cannot hang the job.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { ValidationError } from "../core/errors.js";
import type { ExecutorHandler, JobContext } from "../ports/executor.js";
import { abortReason } from "./abort.js";
import {
  commandOutcome,
  spawnFailure,
  type CommandExecutorResult,
  type ProcessExit,
  type RunOptions,
  type StopReason,
} from "./command-outcome.js";
import { LineForwarder, TailBuffer } from "./command-output.js";
import { OUTPUT_LIMIT_BYTES, isValidTimeoutMs } from "./limits.js";
import { signalProcessGroup } from "./process-group.js";

/** How a `command` function runs its process. */
export interface CommandExecutorSpec {
  /** The argv: executable (a path, or a name looked up on PATH) then its arguments. Never a shell string. */
  command: readonly string[];
  /** Extra environment variables (over the inherited ones unless `inheritEnv` is false). */
  env?: Record<string, string>;
  /** Working directory (default: the worker's). */
  cwd?: string;
  /**
   * Kill the process group after this many ms (the job's own timeout applies as well). null or
   * absent: no own timeout.
   */
  timeoutMs?: number | null;
  /**
   * Start from the worker's environment (default true). When false the child sees only `env`
   * and the KAIROS_* variables; without a PATH in `env`, executables are looked up in
   * /usr/bin:/bin.
   */
  inheritEnv?: boolean;
}

export type { CommandExecutorResult } from "./command-outcome.js";

/** Time between SIGTERM and SIGKILL to the process group. */
export const KILL_GRACE_MS = 2_000;
/** After SIGKILL, how long to wait for the pipes to close before settling anyway. */
const CLOSE_WAIT_MS = 1_000;
/** At most this many stdout/stderr lines per attempt go to the job log. */
export const MAX_LOG_LINES = 200;
/**
 * A payload whose JSON is longer than this is not put in KAIROS_PAYLOAD (Linux refuses an
 * environment string over 128 KiB); the child reads it from stdin instead.
 */
const MAX_ENV_PAYLOAD_CHARS = 100 * 1024;

/**
 * A handler that runs `spec.command` once per attempt. The payload is given as JSON on stdin
 * and in KAIROS_PAYLOAD, with KAIROS_JOB_ID, KAIROS_ATTEMPT and KAIROS_FUNCTION (these win
 * over `env`). stdout lines are logged at "info", stderr lines at "warn" (200 lines at most).
 *
 * Exit 0 resolves with `{ exitCode: 0, stdout, stderr }`. A non-zero exit, death by a signal,
 * the executor's own `timeoutMs`, or a failure to start (e.g. ENOENT for a missing
 * executable) throws CommandExecutorError (code "COMMAND_FAILED", `failure` says which, the
 * message ends with the stderr tail). When the job's signal aborts, the process group is
 * killed and the signal's reason is thrown once the child is gone.
 *
 * The spec is checked here, once: a bad argv, env, cwd or timeout throws ValidationError.
 */
export function createCommandHandler(
  spec: CommandExecutorSpec,
): ExecutorHandler<CommandExecutorResult> {
  const argv = checkArgv(spec.command);
  const shown = showCommand(argv);
  const where = `command executor ${shown}`;
  const env = { ...(spec.env ?? {}) };
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== "string" || name === "" || name.includes("=") || /\0/.test(name + value)) {
      throw new ValidationError(
        `${where}: env ${JSON.stringify(name)} must be a string without NUL, and its name non-empty without "="`,
      );
    }
  }
  if (spec.cwd !== undefined && (typeof spec.cwd !== "string" || spec.cwd === "")) {
    throw new ValidationError(`${where}: cwd must be a non-empty string, got ${String(spec.cwd)}`);
  }
  const timeoutMs = spec.timeoutMs ?? undefined;
  if (timeoutMs !== undefined && !isValidTimeoutMs(timeoutMs)) {
    throw new ValidationError(
      `${where}: timeoutMs must be a number of ms in 1..2147483647, got ${String(timeoutMs)}`,
    );
  }
  const options: RunOptions = {
    argv,
    shown,
    env,
    cwd: spec.cwd,
    timeoutMs,
    inheritEnv: spec.inheritEnv ?? true,
  };
  return (payload, ctx) => runCommand(options, payload, ctx);
}

function runCommand(
  options: RunOptions,
  payload: unknown,
  ctx: JobContext,
): Promise<CommandExecutorResult> {
  if (ctx.signal.aborted) return Promise.reject(abortReason(ctx.signal));
  const payloadJson = JSON.stringify(payload ?? null);
  const env = childEnv(options, payloadJson, ctx);

  return new Promise<CommandExecutorResult>((resolve, reject) => {
    const output = outputSinks(ctx);
    let stopReason: StopReason | null = null;
    let exit: ProcessExit | null = null;
    let spawnError: NodeJS.ErrnoException | null = null;
    let settled = false;
    let timeoutTimer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let giveUpTimer: NodeJS.Timeout | undefined;

    let child: ChildProcess;
    try {
      child = spawnGroupLeader(options, env);
    } catch (error) {
      reject(spawnFailure(options, error as NodeJS.ErrnoException));
      return;
    }
    const pid = child.pid;

    const onAbort = (): void => terminate("abort");
    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(giveUpTimer);
      // Keep the SIGKILL pending while anything of the group may be left.
      if (pid === undefined || !signalProcessGroup(pid, 0)) clearTimeout(killTimer);
      ctx.signal.removeEventListener("abort", onAbort);
      closeStdio(child, output.lines);
      const outcome = commandOutcome(options, ctx.signal, { stopReason, exit, spawnError, output });
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };

    /** SIGTERM to the group now, SIGKILL after the grace, settle at the latest 1 s later. */
    const terminate = (reason: StopReason): void => {
      if (stopReason !== null || settled || pid === undefined) return;
      stopReason = reason;
      signalProcessGroup(pid, "SIGTERM");
      killTimer = setTimeout(() => {
        if (signalProcessGroup(pid, 0)) signalProcessGroup(pid, "SIGKILL");
        if (settled) return;
        clearTimeout(giveUpTimer);
        giveUpTimer = setTimeout(settle, CLOSE_WAIT_MS);
      }, KILL_GRACE_MS);
    };

    child.on("error", (error: NodeJS.ErrnoException) => {
      // Only a failed spawn matters here (no pid); Kairos never calls child.kill().
      if (child.pid !== undefined) return;
      spawnError = error;
      settle();
    });
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      if (pid === undefined) return;
      if (stopReason === null && signalProcessGroup(pid, 0)) {
        output.lines.note(
          "the command exited but processes it started are still running in its process group; terminating them",
          "warn",
        );
        terminate("leftovers");
      }
      // Stdio should close now; if a process outside the group holds a pipe, settle anyway.
      if (!settled && giveUpTimer === undefined) {
        giveUpTimer = setTimeout(settle, KILL_GRACE_MS + CLOSE_WAIT_MS);
      }
    });
    child.on("close", settle);
    wireStdio(child, output, payloadJson);

    if (pid === undefined) return; // Spawn failed: the "error" event settles.
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      timeoutTimer = setTimeout(() => terminate("timeout"), options.timeoutMs);
    }
  });
}

/** Where the child's output goes: tails for the result and error, lines for the job log. */
interface OutputSinks {
  stdout: TailBuffer;
  stderr: TailBuffer;
  lines: LineForwarder;
}

/** The child leads its own process group (detached), so the whole group can be signalled. */
function spawnGroupLeader(options: RunOptions, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(options.argv[0], options.argv.slice(1), {
    shell: false,
    detached: true,
    cwd: options.cwd,
    env,
    stdio: ["pipe", "pipe", "pipe"],
    windowsHide: true,
  });
}

function outputSinks(ctx: JobContext): OutputSinks {
  return {
    stdout: new TailBuffer(OUTPUT_LIMIT_BYTES),
    stderr: new TailBuffer(OUTPUT_LIMIT_BYTES),
    lines: new LineForwarder((message, level) => ctx.log(message, level), MAX_LOG_LINES),
  };
}

/**
 * stdout lines are logged as info, stderr lines as warn, and both keep a tail; the payload is
 * written to stdin, which is then closed.
 */
function wireStdio(child: ChildProcess, output: OutputSinks, payloadJson: string): void {
  const { stdout, stderr, lines } = output;
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout.push(chunk);
    lines.write("info", chunk);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr.push(chunk);
    lines.write("warn", chunk);
  });
  // A child that exits without reading stdin makes the write fail with EPIPE: not an error.
  child.stdin?.on("error", () => undefined);
  child.stdin?.end(payloadJson);
}

/** On settling: release the pipes and flush the last partial line to the job log. */
function closeStdio(child: ChildProcess, lines: LineForwarder): void {
  child.stdout?.destroy();
  child.stderr?.destroy();
  child.stdin?.destroy();
  lines.finish();
}

function childEnv(options: RunOptions, payloadJson: string, ctx: JobContext): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = options.inheritEnv ? { ...process.env } : {};
  Object.assign(env, options.env, {
    KAIROS_JOB_ID: ctx.jobId,
    KAIROS_ATTEMPT: String(ctx.attempt),
    KAIROS_FUNCTION: ctx.fn,
  });
  if (payloadJson.length <= MAX_ENV_PAYLOAD_CHARS) {
    env.KAIROS_PAYLOAD = payloadJson;
  } else {
    delete env.KAIROS_PAYLOAD;
    ctx.log(
      `payload is ${payloadJson.length} characters of JSON, too large for KAIROS_PAYLOAD; it is given on stdin only`,
      "warn",
    );
  }
  return env;
}

function checkArgv(command: unknown): readonly [string, ...string[]] {
  if (
    !Array.isArray(command) ||
    command.length === 0 ||
    !command.every((arg): arg is string => typeof arg === "string" && !arg.includes("\0"))
  ) {
    throw new ValidationError(
      `command executor: command must be a non-empty argv array of strings without NUL (not a shell string), got ${JSON.stringify(command)}`,
    );
  }
  const [executable, ...args] = command;
  if (executable === undefined || executable === "") {
    throw new ValidationError("command executor: command[0], the executable, must not be empty");
  }
  return [executable, ...args];
}

/** The argv as a reader would type it, cut to 200 characters, for messages. */
function showCommand(argv: readonly string[]): string {
  const text = argv
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg)))
    .join(" ");
  return `\`${text.length > 200 ? `${text.slice(0, 200)}…` : text}\``;
}
