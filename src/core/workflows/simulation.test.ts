/**
 * Seeded simulation of whole runs through the pure core: random DAGs with random trigger rules,
 * planned, dispatched under a cap, "run" to random outcomes (success, failure, skip, retry),
 * until decideRunState ends the run. Pins that every planned transition is allowed by the state
 * machine, the cap is never exceeded, and every run without removed tasks ends success or
 * failed with every task finished (never deadlocked, never stuck running).
 */
import { describe, expect, it } from "vitest";
import { planRun } from "./planner.js";
import { decideRunState } from "./run-state.js";
import { canTransitionTask, isActiveTask, isFinishedTask, type TaskState } from "./states.js";
import { compileTopology, type PlannerTask } from "./topology.js";
import { TRIGGER_RULES } from "./trigger-rules.js";

/** A small deterministic PRNG (mulberry32), so failures replay. */
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

function randomDag(random: () => number, size: number): PlannerTask[] {
  const tasks: PlannerTask[] = [];
  for (let i = 0; i < size; i++) {
    const upstream: string[] = [];
    for (let j = 0; j < i; j++) if (random() < 3 / (i + 1)) upstream.push(`t${j}`);
    const triggerRule = TRIGGER_RULES[Math.floor(random() * TRIGGER_RULES.length)] ?? "all_success";
    tasks.push({ id: `t${i}`, upstream, triggerRule });
  }
  return tasks.reverse(); // declaration order need not be topological
}

function outcome(random: () => number, tries: number): TaskState {
  const r = random();
  if (r < 0.2) return tries < 2 ? "up_for_retry" : "failed";
  if (r < 0.3) return "skipped";
  return "success";
}

function simulate(seed: number): {
  final: ReturnType<typeof decideRunState>;
  states: Map<string, TaskState>;
} {
  const random = prng(seed);
  const topology = compileTopology(randomDag(random, 25));
  const states = new Map<string, TaskState>();
  const tries = new Map<string, number>();
  const cap = 1 + Math.floor(random() * 4);
  for (let step = 0; step < 500; step++) {
    const plan = planRun(topology, {
      states,
      maxActiveTasks: cap,
      now: step,
      retryDueAt: new Map(),
    });
    for (const t of plan.transitions) {
      const from = states.get(t.taskId) ?? "none";
      expect({
        task: t.taskId,
        from,
        planned: t.from,
        to: t.to,
        ok: canTransitionTask(from, t.to),
      }).toEqual({
        task: t.taskId,
        from,
        planned: from,
        to: t.to,
        ok: true,
      });
      states.set(t.taskId, t.to);
    }
    expect([...states.values()].filter(isActiveTask).length).toBeLessThanOrEqual(cap);
    const final = decideRunState(topology, states);
    if (final.state !== "running") return { final, states };
    for (const [id, state] of states) {
      if (state === "queued") states.set(id, "running");
      else if (state === "running" && random() < 0.7) {
        const n = (tries.get(id) ?? 0) + 1;
        tries.set(id, n);
        states.set(id, outcome(random, n));
      }
    }
  }
  throw new Error(`seed ${seed}: run did not end in 500 steps`);
}

describe("whole-run simulation (seeded)", () => {
  it("every run of 200 random DAGs ends success or failed with every task finished", () => {
    const ends = new Map<string, number>();
    for (let seed = 1; seed <= 200; seed++) {
      const { final, states } = simulate(seed);
      expect({
        seed,
        final: final.state === "failed" && "reason" in final ? final.reason : final.state,
      }).not.toEqual({
        seed,
        final: "deadlock",
      });
      for (const state of states.values()) expect(isFinishedTask(state)).toBe(true);
      expect(states.size).toBe(25);
      ends.set(final.state, (ends.get(final.state) ?? 0) + 1);
    }
    expect(ends.get("success")).toBeGreaterThan(0);
    expect(ends.get("failed")).toBeGreaterThan(0);
  });
});
