/**
 * @module core/k8s/job-name-slot
 * The scheduled instant of a Job the CronJob controller created, read from its name. A pod
 * cannot read its scheduled time, but the controller names each Job `<cronjob name>-<scheduled
 * time in minutes since the Unix epoch>`, and an exported CronJob is named `k8sName(schedule)`
 * (core/k8s/names), so the name alone says which schedule and which minute.
 */
import { ValidationError } from "../errors.js";
import { k8sName } from "./names.js";

const MINUTE_MS = 60_000;
/** Enough digits for any minute before the year 275 760 (Date's limit); more is not a slot. */
const MAX_MINUTE_DIGITS = 12;

/**
 * The instant (ms since the epoch) the Job `jobName` of the CronJob of schedule `schedule` was
 * scheduled for. The name must be exactly `k8sName(schedule)` + "-" + decimal digits (the
 * minutes); anything else throws ValidationError naming the expected prefix. The result is a
 * whole minute; the caller rounds it to the schedule's own slot.
 */
export function slotOfJobName(schedule: string, jobName: string): number {
  const prefix = `${k8sName(schedule)}-`;
  const expected = `"${prefix}<scheduled minutes since the epoch>"`;
  if (!jobName.startsWith(prefix)) {
    throw new ValidationError(
      `jobName ${JSON.stringify(jobName)} is not a Job of the CronJob of schedule ` +
        `"${schedule}": expected ${expected} (the name the CronJob controller gives its Jobs)`,
    );
  }
  const digits = jobName.slice(prefix.length);
  if (!/^\d+$/.test(digits) || digits.length > MAX_MINUTE_DIGITS) {
    throw new ValidationError(
      `jobName ${JSON.stringify(jobName)} must end in the scheduled minutes since the epoch ` +
        `(1-${MAX_MINUTE_DIGITS} decimal digits) after ${JSON.stringify(prefix)}; ` +
        `got ${JSON.stringify(digits)}: expected ${expected}`,
    );
  }
  return Number(digits) * MINUTE_MS;
}
