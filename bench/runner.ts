/**
 * @module bench/runner
 * Runs one scenario in a forked child (see bench/child.ts for why) with a fresh temp dir that
 * the parent creates and always removes, even when the child crashes or times out.
 */
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildOutcome, ScenarioName, ScenarioRequest } from "./types.js";

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));

export interface RunOptions {
  readonly jobs: number;
  readonly lagJobs: number;
  readonly schedWindowMs: number;
  readonly timeoutMs: number;
  /** When set, children run with `--cpu-prof` and write profiles here. */
  readonly cpuProfDir: string | undefined;
}

export function runInChild(scenario: ScenarioName, options: RunOptions): Promise<ChildOutcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-bench-"));
  const request: ScenarioRequest = {
    scenario,
    jobs: options.jobs,
    lagJobs: options.lagJobs,
    schedWindowMs: options.schedWindowMs,
    dir,
  };
  const execArgv = [...process.execArgv];
  if (options.cpuProfDir !== undefined) {
    // One sub-directory per scenario; node names each file by pid and thread, and tsx's
    // loader runs on its own thread, so the main thread's profile is the largest file.
    execArgv.push("--cpu-prof", `--cpu-prof-dir=${path.resolve(options.cpuProfDir, scenario)}`);
  }
  // tsx runs us as `node --require …preflight.cjs --import …loader.mjs`; inheriting execArgv
  // lets the child load TypeScript the same way.
  const child = fork(CHILD, [JSON.stringify(request)], {
    execArgv,
    stdio: ["ignore", 2, 2, "ipc"],
  });

  return new Promise((resolve) => {
    let outcome: ChildOutcome | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("message", (message) => {
      outcome = message as ChildOutcome;
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
      if (outcome !== undefined) {
        resolve(outcome);
        return;
      }
      const why = timedOut
        ? `timed out after ${options.timeoutMs} ms`
        : `exited (code ${code}, signal ${signal}) without a report`;
      resolve({ ok: false, failure: { scenario, error: `child ${why}` } });
    });
  });
}
