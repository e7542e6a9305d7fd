/**
 * Workflows across processes: a 1,000-task DAG (layers of fan-out / fan-in under several
 * trigger rules) runs every task exactly once, on SQLite in one process and on PostgreSQL with
 * three worker processes; a worker killed with SIGKILL mid-DAG loses nothing: the tries it held
 * fail worker_lost through lease recovery and are retried, and the run succeeds.
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createKairos, type Kairos, type TriggerRule } from "../../src/index.js";
import { waitFor } from "../helpers/async.js";
import { startFixture } from "../helpers/child-fixture.js";
import { tempDir } from "../helpers/kairos.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const fixture = fileURLToPath(new URL("./fixtures/workflow-worker.ts", import.meta.url));
const children: ChildProcess[] = [];
const open: Kairos[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(open.splice(0).map((k) => k.stop({ drainMs: 0 })));
});

async function engine(url: string): Promise<Kairos> {
  const k = await createKairos({ store: url });
  open.push(k);
  return k;
}

const RULES: TriggerRule[] = ["all_success", "all_done", "none_failed", "one_success"];

interface TaskDecl {
  id: string;
  fn: string;
  dependsOn?: string[];
  triggerRule?: TriggerRule;
  retries?: number;
  retryDelay?: string;
  payload?: unknown;
}

/** A root, then `blocks` blocks of `width` tasks fanning out of the previous join, joined again. */
function layeredDag(blocks: number, width: number, extra: Partial<TaskDecl> = {}): TaskDecl[] {
  const tasks: TaskDecl[] = [{ id: "root", fn: "step", ...extra }];
  let join = "root";
  for (let b = 0; b < blocks; b++) {
    const fan = Array.from({ length: width }, (_, i) => `b${b}.t${i}`);
    for (const id of fan) tasks.push({ id, fn: "step", dependsOn: [join], ...extra });
    const next = `b${b}.join`;
    tasks.push({ id: next, fn: "step", dependsOn: fan, triggerRule: RULES[b % 4], ...extra });
    join = next;
  }
  return tasks;
}

function readLog(log: string): string[][] {
  const text = fs.readFileSync(log, "utf8").trim();
  return text === "" ? [] : text.split("\n").map((l) => l.split(" "));
}

/** A worker process; `leaseMs` short enough for a kill to be recovered quickly. */
function start(url: string, log: string, leaseMs = 1_500): Promise<ChildProcess> {
  return startFixture(fixture, [url, log, String(leaseMs)], "ready", children);
}

const leaderOnly = {
  workers: false,
  recoverIntervalMs: 200,
  workflows: { intervalMs: 100 },
} as const;

describe("a 1,000-task DAG on SQLite", () => {
  it("runs every task exactly once and the run succeeds", async () => {
    const k = await engine(`sqlite:${path.join(tempDir(), "k.db")}`);
    const ran = new Map<string, number>();
    k.define("step", (_p, ctx) => {
      const id = ctx.run?.taskId ?? "";
      ran.set(id, (ran.get(id) ?? 0) + 1);
    });
    const tasks = layeredDag(9, 110);
    expect(tasks).toHaveLength(1_000);
    await k.workflow("big", { tasks, maxActiveTasks: 64 });
    await k.start({ concurrency: 16, pollIntervalMs: 20, workflows: { intervalMs: 100 } });
    const run = await k.runs.trigger("big");
    const done = await waitFor(
      async () => {
        const r = await k.runs.get(run.id);
        return r?.state === "success" || r?.state === "failed" ? r : null;
      },
      "the big run finished",
      50_000,
    );
    expect(done.state).toBe("success");
    expect(done.tasks.filter((t) => t.state === "success" && t.tryNumber === 1)).toHaveLength(
      1_000,
    );
    expect(ran.size).toBe(1_000);
    expect([...ran.values()].every((n) => n === 1)).toBe(true);
  }, 60_000);
});

function killSuite(url: () => string): void {
  it("a worker killed with SIGKILL mid-DAG: its tries are retried, the run succeeds", async () => {
    const shared = url();
    const log = path.join(tempDir(), "tries.log");
    fs.writeFileSync(log, "");
    const k = await engine(shared);
    await k.workflow(
      "dag",
      {
        tasks: layeredDag(3, 40, { retries: 2, retryDelay: "0s", payload: { ms: 40 } }),
        maxActiveTasks: 16,
      },
      { allowUnknown: true },
    );
    await k.start(leaderOnly);
    const first = await start(shared, log);
    const run = await k.runs.trigger("dag");
    await waitFor(() => readLog(log).length >= 30, "30 tries done by the first worker", 30_000);
    // Kill while the worker holds tries (on a loaded machine it can be between claims).
    await waitFor(
      async () => (await k.jobs.list({ state: "running", limit: 1 })).length > 0,
      "the first worker holding a try",
      30_000,
    );
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    await start(shared, log);
    const done = await waitFor(
      async () => {
        const r = await k.runs.get(run.id);
        return r?.state === "success" || r?.state === "failed" ? r : null;
      },
      "the run finished after the kill",
      40_000,
    );
    expect(done.state).toBe("success");
    expect(done.tasks.every((t) => t.state === "success")).toBe(true);
    const retried = done.tasks.filter((t) => t.tryNumber > 1);
    expect(retried.length).toBeGreaterThan(0); // the dead worker held tries
    for (const t of retried) {
      const firstJob = await k.jobs.get(
        (await k.jobs.list({ limit: 10_000 })).find((j) => j.origin?.key === `${t.taskId}#1`)?.id ??
          "",
      );
      expect(firstJob?.state).toBe("failed");
      expect(firstJob?.error?.code).toBe("WORKER_LOST");
    }
    // No (task, try) ran to completion twice; every task's final try is logged once.
    const keys = readLog(log).map(([, task, tryNumber]) => `${task}#${tryNumber}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of done.tasks) {
      expect(keys.filter((key) => key === `${t.taskId}#${t.tryNumber}`)).toHaveLength(1);
    }
  }, 90_000);
}

describe("SIGKILL of a workflow worker on a SQLite file", () => {
  killSuite(() => `sqlite:${path.join(tempDir(), "k.db")}`);
});

describePg("workflows across processes on PostgreSQL", () => {
  const url = (): string =>
    `${pgUrl().replace(/^postgresql:/, "postgres:")}?schema=${freshSchema()}`;

  it("a 1,000-task DAG with three worker processes runs every task exactly once", async () => {
    const shared = url();
    const log = path.join(tempDir(), "tries.log");
    fs.writeFileSync(log, "");
    const k = await engine(shared);
    await k.workflow(
      "big",
      { tasks: layeredDag(9, 110), maxActiveTasks: 64 },
      { allowUnknown: true },
    );
    await k.start(leaderOnly);
    // A long lease: three processes, the database and the leader share two cores here, and a
    // starved worker must not lose its (single) tries to lease recovery.
    await Promise.all([0, 1, 2].map(() => start(shared, log, 15_000)));
    const run = await k.runs.trigger("big");
    const done = await waitFor(
      async () => {
        const r = await k.runs.get(run.id);
        return r?.state === "success" || r?.state === "failed" ? r : null;
      },
      "the big run finished",
      80_000,
    );

    expect(done.state).toBe("success");
    expect(done.tasks.filter((t) => t.state === "success" && t.tryNumber === 1)).toHaveLength(
      1_000,
    );
    const lines = readLog(log);
    expect(lines).toHaveLength(1_000);
    expect(new Set(lines.map(([, task]) => task)).size).toBe(1_000);
    expect(new Set(lines.map(([, , , pid]) => pid)).size).toBeGreaterThan(1);
  }, 100_000);

  killSuite(url);
});
