/**
 * @module runtime/backend-schedules
 * The schedules facade when a schedule backend holds the timing (ports/schedule-backend): each
 * change made through the API is carried to the backend too, and refused before anything is
 * written when the backend would refuse it (dynamic schedules off, a timing the backend cannot
 * express). A create the backend then fails is undone in the store; a change of an existing
 * schedule the backend fails is reported with the error (the store keeps the change; a `config`
 * schedule's entry is mended by the leader's next sync).
 */
import { DEFAULT_MAX_PAYLOAD_BYTES } from "../core/payload.js";
import { NotFoundError } from "../core/errors.js";
import { K8sDynamicDisabledError } from "../core/k8s/errors.js";
import type { ScheduleBackend } from "../ports/schedule-backend.js";
import type { ScheduleStore, StoredSchedule } from "../ports/schedule-store.js";
import { toDeclaration, type Schedule, type SchedulesApi } from "./schedules-api.js";

/** What the wrapper needs besides the plain facade. */
export interface BackendSchedulesDeps {
  readonly backend: ScheduleBackend;
  readonly store: ScheduleStore;
  readonly maxPayloadBytes?: number;
}

/** `api` with every change carried to `deps.backend`; see the module header. */
export function withScheduleBackend(api: SchedulesApi, deps: BackendSchedulesDeps): SchedulesApi {
  const { backend, store } = deps;
  const stored = async (name: string): Promise<StoredSchedule> => {
    const found = await store.getSchedule(name);
    if (!found) throw new NotFoundError(`no schedule named "${name}"`);
    return found;
  };
  const gate = (schedule: StoredSchedule, action: "update" | "delete"): void => {
    if (schedule.source === "api" && !backend.allowDynamic) {
      throw new K8sDynamicDisabledError(action, schedule.name);
    }
  };
  const carry = async (name: string, view: Schedule): Promise<Schedule> => {
    await backend.set(await stored(name));
    return view;
  };
  return {
    ...api,
    create: async (input) => {
      const declaration = toDeclaration(input, deps.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES);
      if (!backend.allowDynamic) throw new K8sDynamicDisabledError("create", declaration.name);
      backend.check([declaration]);
      const view = await api.create(input);
      try {
        await backend.set(await stored(view.name));
      } catch (error) {
        await api.delete(view.name);
        throw error;
      }
      return view;
    },
    update: async (name, patch) => {
      gate(await stored(name), "update");
      return carry(name, await api.update(name, patch));
    },
    delete: async (name) => {
      const schedule = await stored(name);
      if (schedule.source === "api") await backend.remove(name);
      await api.delete(name);
    },
    pause: async (name, note) => {
      gate(await stored(name), "update");
      return carry(name, await api.pause(name, note));
    },
    resume: async (name, note) => {
      gate(await stored(name), "update");
      return carry(name, await api.resume(name, note));
    },
  };
}
