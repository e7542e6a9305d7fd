/**
 * `kairos dev`'s lines for workflow runs, in process: a run's creation (workflow, logical date,
 * run id), its end (state, duration), and the task id next to every job line of a task try.
 */
import { describe, expect, it } from "vitest";
import type { Io } from "../../src/cli/output.js";
import { watchEngine } from "../../src/cli/dev/watch.js";
import { nextEvent } from "../helpers/async.js";
import { memoryKairos } from "../helpers/kairos.js";

function capture(): Io & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
}

describe("kairos dev's workflow lines", () => {
  it("print run created and run finished, and the task next to each task's job", async () => {
    const k = await memoryKairos();
    const io = capture();
    watchEngine(k, io);
    k.define("extract", () => ({ rows: 1 }));
    k.define("load", () => {
      throw new Error("warehouse down");
    });
    await k.workflow("etl", {
      tasks: [
        { id: "extract", fn: "extract" },
        { id: "load", fn: "load", dependsOn: ["extract"] },
      ],
    });
    await k.start({ pollIntervalMs: 20 });
    const finished = nextEvent(k, "run:finished");
    const run = await k.runs.trigger("etl", { logicalDate: Date.parse("2026-12-01T00:00:00Z") });
    await finished;
    const text = io.lines.join("\n");
    expect(text).toMatch(
      new RegExp(`run +etl run ${run.id} created for 2026-12-01T00:00:00\\.000Z`),
    );
    expect(text).toMatch(new RegExp(`run +etl run ${run.id} failed in \\d+ ms`));
    expect(text).toMatch(
      new RegExp(`started +extract job \\d+ \\[etl run ${run.id} task extract try 1\\] on \\S+`),
    );
    expect(text).toMatch(
      new RegExp(
        `succeeded extract job \\d+ \\[etl run ${run.id} task extract try 1\\] in \\d+ ms`,
      ),
    );
    expect(text).toMatch(
      new RegExp(`failed +load job \\d+ \\[etl run ${run.id} task load try 1\\]: warehouse down`),
    );
  });
});
