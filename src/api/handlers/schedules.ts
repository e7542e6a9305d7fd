/**
 * @module api/handlers/schedules
 * /schedules: list, create (source api), get, patch, delete, pause/resume with a note,
 * trigger, fire a slot (a CronJob's trigger container), next fires, history.
 */
import { scheduleRoutes as R } from "../../contract/routes.js";
import { NoteBody } from "../../contract/schemas/common.js";
import {
  HistoryQuery,
  NextQuery,
  ScheduleBody,
  ScheduleListQuery,
  SchedulePatchBody,
  TriggerBody,
  FireBody,
} from "../../contract/schemas/schedules.js";
import type { KairosClient } from "../../runtime/client.js";
import type { ApiApp } from "../types.js";
import { bodyOf, defined, found, instant, on, queryOf, send } from "./kit.js";

const noSchedule = (name: string) => `no schedule named "${name}"`;

/** Default count of GET /schedules/{name}/next. */
export const DEFAULT_NEXT_COUNT = 5;

/** Register the schedule routes. */
export function registerSchedules(app: ApiApp, client: KairosClient): void {
  on(app, R.listSchedules, async (c, input) => {
    const q = queryOf(input, ScheduleListQuery);
    return send(c, { items: await client.schedules.list(defined(q)), nextCursor: null });
  });
  on(app, R.createSchedule, async (c, input) => {
    const b = bodyOf(input, ScheduleBody);
    return send(c, await client.schedules.create(defined(b)), 201);
  });
  on(app, R.getSchedule, async (c, { params }) =>
    send(c, found(await client.schedules.get(params.name!), noSchedule(params.name!))),
  );
  on(app, R.updateSchedule, async (c, input) => {
    const b = bodyOf(input, SchedulePatchBody);
    return send(c, await client.schedules.update(input.params.name!, defined(b)));
  });
  on(app, R.deleteSchedule, async (c, { params }) => {
    await client.schedules.delete(params.name!);
    return c.body(null, 204);
  });
  on(app, R.pauseSchedule, async (c, input) =>
    send(c, await client.schedules.pause(input.params.name!, bodyOf(input, NoteBody).note)),
  );
  on(app, R.resumeSchedule, async (c, input) =>
    send(c, await client.schedules.resume(input.params.name!, bodyOf(input, NoteBody).note)),
  );
  on(app, R.triggerSchedule, async (c, input) => {
    const b = bodyOf(input, TriggerBody);
    return send(c, await client.schedules.trigger(input.params.name!, defined(b)), 201);
  });
  on(app, R.fireSchedule, async (c, input) => {
    const b = bodyOf(input, FireBody);
    const target =
      b.jobName !== undefined ? { jobName: b.jobName } : { slotAt: new Date(b.slotAt!) };
    const result = await client.schedules.fire(input.params.name!, target);
    return send(c, result, result.outcome === "fired" ? 201 : 200);
  });
  on(app, R.scheduleNext, async (c, input) => {
    const q = queryOf(input, NextQuery);
    const from = q.from === undefined ? undefined : instant(q.from, "from");
    const items = await client.schedules.nextFires(
      input.params.name!,
      q.count ?? DEFAULT_NEXT_COUNT,
      from,
    );
    return send(c, { items });
  });
  on(app, R.scheduleHistory, async (c, input) => {
    const q = queryOf(input, HistoryQuery);
    return send(c, { items: await client.schedules.history(input.params.name!, q.limit) });
  });
}
