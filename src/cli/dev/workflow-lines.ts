/**
 * @module cli/dev/workflow-lines
 * `kairos dev`'s lines for workflow runs: a run created (workflow, logical date, run id), a run
 * finished (state, duration), and the tag that names the run and task of a task try's job.
 */
import type { JobOrigin } from "../../core/jobs/origin.js";
import type { Kairos } from "../../runtime/kairos.js";
import type { Io } from "../output.js";

/** Runs remembered for their workflow name and start time; the oldest are forgotten first. */
const MAX_REMEMBERED = 1_000;

/** What the job lines need to know about the runs this process has seen. */
export class RunNames {
  private readonly runs = new Map<string, { workflow: string; since: number }>();

  /** Remember a run's workflow and when it was created or started. */
  remember(runId: string, workflow: string, since: number): void {
    this.runs.delete(runId);
    this.runs.set(runId, { workflow, since });
    if (this.runs.size > MAX_REMEMBERED) {
      const oldest = this.runs.keys().next().value;
      if (oldest !== undefined) this.runs.delete(oldest);
    }
  }

  /** When the run was last seen starting (or created), if this process saw it. */
  since(runId: string): number | undefined {
    return this.runs.get(runId)?.since;
  }

  /**
   * ` [etl run 5 task load try 2]` for a job of a workflow task try (the workflow is left out
   * for a run this process has not seen), `""` for any other job.
   */
  tag(origin: JobOrigin | undefined): string {
    if (origin?.kind !== "workflow" || origin.id === null || origin.key === null) return "";
    const hash = origin.key.lastIndexOf("#");
    const task = hash < 0 ? origin.key : origin.key.slice(0, hash);
    const tryNumber = hash < 0 ? "" : ` try ${origin.key.slice(hash + 1)}`;
    const workflow = this.runs.get(origin.id)?.workflow;
    return ` [${workflow === undefined ? "" : `${workflow} `}run ${origin.id} task ${task}${tryNumber}]`;
  }
}

/**
 * Print a line when a run is created and when it finishes (with its duration since it started,
 * when this process saw it start); returns the names the job lines tag task jobs with.
 */
export function watchRuns(kairos: Pick<Kairos, "on">, io: Io, t: (ms: number) => string): RunNames {
  const names = new RunNames();
  kairos.on("run:created", (e) => {
    names.remember(e.runId, e.workflow, e.at);
    io.out(
      `${t(e.at)} run       ${e.workflow} run ${e.runId} created for ${new Date(e.logicalDate).toISOString()}`,
    );
  });
  kairos.on("run:started", (e) => names.remember(e.runId, e.workflow, e.at));
  kairos.on("run:finished", (e) => {
    const since = names.since(e.runId);
    const took = since === undefined ? "" : ` in ${duration(e.at - since)}`;
    io.out(`${t(e.at)} run       ${e.workflow} run ${e.runId} ${e.state}${took}`);
  });
  kairos.on("run:stopped", (e) =>
    io.out(
      `${t(e.at)} run       ${e.workflow} run ${e.runId} stopped (kairos runs start ${e.runId} resumes it)`,
    ),
  );
  return names;
}

function duration(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(1)} s`;
}
