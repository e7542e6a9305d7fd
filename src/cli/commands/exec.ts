/**
 * @module cli/commands/exec
 * `kairos exec FN`: run one function once, in this process (the container of a CronJob exported
 * in mode `run`, or by hand). With a store (`--store`, `KAIROS_STORE`, `store:` in kairos.yaml,
 * or an existing default store), the run is a real job of that store, run by this process only
 * (runtime/exec: an ExclusiveClaim) and recorded like any other; without one it runs on an
 * in-memory store and is only printed. `KAIROS_JOB_NAME` (a Kubernetes Job's name) makes the
 * job's idempotency key, so the pods of one Job make one Kairos job, one attempt per pod.
 * Exit codes: 0 succeeded, 1 failed (or cancelled, stopped, still retrying), 2 bad input.
 */
import fs from "node:fs";
import type { Command } from "commander";
import type { ResolvedConfig } from "../../config/index.js";
import { KairosError, UnknownFunctionError, ValidationError } from "../../core/errors.js";
import { closest } from "../../core/suggest.js";
import type { ExclusiveClaim, JobLogLine, Kairos, RunOnceOutcome } from "../../index.js";
import { DEFAULT_STORE_URL } from "../../stores/default-store-url.js";
import { chooseStore, maybeLoadConfig, openEngine, type GlobalOptions } from "../context.js";
import { onNextStopSignal } from "../dev/stop-signal.js";
import { durationFlag, jsonFlag } from "../flags.js";
import type { Io } from "../output.js";

/** Flags of `kairos exec`. */
interface ExecFlags {
  payload?: unknown;
  payloadFile?: unknown;
  lease: number;
  json?: boolean;
}

/** The idempotency key of the job of Kubernetes Job `name` (`KAIROS_JOB_NAME`). */
export function k8sJobKey(name: string): string {
  return `k8s-job:${name}`;
}

/** Register `kairos exec`. */
export function registerExec(
  program: Command,
  io: Io,
  globals: () => GlobalOptions,
  run: (body: () => Promise<void>) => Promise<void>,
): void {
  program
    .command("exec")
    .description("run one function once in this process, recorded in the store when there is one")
    .argument("<fn>", "function name (declared in kairos.yaml)")
    .option(
      "--payload <json>",
      "payload: JSON, @FILE, or - for stdin (default {})",
      jsonFlag("--payload", io),
    )
    .option("--payload-file <file>", "read the payload from this JSON file", (value: string) =>
      jsonFlag("--payload-file", io)(`@${value}`),
    )
    .option(
      "--lease <duration>",
      "how long the job stays held by this process without a heartbeat (a kill -9 is noticed after it)",
      durationFlag("--lease"),
      30_000,
    )
    .option("--json", "print { jobId, state, result, error, attempts } (logs go to stderr)")
    .addHelpText(
      "after",
      `
Runs FN from kairos.yaml once, here, through the same attempt path as a worker (timeout,
retries with backoff, logs). Its log lines are printed (warn/error on stderr).

Recording: with a store (--store, KAIROS_STORE, store: in kairos.yaml, or an existing
.kairos/kairos.db) the run is a job of that store, run by this process only and visible in
kairos jobs and the dashboard. With no store configured it runs in memory and is only printed.

KAIROS_JOB_NAME (set by the CronJobs of kairos k8s export, mode run): the job's idempotency key
is derived from it, so a pod restarted for the same Kubernetes Job continues the same job, one
attempt per pod (the Job's backoffLimit is the function's retries); a job that already
succeeded is not run again.

Exit codes: 0 succeeded; 1 failed, timed out, cancelled, stopped or left retrying; 2 bad input.

Examples:
  kairos exec send-report --payload '{"region":"eu"}'
  kairos exec import --payload-file batch.json --json`,
    )
    .action((fn: string, flags: ExecFlags) =>
      run(async () => {
        const config = await maybeLoadConfig(globals()).catch(asInput);
        const payload = payloadOf(flags);
        const only = onlyFunction(config, fn);
        const jobName = process.env.KAIROS_JOB_NAME?.trim() || undefined;
        // The engine loads with the command that runs one, not at CLI start-up.
        const { ExclusiveClaim, runOnce } = await import("../../index.js");
        const exclusive = new ExclusiveClaim({
          holdMs: flags.lease,
          ...(jobName !== undefined ? { maxClaims: 1 } : {}),
        });
        const kairos = await openExecEngine(globals(), config, io, exclusive);
        const off = onNextStopSignal(() => void kairos.stop({ drainMs: 0 }));
        try {
          const { defineConfigFunctions } = await import("../../config/define-functions.js");
          await defineConfigFunctions(kairos, only);
          const outcome = await runOnce(
            kairos,
            exclusive,
            {
              fn,
              payload,
              leaseMs: flags.lease,
              ...(jobName !== undefined
                ? { idempotencyKey: k8sJobKey(jobName), oneAttempt: true }
                : {}),
              onLog: (line) => printLog(io, line, flags.json === true),
            },
            Date.now,
          ).catch(asInput);
          report(io, outcome, flags.json === true);
        } finally {
          off();
          await kairos.stop();
        }
      }),
    );
}

/** The payload of `--payload` or `--payload-file` (not both); `{}` when neither is given. */
function payloadOf(flags: ExecFlags): unknown {
  if (flags.payload !== undefined && flags.payloadFile !== undefined) {
    throw new ValidationError("--payload and --payload-file cannot be used together: give one");
  }
  return flags.payload ?? flags.payloadFile ?? {};
}

/**
 * kairos.yaml with only the function named `fn`, else a bad-input error (its cause the usual
 * UnknownFunctionError, with the closest declared name).
 */
function onlyFunction(config: ResolvedConfig | null, fn: string): ResolvedConfig {
  const found = config?.functions.find((f) => f.name === fn);
  if (config && found) return { ...config, functions: [found] };
  const names = config?.functions.map((f) => f.name) ?? [];
  const suggestion = closest(fn, names);
  const where =
    config === null
      ? "there is no kairos.yaml here (give --config FILE)"
      : `${config.file} declares no such function`;
  throw new ValidationError(
    `unknown function ${JSON.stringify(fn)}: ${where}` +
      (suggestion === null ? "" : `; did you mean ${JSON.stringify(suggestion)}?`),
    { cause: new UnknownFunctionError(fn, suggestion) },
  );
}

/**
 * An engine for the run: on the configured store (recorded), or in memory (printed only) when
 * none is configured. Its job store is seen through `exclusive`.
 */
async function openExecEngine(
  options: GlobalOptions,
  config: ResolvedConfig | null,
  io: Io,
  exclusive: ExclusiveClaim,
): Promise<Kairos> {
  const wrapJobStore = exclusive.wrap.bind(exclusive);
  if (hasStore(options, config)) {
    return (await openEngine(options, config, io, { wrapJobStore })).kairos;
  }
  io.err("kairos: no store configured: the run is printed, not recorded");
  const { createKairos } = await import("../../index.js");
  return createKairos({
    store: "sqlite::memory:",
    wrapJobStore,
    ...(config?.maxPayloadBytes !== undefined ? { maxPayloadBytes: config.maxPayloadBytes } : {}),
  });
}

/** A store is configured: by flag, environment or kairos.yaml, or the default one exists. */
function hasStore(options: GlobalOptions, config: ResolvedConfig | null): boolean {
  const choice = chooseStore(options, config);
  if (choice.origin !== "default") return true;
  return fs.existsSync(DEFAULT_STORE_URL.replace(/^sqlite:/, ""));
}

/** A log line: info and debug on stdout, warn and error on stderr (all on stderr with --json). */
function printLog(io: Io, line: JobLogLine, json: boolean): void {
  const toErr = json || line.level === "warn" || line.level === "error";
  if (toErr) io.err(line.message);
  else io.out(line.message);
}

/** Print the outcome; throw (exit 1) unless the job succeeded. */
function report(io: Io, outcome: RunOnceOutcome, json: boolean): void {
  const { jobId, state, result, error, attempts, job } = outcome;
  if (json) io.out(JSON.stringify({ jobId, state, result, error, attempts }));
  const what = `job ${jobId} (${job.fn})`;
  if (outcome.kind === "held_elsewhere") {
    throw new ExecFailed(
      `${what} is ${state} in another process: not run here; when its lease expires, ` +
        `lease recovery by the leader (kairos server/dev) retries it`,
    );
  }
  const verb = outcome.kind === "finished_before" ? "had already " : "";
  const attempt = `attempt ${attempts}/${job.maxAttempts}`;
  if (state === "succeeded") {
    const line = `${what} ${verb}succeeded (${attempt}): ${JSON.stringify(result) ?? "null"}`;
    if (outcome.kind === "finished_before") io.err(`kairos: ${line}; not run again`);
    else if (!json) io.out(line);
    return;
  }
  const why = error ? `: ${error.name}: ${error.message}` : "";
  throw new ExecFailed(`${what} ${verb}${state} after ${attempt}${why}`);
}

/** The job did not succeed (exit 1). */
class ExecFailed extends Error {}

/** Errors of the input (unknown function, bad payload, conflicting key) exit 2. */
function asInput(error: unknown): never {
  if (error instanceof KairosError && INPUT_CODES.has(error.code)) {
    if (error.code === "VALIDATION") throw error;
    throw new ValidationError(error.message, { cause: error });
  }
  throw error;
}

const INPUT_CODES: ReadonlySet<string> = new Set([
  "VALIDATION",
  "UNKNOWN_FUNCTION",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "CONFIG",
]);
