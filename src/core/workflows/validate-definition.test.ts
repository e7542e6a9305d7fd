/** Tests of workflow validation: every kind of issue with its path, cycles named in order, topological order. */
import { describe, expect, it } from "vitest";
import { topologicalOrder, type TaskDeclaration, type WorkflowDeclaration } from "./definition.js";
import {
  assertValidWorkflow,
  formatPath,
  MAX_CYCLES_REPORTED,
  resolveWorkflow,
  validateWorkflow,
  WorkflowValidationError,
} from "./validate-definition.js";

const fns = new Set(["extract", "load", "f"]);
const wf = (
  tasks: TaskDeclaration[],
  extra: Partial<WorkflowDeclaration> = {},
): WorkflowDeclaration => ({
  name: "etl",
  tasks,
  ...extra,
});
const t = (
  id: string,
  dependsOn?: string[],
  extra: Partial<TaskDeclaration> = {},
): TaskDeclaration => ({
  id,
  fn: "f",
  ...(dependsOn === undefined ? {} : { dependsOn }),
  ...extra,
});

describe("validateWorkflow", () => {
  it("accepts a valid workflow", () => {
    const decl = wf(
      [t("a"), t("b", ["a"], { triggerRule: "one_failed", retries: 2, retryDelay: "30s" })],
      {
        schedule: { cron: "0 3 * * *", timezone: "Europe/Paris" },
        startDate: "2026-01-01",
        params: { full: false },
      },
    );
    expect(validateWorkflow(decl, fns)).toEqual([]);
    expect(() => assertValidWorkflow(decl, fns)).not.toThrow();
  });

  it("rejects an empty workflow and a bad name", () => {
    expect(validateWorkflow({ name: "my etl", tasks: [] }, fns)).toEqual([
      {
        path: ["name"],
        message: 'workflow name "my etl" must be 1 to 200 letters, digits or "_ . : -"',
      },
      { path: ["tasks"], message: "the workflow has no tasks; declare at least one" },
    ]);
  });

  it("rejects duplicate task ids at the second occurrence", () => {
    const issues = validateWorkflow(wf([t("a"), t("b"), t("a")]), fns);
    expect(issues).toEqual([
      {
        path: ["tasks", 2, "id"],
        message: 'duplicate task id "a" (also tasks[0]); give each task its own id',
      },
    ]);
  });

  it("rejects unknown dependencies with a did-you-mean, and self-dependency", () => {
    const issues = validateWorkflow(wf([t("extract"), t("load", ["extrct", "load"])]), fns);
    expect(issues).toEqual([
      {
        path: ["tasks", 1, "dependsOn", 0],
        message: 'task "load" depends on unknown task "extrct"; did you mean "extract"?',
      },
      {
        path: ["tasks", 1, "dependsOn", 1],
        message: 'task "load" depends on itself; remove "load"',
      },
    ]);
  });

  it("rejects unknown functions and bad task ids", () => {
    const issues = validateWorkflow(wf([{ id: "a b", fn: "lod" }]), fns);
    expect(issues.map((i) => [formatPath(i.path), i.message])).toEqual([
      ["tasks[0].id", 'task id "a b" must be 1 to 200 letters, digits or "_ . : -"'],
      [
        "tasks[0].fn",
        'task "a b" runs unknown function "lod"; define it first, or did you mean "load"?',
      ],
    ]);
  });

  it("rejects an unknown trigger rule with a did-you-mean", () => {
    const [issue] = validateWorkflow(
      wf([t("a"), t("b", ["a"], { triggerRule: "all_sucess" })]),
      fns,
    );
    expect(issue).toEqual({
      path: ["tasks", 1, "triggerRule"],
      message: 'task "b" has unknown trigger rule "all_sucess"; did you mean "all_success"?',
    });
    const [far] = validateWorkflow(wf([t("a", [], { triggerRule: "whenever" })]), fns);
    expect(far?.message).toContain("use one of all_success, all_failed,");
  });

  it("names a cycle in order, from its earliest declared task", () => {
    const issues = validateWorkflow(
      wf([t("a", ["c"]), t("b", ["a"]), t("c", ["b"]), t("d", ["c"])]),
      fns,
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toBe(
      "dependency cycle: a -> b -> c -> a; remove one of these dependencies",
    );
    expect(issues[0]?.path[0]).toBe("tasks");
    expect(issues[0]?.path[2]).toBe("dependsOn");
  });

  it("names a two-task cycle and a separate one", () => {
    const issues = validateWorkflow(
      wf([t("x", ["y"]), t("y", ["x"]), t("p", ["q"]), t("q", ["p"])]),
      fns,
    );
    expect(issues.map((i) => i.message)).toEqual([
      "dependency cycle: x -> y -> x; remove one of these dependencies",
      "dependency cycle: p -> q -> p; remove one of these dependencies",
    ]);
  });

  it("rejects bad retries, durations, concurrency, limits, dates and schedules with their paths", () => {
    const decl = wf(
      [
        t("a", [], {
          retries: -1,
          retryDelay: "5 min",
          timeout: 0,
          concurrency: { key: "", limit: 0 },
        }),
      ],
      {
        schedule: { cron: "0 25 * * *", timezone: "Europe/Paris" },
        startDate: "2026-02-01",
        endDate: "2026-01-01",
        maxActiveRuns: 0,
        runSemantics: "interval" as never,
        params: { when: new Date(0) },
      },
    );
    expect(validateWorkflow(decl, fns).map((i) => formatPath(i.path))).toEqual([
      "schedule",
      "endDate",
      "runSemantics",
      "maxActiveRuns",
      "params.when",
      "tasks[0].retries",
      "tasks[0].retryDelay",
      "tasks[0].timeout",
      "tasks[0].concurrency.key",
      "tasks[0].concurrency.limit",
    ]);
  });

  it("rejects an every schedule under 1s and an unreadable startDate", () => {
    const issues = validateWorkflow(
      wf([t("a")], { schedule: { every: "500ms" }, startDate: "soon" }),
      fns,
    );
    expect(issues.map((i) => formatPath(i.path))).toEqual(["schedule.every", "startDate"]);
  });

  it("reports malformed input (from YAML) as issues instead of crashing", () => {
    const decl = {
      name: "w",
      tasks: [null, "a", { id: "b", fn: "f" }],
      schedule: "daily",
    } as unknown as WorkflowDeclaration;
    expect(validateWorkflow(decl, fns).map((i) => [formatPath(i.path), i.message])).toEqual([
      ["schedule", 'schedule must be { cron, timezone } or { every: "1h" }'],
      ["tasks[0]", "a task must be an object with an id and a fn"],
      ["tasks[1]", "a task must be an object with an id and a fn"],
    ]);
    const notList = { name: "w", tasks: "a" } as unknown as WorkflowDeclaration;
    expect(validateWorkflow(notList, fns)).toEqual([
      { path: ["tasks"], message: "tasks must be a list of tasks" },
    ]);
  });

  it("reads dates in UTC when the schedule's timezone is unknown (reported once, on the schedule)", () => {
    const decl = wf([t("a")], {
      schedule: { cron: "0 3 * * *", timezone: "Mars/Olympus" },
      startDate: "2026-01-01",
    });
    expect(validateWorkflow(decl, fns).map((i) => formatPath(i.path))).toEqual(["schedule"]);
  });

  it("rejects a task payload JSON cannot hold, at the payload's path", () => {
    const issues = validateWorkflow(wf([t("a", [], { payload: { n: Number.NaN } })]), fns);
    expect(issues).toEqual([
      {
        path: ["tasks", 0, "payload"],
        message: 'task "a" payload.n is NaN, which JSON cannot hold',
      },
    ]);
    expect(
      validateWorkflow(wf([t("a", [], { payload: { day: "{{ logicalDate }}" } })]), fns),
    ).toEqual([]);
  });

  it("rejects payload placeholders the renderer would reject, at the payload's path", () => {
    const decl = wf(
      [
        t("a", undefined, { payload: { day: "{{ logicalDate }}", x: ["{{ ds }}"] } }),
        t("b", undefined, { payload: "{{ params.full }} {{ params.region }}" }),
      ],
      { params: { full: false } },
    );
    expect(validateWorkflow(decl, fns).map((i) => [formatPath(i.path), i.message])).toEqual([
      [
        "tasks[0].payload",
        expect.stringMatching(/^task "a" payload\.x\[0\]: unknown placeholder "\{\{ ds \}\}"/),
      ],
      ["tasks[1].payload", expect.stringMatching(/^task "b" payload: .*declare "region"/)],
    ]);
  });

  it("assertValidWorkflow throws a ValidationError listing every issue", () => {
    let caught: unknown;
    try {
      assertValidWorkflow(wf([t("a", ["a"]), t("a")]), fns);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WorkflowValidationError);
    const error = caught as WorkflowValidationError;
    expect(error.code).toBe("VALIDATION");
    expect(error.issues).toHaveLength(2);
    expect(error.message).toContain("tasks[0].dependsOn[0]: ");
    expect(error.message).toContain("tasks[1].id: ");
  });

  it("validates a 10,000-task DAG (long chain plus fan-out) and names a 10,000-task cycle", () => {
    const n = 10_000;
    const tasks = Array.from({ length: n }, (_, i) =>
      t(`t${i}`, i === 0 ? [] : i % 2 === 0 ? [`t${i - 1}`, "t0"] : [`t${i - 1}`]),
    );
    expect(validateWorkflow(wf(tasks), fns)).toEqual([]);
    expect(topologicalOrder(tasks)[n - 1]).toBe(`t${n - 1}`);
    // Closing the chain makes every fan-out edge a cycle too: only the first 10 are named.
    const cyclic = [t("t0", [`t${n - 1}`]), ...tasks.slice(1)];
    const issues = validateWorkflow(wf(cyclic), fns);
    expect(issues).toHaveLength(MAX_CYCLES_REPORTED);
    const chain = Array.from({ length: n }, (_, i) => t(`t${i}`, [`t${(i + n - 1) % n}`]));
    const [only, ...rest] = validateWorkflow(wf(chain), fns);
    expect(rest).toEqual([]);
    expect(only?.message.startsWith("dependency cycle: t0 -> t1 -> t2 ->")).toBe(true);
    expect(only?.message.endsWith(`t${n - 1} -> t0; remove one of these dependencies`)).toBe(true);
  });
});

describe("topologicalOrder", () => {
  it("puts every task after its dependencies, keeping declaration order among ready tasks", () => {
    expect(topologicalOrder([t("load", ["b", "a"]), t("b"), t("a"), t("z", ["a"])])).toEqual([
      "b",
      "a",
      "load",
      "z",
    ]);
  });

  it("throws on a cycle", () => {
    expect(() => topologicalOrder([t("a", ["b"]), t("b", ["a"])])).toThrow(/cycle/);
  });
});

describe("resolveWorkflow", () => {
  it("validates then normalizes", () => {
    const def = resolveWorkflow(wf([t("a"), t("b", ["a"])]), fns);
    expect(def.tasks.map((x) => [x.id, x.triggerRule])).toEqual([
      ["a", "all_success"],
      ["b", "all_success"],
    ]);
  });

  it("throws WorkflowValidationError before normalizing an invalid declaration", () => {
    expect(() => resolveWorkflow(wf([t("a", [], { timeout: "soon" })]), fns)).toThrow(
      WorkflowValidationError,
    );
  });
});
