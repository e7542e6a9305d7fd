/**
 * @module api/handlers/runs
 * /runs: list with cursor (the last run's logical date), get, cancel, clear, mark, note, why.
 */
import { runRoutes as R } from "../../contract/routes.js";
import { NoteBody } from "../../contract/schemas/common.js";
import {
  ClearBody,
  MarkBody,
  RunListQuery,
  RunNoteBody,
} from "../../contract/schemas/workflows.js";
import type { RunState } from "../../core/workflows/index.js";
import type { KairosClient } from "../../runtime/client.js";
import type { ApiApp } from "../types.js";
import { requester } from "./jobs.js";
import { bodyOf, defined, found, instant, on, queryOf, send } from "./kit.js";

/** Default page size of GET /runs. */
export const DEFAULT_RUN_LIMIT = 50;

/** Register the run routes. */
export function registerRuns(app: ApiApp, client: KairosClient): void {
  on(app, R.listRuns, async (c, input) => {
    const q = queryOf(input, RunListQuery);
    const limit = q.limit ?? DEFAULT_RUN_LIMIT;
    const items = await client.runs.list(
      defined({
        workflow: q.workflow,
        state: q.state as RunState | undefined,
        limit,
        before: q.cursor === undefined ? undefined : instant(q.cursor, "cursor"),
      }),
    );
    const last = items[items.length - 1];
    return send(c, {
      items,
      nextCursor: items.length === limit && last ? last.logicalDate.toISOString() : null,
    });
  });
  on(app, R.getRun, async (c, { params }) =>
    send(c, found(await client.runs.get(params.id!), `no run with id "${params.id!}"`)),
  );
  on(app, R.cancelRun, async (c, input) =>
    send(c, await client.runs.cancel(input.params.id!, defined(bodyOf(input, NoteBody)))),
  );
  on(app, R.clearRun, async (c, input) =>
    send(c, await client.runs.clear(input.params.id!, defined(bodyOf(input, ClearBody)))),
  );
  on(app, R.markTask, async (c, input) => {
    const b = bodyOf(input, MarkBody);
    return send(
      c,
      await client.runs.mark(
        input.params.id!,
        input.params.task!,
        b.state,
        defined({ downstream: b.downstream }),
      ),
    );
  });
  on(app, R.noteRun, async (c, input) => {
    const b = bodyOf(input, RunNoteBody);
    return send(c, await client.runs.note(input.params.id!, b.note, defined({ task: b.task })));
  });
  on(app, R.taskWhy, async (c, { params }) =>
    send(c, await client.runs.why(params.id!, params.task!)),
  );
  on(app, R.taskTries, async (c, { params }) =>
    send(c, { items: await client.runs.tries(params.id!, params.task!) }),
  );
  on(app, R.stopRun, async (c, input) =>
    send(c, await client.runs.stop(input.params.id!, { requestedBy: requester(c, input) }), 202),
  );
  on(app, R.startRun, async (c, input) =>
    send(c, await client.runs.start(input.params.id!, { requestedBy: requester(c, input) }), 202),
  );
  on(app, R.runRequests, async (c, { params }) =>
    send(c, { items: await client.runs.requests(params.id!) }),
  );
}
