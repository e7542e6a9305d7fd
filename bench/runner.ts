/**
 * @module bench/runner
 * Runs one scenario in a forked child (see bench/child.ts for why) with a fresh temp dir that
 * the parent creates and always removes, even when the child crashes or times out.
 * `forkOnce` is the generic part, shared with the PostgreSQL scenarios (bench/pg-main.ts).
 */
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BacklogShape, ChildOutcome, ScenarioName, ScenarioRequest } from "./types.js";

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));

export interface RunOptions {
  readonly jobs: number;
  readonly lagJobs: number;
  readonly schedWindowMs: number;
  readonly retainedJobs: number;
  readonly backlogJobs: number;
  readonly backlogShape: BacklogShape;
  readonly timeoutMs: number;
  /** When set, children run with `--cpu-prof` and write profiles here. */
  readonly cpuProfDir: string | undefined;
  /** Workflow scenarios: the store URL to use instead of a SQLite file in the temp dir. */
  readonly storeUrl?: string;
}

/**
 * The node flags of a child: ours (tsx runs us as `node --require …preflight.cjs --import
 * …loader.mjs`, so inheriting execArgv lets the child load TypeScript the same way), plus
 * `--cpu-prof` into `<cpuProfDir>/<name>` when profiling. Node names each profile by pid and
 * thread, and tsx's loader runs on its own thread, so the main thread's is the largest file.
 */
export function childExecArgv(cpuProfDir: string | undefined, name: string): string[] {
  const execArgv = [...process.execArgv];
  if (cpuProfDir !== undefined) {
    execArgv.push("--cpu-prof", `--cpu-prof-dir=${path.resolve(cpuProfDir, name)}`);
  }
  return execArgv;
}

/**
 * Fork `entry` with one JSON argument, keep the last IPC message it sends, and resolve when it
 * exits: with that message, or with why there is none (crash, or killed after `timeoutMs`).
 * The child's stdout goes to our stderr, so `--json` output stays clean.
 */
export function forkOnce<T>(
  entry: string,
  argument: unknown,
  options: { readonly execArgv: readonly string[]; readonly timeoutMs: number },
): Promise<{ readonly message: T } | { readonly error: string }> {
  const child = fork(entry, [JSON.stringify(argument)], {
    execArgv: [...options.execArgv],
    stdio: ["ignore", 2, 2, "ipc"],
  });
  return new Promise((resolve) => {
    let message: T | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("message", (m) => {
      message = m as T;
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (message !== undefined) {
        resolve({ message });
        return;
      }
      const why = timedOut
        ? `timed out after ${options.timeoutMs} ms`
        : `exited (code ${code}, signal ${signal}) without a report`;
      resolve({ error: `child ${why}` });
    });
  });
}

export async function runInChild(
  scenario: ScenarioName,
  options: RunOptions,
): Promise<ChildOutcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-bench-"));
  const request: ScenarioRequest = {
    scenario,
    jobs: options.jobs,
    lagJobs: options.lagJobs,
    schedWindowMs: options.schedWindowMs,
    retainedJobs: options.retainedJobs,
    backlogJobs: options.backlogJobs,
    backlogShape: options.backlogShape,
    dir,
    ...(options.storeUrl !== undefined ? { storeUrl: options.storeUrl } : {}),
    // The child gives up first, so that it can still report what went wrong.
    timeoutMs: Math.max(options.timeoutMs - 30_000, options.timeoutMs / 2),
  };
  try {
    const ran = await forkOnce<ChildOutcome>(CHILD, request, {
      execArgv: childExecArgv(options.cpuProfDir, scenario),
      timeoutMs: options.timeoutMs,
    });
    return "message" in ran ? ran.message : { ok: false, failure: { scenario, error: ran.error } };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
