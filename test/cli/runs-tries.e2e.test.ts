/**
 * `kairos runs tries ID TASK`: a triggered run's first task lists its one (queued) try with its
 * job, as a table and as JSON; an unknown task is an error naming the run's tasks.
 */
import { expect, it } from "vitest";
import { runKairos, triggerOneTaskRun } from "../helpers/cli.js";
import { tempDir } from "../helpers/kairos.js";

it(
  "lists a task's tries with their jobs; an unknown task fails",
  { timeout: 120_000 },
  async () => {
    const dir = tempDir();
    const run = { id: (await triggerOneTaskRun(dir)).runId };
    const json = await runKairos(dir, ["runs", "tries", run.id, "extract", "--json"]);
    expect(json.code).toBe(0);
    const tries = JSON.parse(json.stdout) as { tryNumber: number; jobId: string; state: string }[];
    expect(tries.map((t) => [t.tryNumber, t.state])).toEqual([[1, "queued"]]);
    const job = await runKairos(dir, ["jobs", "show", tries[0]!.jobId, "--json"]);
    expect(JSON.parse(job.stdout)).toMatchObject({ id: tries[0]!.jobId, fn: "ok" });

    const text = await runKairos(dir, ["runs", "tries", run.id, "extract"]);
    expect(text.stdout).toMatch(/TRY\s+JOB\s+STATE/);
    expect(text.stdout).toMatch(new RegExp(`\\n1\\s+${tries[0]!.jobId}\\s+queued`));

    const unknown = await runKairos(dir, ["runs", "tries", run.id, "nope"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('has no task "nope"; its tasks are extract');
  },
);
