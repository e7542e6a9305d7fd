/**
 * Property-style: random DAGs driven only through decideAdvance (and the in-memory store's
 * completion hook) with random job outcomes always end success or failed, with every task
 * finished, the cap held, and the run's state matching its leaves.
 */
import { describe, expect, it } from "vitest";
import { decideAdvance } from "./advance.js";
import type { TaskDeclaration } from "./definition.js";
import { MemoryRun, T0, advanceCtx, snapshotOf } from "./run-fixtures.js";
import { isActiveTask, isFinishedTask } from "./states.js";
import { TRIGGER_RULES } from "./trigger-rules.js";

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTasks(random: () => number, size: number): TaskDeclaration[] {
  const tasks: TaskDeclaration[] = [];
  for (let i = 0; i < size; i++) {
    const dependsOn: string[] = [];
    for (let j = 0; j < i; j++) if (random() < 2.5 / (i + 1)) dependsOn.push(`t${j}`);
    tasks.push({
      id: `t${i}`,
      fn: "f",
      dependsOn,
      triggerRule: TRIGGER_RULES[Math.floor(random() * TRIGGER_RULES.length)] ?? "all_success",
      retries: Math.floor(random() * 3),
      retryDelay: Math.floor(random() * 5_000),
      retryExponentialBackoff: random() < 0.5,
      payload: { try: "{{ tryNumber }}" },
    });
  }
  return tasks.reverse();
}

function endRandomly(run: MemoryRun, random: () => number, jobId: string, now: number): void {
  const r = random();
  if (r < 0.5) run.endJob(jobId, "succeeded", now);
  else if (r < 0.7) run.endJob(jobId, "failed", now, { name: "Error", message: "boom" });
  else if (r < 0.8)
    run.endJob(jobId, "timed_out", now, { name: "t", message: "t", code: "JOB_TIMEOUT" });
  else if (r < 0.9)
    run.endJob(jobId, "failed", now, { name: "SkipTask", message: "s", code: "TASK_SKIPPED" });
  else run.endJob(jobId, "failed", now, { name: "FailTask", message: "f", code: "TASK_FAILED" });
}

function drive(seed: number): MemoryRun {
  const random = prng(seed);
  const maxActiveTasks = 1 + Math.floor(random() * 4);
  const run = new MemoryRun(
    snapshotOf(randomTasks(random, 1 + Math.floor(random() * 14)), { maxActiveTasks }),
  );
  let now = T0;
  for (let round = 0; round < 2_000 && run.snapshot.run.state === "running"; round++) {
    const change = decideAdvance(run.snapshot, advanceCtx(now));
    if (change !== null) run.apply(change, now);
    const active = run.snapshot.tasks.filter((t) => isActiveTask(t.state)).length;
    expect(active).toBeLessThanOrEqual(maxActiveTasks);
    for (const t of run.snapshot.tasks) {
      const job = t.jobId === null ? undefined : run.snapshot.jobs.get(t.jobId);
      if (job === undefined || !isActiveTask(t.state)) continue;
      if (job.state === "queued" && random() < 0.7) run.startJob(job.id, now);
      else if (job.state === "running" && random() < 0.6) endRandomly(run, random, job.id, now);
    }
    now += 1 + Math.floor(random() * 2_000);
  }
  return run;
}

describe("decideAdvance on random DAGs", () => {
  it("always ends success or failed with every task finished and the state matching the leaves", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const { snapshot } = drive(seed);
      const where = `seed ${seed}`;
      expect(snapshot.run.state, where).toMatch(/^(success|failed)$/);
      expect(snapshot.run.finishedAt, where).not.toBeNull();
      expect(snapshot.run.note, where).toBeNull(); // never a deadlock without removed tasks
      for (const t of snapshot.tasks)
        expect(isFinishedTask(t.state), `${where} ${t.taskId}`).toBe(true);
      const depended = new Set(snapshot.run.definition.tasks.flatMap((t) => t.dependsOn));
      const leaves = snapshot.tasks.filter((t) => !depended.has(t.taskId));
      const ok = leaves.every((t) => t.state === "success" || t.state === "skipped");
      expect(snapshot.run.state, where).toBe(ok ? "success" : "failed");
      for (const t of snapshot.tasks) expect(t.tryNumber, where).toBeLessThanOrEqual(t.maxTries);
    }
  });
});
