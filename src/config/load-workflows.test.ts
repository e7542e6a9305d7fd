/**
 * parseConfig on `workflows:`: the resolved definitions, and every problem of a workflow
 * reported at once with file:line:column, the field path and a hint.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, type ConfigIssue } from "./errors.js";
import { parseConfig } from "./load.js";
import { unknownWorkflowFunctions } from "./validate-workflows.js";

const FILE = "/project/kairos.yaml";

function issuesOf(text: string): ConfigIssue[] {
  try {
    parseConfig(text, FILE, {});
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).issues];
  }
  throw new Error("expected a ConfigError");
}

/** Line, column, path and message of each issue, for compact tables. */
function where(issues: readonly ConfigIssue[]) {
  return issues.map((i) => [`${i.line}:${i.column}`, i.path, i.message, i.suggestion ?? null]);
}

/** Two functions (lines 1-3), then the given lines. */
function file(...lines: string[]): string {
  return [
    "functions:",
    "  - { name: extract, kind: command, command: [node, extract.js] }",
    "  - { name: load, kind: command, command: [node, load.js] }",
    ...lines,
    "",
  ].join("\n");
}

describe("parseConfig: workflows", () => {
  it("resolves a workflow to its normalized definition", () => {
    const config = parseConfig(
      file(
        "workflows:",
        "  - name: etl",
        '    schedule: { cron: "0 3 * * *", timezone: Europe/Paris }',
        "    startDate: 2026-01-01",
        "    catchup: true",
        "    maxActiveRuns: 1",
        "    params: { full: false }",
        "    tasks:",
        "      - { id: extract, fn: extract, payload: { day: '{{ logicalDate }}' } }",
        "      - id: load",
        "        fn: load",
        "        dependsOn: [extract]",
        "        retries: 2",
        "        retryDelay: 30s",
        "        timeout: 5m",
        "        concurrency: { key: warehouse, limit: 1 }",
      ),
      FILE,
      {},
    );
    expect(config.workflows).toHaveLength(1);
    const [etl] = config.workflows;
    expect(etl).toMatchObject({
      name: "etl",
      schedule: { kind: "cron", cron: "0 3 * * *", timezone: "Europe/Paris" },
      startDate: Date.UTC(2025, 11, 31, 23),
      catchup: true,
      maxActiveRuns: 1,
      maxActiveTasks: 16,
      params: { full: false },
    });
    expect(etl!.tasks[1]).toMatchObject({
      id: "load",
      dependsOn: ["extract"],
      retries: 2,
      retryDelayMs: 30_000,
      timeoutMs: 300_000,
      concurrency: { key: "warehouse", limit: 1 },
    });
    expect(config.workflowFunctionRefs).toBeUndefined();
  });

  it("has no workflows when the file declares none", () => {
    expect(parseConfig(file(), FILE, {}).workflows).toEqual([]);
  });

  it("reports every problem of the graph at its line: cycle, unknown dep, duplicate id, bad rule", () => {
    const issues = issuesOf(
      file(
        "workflows:",
        "  - name: etl",
        "    tasks:",
        "      - { id: a, fn: extract, dependsOn: [c] }", // line 7
        "      - { id: b, fn: load, dependsOn: [a] }",
        "      - { id: c, fn: load, dependsOn: [b] }",
        "      - { id: d, fn: load, dependsOn: [nope] }", // line 10
        "      - { id: a, fn: load }", // line 11
        "      - { id: e, fn: load, triggerRule: all_sucess }", // line 12
      ),
    );
    expect(where(issues)).toEqual([
      [
        "8:40",
        "workflows[0].tasks[1].dependsOn[0]",
        "dependency cycle: a -> b -> c -> a; remove one of these dependencies",
        null,
      ],
      [
        "10:40",
        "workflows[0].tasks[3].dependsOn[0]",
        'task "d" depends on unknown task "nope"',
        null,
      ],
      [
        "11:15",
        "workflows[0].tasks[4].id",
        'duplicate task id "a" (also tasks[0]); give each task its own id',
        null,
      ],
      [
        "12:41",
        "workflows[0].tasks[5].triggerRule",
        expect.stringMatching(/^expected one of "all_success", .*got "all_sucess"$/),
        'did you mean "all_success"?',
      ],
    ]);
  });

  it("reports unknown keys with a did-you-mean, in workflows, tasks and schedules", () => {
    const issues = issuesOf(
      file(
        "workflows:",
        "  - name: etl",
        "    maxActiveRun: 2", // line 6
        "    schedule: { every: 1h, timezon: UTC }", // line 7
        "    tasks:",
        "      - { id: a, fn: extract, depends_on: [] }", // line 9
      ),
    );
    expect(where(issues)).toEqual([
      [
        "6:5",
        "workflows[0].maxActiveRun",
        'unknown key "maxActiveRun"',
        'did you mean "maxActiveRuns"?',
      ],
      [
        "7:28",
        "workflows[0].schedule.timezon",
        'unknown key "timezon"',
        'did you mean "timezone"?',
      ],
      [
        "9:31",
        "workflows[0].tasks[0].depends_on",
        'unknown key "depends_on"',
        'did you mean "dependsOn"?',
      ],
    ]);
  });

  it("reports a bad cron, a bad timezone, bad durations and dates at their fields", () => {
    const issues = issuesOf(
      file(
        "workflows:",
        "  - name: etl",
        '    schedule: { cron: "0 25 * * *", timezone: Europe/Pari }', // line 6
        "    startDate: 2026-13-01", // line 7
        "    tasks:",
        "      - { id: a, fn: extract, retryDelay: soon }", // line 9
        "  - name: hourly",
        "    schedule: { every: 1h, cron: '@daily' }", // line 11
        "    tasks: [{ id: a, fn: extract }]",
      ),
    );
    expect(where(issues)).toEqual([
      ["6:23", "workflows[0].schedule.cron", expect.stringMatching(/hour/), null],
      [
        "6:47",
        "workflows[0].schedule.timezone",
        'unknown time zone "Europe/Pari"; expected an IANA name such as "Europe/Paris" or "UTC"',
        'did you mean "Europe/Paris"?',
      ],
      ["7:16", "workflows[0].startDate", expect.stringMatching(/is not a date/), null],
      ["9:43", "workflows[0].tasks[0].retryDelay", expect.stringMatching(/soon/), null],
      [
        "11:17",
        "workflows[1].schedule.every",
        'give exactly one of "cron" or "every", not both',
        'remove "every" or "cron"',
      ],
    ]);
  });

  it("reports bad params, bad limits and a duplicate workflow name", () => {
    const issues = issuesOf(
      file(
        "workflows:",
        "  - name: etl",
        "    params: [full]", // line 6
        "    maxActiveTasks: 0", // line 7
        "    tasks: [{ id: a, fn: extract }]",
        "  - name: etl", // line 9
        "    tasks: []", // line 10
      ),
    );
    expect(where(issues)).toEqual([
      ["6:13", "workflows[0].params", "expected a mapping, got a list", null],
      ["7:21", "workflows[0].maxActiveTasks", "must be >= 1, got 0", null],
      [
        "9:11",
        "workflows[1].name",
        'duplicate workflow name "etl" (first declared at line 5)',
        "workflow names must be unique; rename one",
      ],
      ["10:12", "workflows[1].tasks", "the workflow has no tasks; declare at least one", null],
    ]);
  });

  it("leaves a function the file does not declare to apply, placed at its task", () => {
    const config = parseConfig(
      file("workflows:", "  - name: etl", "    tasks:", "      - { id: a, fn: extrac }"),
      FILE,
      {},
    );
    expect(config.workflowFunctionRefs).toEqual([
      {
        file: FILE,
        line: 7,
        column: 22,
        path: "workflows[0].tasks[0].fn",
        fn: "extrac",
        workflow: "etl",
        task: "a",
      },
    ]);
    const refs = config.workflowFunctionRefs ?? [];
    const declared = config.functions.map((f) => f.name);
    expect(where(unknownWorkflowFunctions(refs, new Set(["other"]), declared))).toEqual([
      [
        "7:22",
        "workflows[0].tasks[0].fn",
        'task "a" of workflow "etl" runs unknown function "extrac": it is not declared under functions: in this file, and the store does not know it',
        'did you mean "extract"?',
      ],
    ]);
    expect(unknownWorkflowFunctions(refs, new Set(["extrac"]), declared)).toEqual([]);
    expect(unknownWorkflowFunctions(refs, new Set(), declared, true)).toEqual([]);
  });
});
