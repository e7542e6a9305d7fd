/**
 * `kairos exec FN` end to end, from the sources: exit codes (0 succeeded, 1 failed, 2 bad
 * input), the job recorded in the store like any other (state, error, attempts, logs), one job
 * per KAIROS_JOB_NAME (one attempt per pod), no store -> printed only, a `kairos dev` worker on
 * the same store never takes the exec's job, and a kill -9 of exec loses nothing (lease
 * recovery by a leader finishes the job). Always local: exec runs functions in its own process.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/async.js";
import { LOCAL, runKairos, startKairos } from "../helpers/cli.js";
import { tempDir } from "../helpers/kairos.js";

const CONFIG = `
store: sqlite:exec.db
functions:
  - { name: greet, kind: module, file: ./greet.mjs }
  - name: flaky
    kind: module
    file: ./flaky.mjs
    retries: 2
    backoff: { type: fixed, delay: 200ms }
  - { name: blocked, kind: module, file: ./blocked.mjs, retries: 1 }
`;

/** Logs, appends a line with its pid to runs.txt, returns a greeting and the pid. */
const GREET = `
import fs from "node:fs";
export default async (payload, ctx) => {
  ctx.log("hello " + payload.name);
  ctx.log("careful", "warn");
  fs.appendFileSync("runs.txt", process.pid + "\\n");
  return { greeting: "hi " + payload.name, pid: process.pid };
};
`;

/** Records each attempt's pid; fails until payload.failures attempts have failed. */
const FLAKY = `
import fs from "node:fs";
export default async (payload, ctx) => {
  fs.appendFileSync("flaky.txt", process.pid + "\\n");
  if (ctx.attempt <= payload.failures) throw new Error("boom on attempt " + ctx.attempt);
  return { pid: process.pid };
};
`;

/** Logs "started", then waits for the file "release". */
const BLOCKED = `
import fs from "node:fs";
export default async (payload, ctx) => {
  ctx.log("started attempt " + ctx.attempt);
  while (!fs.existsSync("release")) await new Promise((r) => setTimeout(r, 50));
  return { pid: process.pid };
};
`;

interface Outcome {
  jobId: string;
  state: string;
  result: { pid?: number; greeting?: string } | null;
  error: { message: string } | null;
  attempts: number;
}

interface ShownJob {
  id: string;
  state: string;
  attempt: number;
  error: { message: string } | null;
}

let dir: string;
beforeEach(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
  fs.writeFileSync(path.join(dir, "greet.mjs"), GREET);
  fs.writeFileSync(path.join(dir, "flaky.mjs"), FLAKY);
  fs.writeFileSync(path.join(dir, "blocked.mjs"), BLOCKED);
});

const kairos = (args: readonly string[], env: Record<string, string> = {}) =>
  runKairos(dir, args, { ...LOCAL, KAIROS_JOB_NAME: "", ...env });

async function showJob(id: string): Promise<ShownJob> {
  const shown = await kairos(["jobs", "show", id, "--json"]);
  expect(shown.code, shown.stderr).toBe(0);
  return JSON.parse(shown.stdout) as ShownJob;
}

function lines(file: string): string[] {
  const at = path.join(dir, file);
  return fs.existsSync(at) ? fs.readFileSync(at, "utf8").trim().split("\n") : [];
}

describe("kairos exec", { timeout: 240_000 }, () => {
  it("runs the function once, exits 0 and records the job as succeeded, with its logs", async () => {
    const run = await kairos(["exec", "greet", "--payload", '{"name":"ada"}', "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const outcome = JSON.parse(run.stdout) as Outcome;
    expect(outcome).toMatchObject({ state: "succeeded", error: null, attempts: 1 });
    expect(outcome.result?.greeting).toBe("hi ada");
    // Logs were printed (all on stderr with --json), and the handler ran in exec's process.
    expect(run.stderr).toContain("hello ada");
    expect(lines("runs.txt")).toEqual([String(outcome.result?.pid)]);

    const job = await showJob(outcome.jobId);
    expect(job).toMatchObject({ state: "succeeded", attempt: 1 });
    const logs = await kairos(["jobs", "logs", outcome.jobId]);
    expect(logs.stdout).toContain("hello ada");

    const human = await kairos(["exec", "greet", "--payload", '{"name":"bob"}']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^hello bob$/m); // info on stdout
    expect(human.stderr).toMatch(/^careful$/m); // warn on stderr
    expect(human.stdout).toMatch(/job \d+ \(greet\) succeeded \(attempt 1\/3\)/);
  });

  it("retries in process as the function says; exits 1 with the job failed and its error", async () => {
    const run = await kairos(["exec", "flaky", "--payload", '{"failures":5}', "--json"]);
    expect(run.code).toBe(1);
    const outcome = JSON.parse(run.stdout) as Outcome;
    expect(outcome).toMatchObject({ state: "failed", attempts: 3 });
    expect(outcome.error?.message).toBe("boom on attempt 3");
    expect(run.stderr).toMatch(
      /job \d+ \(flaky\) failed after attempt 3\/3: Error: boom on attempt 3/,
    );
    expect(lines("flaky.txt")).toHaveLength(3);
    const job = await showJob(outcome.jobId);
    expect(job).toMatchObject({ state: "failed", attempt: 3 });
    expect(job.error?.message).toBe("boom on attempt 3");
  });

  it("exits 2 for an unknown function (with a suggestion) and for a bad payload", async () => {
    const unknown = await kairos(["exec", "greeet"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown function "greeet".*did you mean "greet"\?/);
    const bad = await kairos(["exec", "greet", "--payload", "{nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--payload: invalid JSON at line 1, column 2/);
    const both = await kairos(["exec", "greet", "--payload", "{}", "--payload-file", "x.json"]);
    expect(both.code).toBe(2);
    expect(lines("runs.txt")).toEqual([]);
    // Nothing was recorded for them: the store was not even opened.
    expect(fs.existsSync(path.join(dir, "exec.db"))).toBe(false);
  });

  it("makes one job per KAIROS_JOB_NAME: one attempt per pod, never run again once it succeeded", async () => {
    const env = { KAIROS_JOB_NAME: "nightly-29000000" };
    const args = ["exec", "flaky", "--payload", '{"failures":1}', "--json"];
    const first = await kairos(args, env);
    expect(first.code).toBe(1); // this pod's attempt failed; the Job controller starts another
    expect(JSON.parse(first.stdout)).toMatchObject({ state: "retrying", attempts: 1 });
    const second = await kairos(args, env);
    expect(second.code, second.stderr).toBe(0);
    const outcome = JSON.parse(second.stdout) as Outcome;
    expect(outcome).toMatchObject({ state: "succeeded", attempts: 2 });
    expect(outcome.jobId).toBe((JSON.parse(first.stdout) as Outcome).jobId);
    const third = await kairos(args, env);
    expect(third.code).toBe(0);
    expect(third.stderr).toMatch(/had already succeeded .*not run again/);
    expect(lines("flaky.txt")).toHaveLength(2);
    const list = await kairos(["jobs", "list", "--json"]);
    expect(JSON.parse(list.stdout)).toHaveLength(1);
  });

  it("runs and prints only when no store is configured", async () => {
    fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG.replace("store: sqlite:exec.db\n", ""));
    const run = await kairos(["exec", "greet", "--payload", '{"name":"eve"}']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("no store configured: the run is printed, not recorded");
    expect(run.stdout).toMatch(/^hello eve$/m);
    expect(fs.existsSync(path.join(dir, ".kairos"))).toBe(false);
  });

  it("is never taken by a worker of the same function on the same store", async () => {
    const dev = startKairos(dir, ["dev", "--no-api"], LOCAL);
    try {
      await dev.waitForOutput(/kairos dev: running/);
      // Every attempt (the first and both retries, each due after a short backoff) runs in
      // exec's process, although dev's worker defines the function and polls the store.
      const run = await kairos(["exec", "flaky", "--payload", '{"failures":2}', "--json"]);
      expect(run.code, run.stderr).toBe(0);
      const outcome = JSON.parse(run.stdout) as Outcome;
      expect(outcome).toMatchObject({ state: "succeeded", attempts: 3 });
      expect(lines("flaky.txt")).toEqual([0, 1, 2].map(() => String(outcome.result?.pid)));
    } finally {
      dev.child.kill("SIGTERM");
      await dev.exited;
    }
  });

  it("loses nothing when killed -9: the lease expires and a leader's recovery retries the job", async () => {
    const exec = startKairos(dir, ["exec", "blocked", "--lease", "1s"], LOCAL);
    await exec.waitForOutput(/started attempt 1/);
    exec.child.kill("SIGKILL");
    await exec.exited;
    const [job] = JSON.parse((await kairos(["jobs", "list", "--json"])).stdout) as ShownJob[];
    expect(job).toMatchObject({ state: "running", attempt: 1 });
    fs.writeFileSync(path.join(dir, "release"), "");
    const dev = startKairos(dir, ["dev", "--no-api"], LOCAL);
    try {
      const done = await waitFor(
        async () => {
          const shown = await showJob(job!.id);
          return shown.state === "succeeded" ? shown : null;
        },
        "the killed exec's job to be recovered and run by kairos dev",
        120_000,
      );
      expect(done.attempt).toBe(2);
      const attempts = await kairos(["jobs", "show", job!.id]);
      expect(attempts.stdout).toContain("worker_lost");
    } finally {
      dev.child.kill("SIGTERM");
      await dev.exited;
    }
  });
});
