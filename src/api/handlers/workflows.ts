/**
 * @module api/handlers/workflows
 * /workflows: list, get, pause/resume with a note, history, trigger a run, backfill.
 */
import { workflowRoutes as R } from "../../contract/routes.js";
import { NoteBody } from "../../contract/schemas/common.js";
import { HistoryQuery } from "../../contract/schemas/schedules.js";
import {
  BackfillBody,
  TriggerRunBody,
  WorkflowListQuery,
} from "../../contract/schemas/workflows.js";
import type { KairosClient } from "../../runtime/client.js";
import type { ApiApp } from "../types.js";
import { bodyOf, defined, found, instant, on, queryOf, send } from "./kit.js";

const noWorkflow = (name: string) => `no workflow named "${name}"`;

/** Register the workflow routes. */
export function registerWorkflows(app: ApiApp, client: KairosClient): void {
  on(app, R.listWorkflows, async (c, input) => {
    const q = queryOf(input, WorkflowListQuery);
    return send(c, { items: await client.workflows.list(defined(q)), nextCursor: null });
  });
  on(app, R.getWorkflow, async (c, { params }) =>
    send(c, found(await client.workflows.get(params.name!), noWorkflow(params.name!))),
  );
  on(app, R.pauseWorkflow, async (c, input) =>
    send(c, await client.workflows.pause(input.params.name!, defined(bodyOf(input, NoteBody)))),
  );
  on(app, R.resumeWorkflow, async (c, input) =>
    send(c, await client.workflows.resume(input.params.name!, defined(bodyOf(input, NoteBody)))),
  );
  on(app, R.workflowHistory, async (c, input) => {
    const q = queryOf(input, HistoryQuery);
    return send(c, { items: await client.workflows.history(input.params.name!, defined(q)) });
  });
  on(app, R.triggerRun, async (c, input) => {
    const b = bodyOf(input, TriggerRunBody);
    const run = await client.runs.trigger(
      input.params.name!,
      defined({
        params: b.params,
        note: b.note,
        logicalDate:
          b.logicalDate === undefined ? undefined : instant(b.logicalDate, "logicalDate"),
      }),
    );
    return send(c, run, 201);
  });
  on(app, R.backfill, async (c, input) => {
    const b = bodyOf(input, BackfillBody);
    const progress = await client.runs.backfill(
      input.params.name!,
      defined({ from: instant(b.from, "from"), to: instant(b.to, "to"), params: b.params }),
    );
    return send(c, progress);
  });
}
