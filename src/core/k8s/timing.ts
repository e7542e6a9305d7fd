/**
 * @module core/k8s/timing
 * A Kairos timing as a Kubernetes CronJob schedule. The CronJob controller understands 5-field
 * cron (the syntax Kairos accepts, minus the seconds field) in `spec.timeZone`. Exact when it
 * can be: a seconds field of `0` is dropped, and an `every` that divides an hour or a day
 * (aligned to the epoch, as Kairos aligns it) is the same cron in UTC. Anything else is either
 * an approximation (a sentence saying what changes) or impossible.
 */
import { parseCronFields } from "../cron/fields.js";
import type { ScheduleTiming } from "../schedules/types.js";

/** A CronJob schedule: exact when `approximation` is absent. */
export interface CronJobTiming {
  readonly schedule: string;
  readonly timeZone: string;
  /** What the export changes, when it is not exact. */
  readonly approximation?: string;
}

/** Why a timing cannot be exported; `approximable` when an approximation exists. */
export interface TimingRefusal {
  readonly reason: string;
  readonly approximable: boolean;
  /** The approximation, when there is one. */
  readonly approximate?: CronJobTiming;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The CronJob schedule of `timing`, or why it has none. Pure. */
export function cronJobTiming(timing: ScheduleTiming): CronJobTiming | TimingRefusal {
  switch (timing.kind) {
    case "cron":
      return fromCron(timing.cron, timing.timezone);
    case "every":
      return fromEvery(timing.everyMs);
    case "at":
      return {
        reason:
          "an `at` schedule fires once; a CronJob repeats (run it with `kairos jobs` instead)",
        approximable: false,
      };
  }
}

/** True when the translation is a refusal. */
export function isRefusal(t: CronJobTiming | TimingRefusal): t is TimingRefusal {
  return "reason" in t;
}

function fromCron(cron: string, timeZone: string): CronJobTiming | TimingRefusal {
  const f = parseCronFields(cron);
  if (!f.hasSeconds) return { schedule: f.texts.join(" "), timeZone };
  const schedule = f.texts.slice(1).join(" ");
  const seconds = f.second.values;
  if (seconds.length === 1 && seconds[0] === 0) return { schedule, timeZone };
  const what =
    seconds.length === 1
      ? `fires at second 0 instead of second ${seconds[0]}`
      : `fires once a minute instead of ${seconds.length} times`;
  const approximation = `6-field cron "${cron}" has a seconds field Kubernetes cannot express; exported as "${schedule}" (${what})`;
  return {
    reason: `6-field cron "${cron}": Kubernetes CronJobs have no seconds field`,
    approximable: true,
    approximate: { schedule, timeZone, approximation },
  };
}

function fromEvery(everyMs: number): CronJobTiming | TimingRefusal {
  const exact = exactEvery(everyMs);
  if (exact !== null) return { schedule: exact, timeZone: "UTC" };
  const text = `every ${everyMs / 1000}s`;
  const reason = `${text} is not a cron: Kubernetes can only fire at cron times (at most once a minute)`;
  const approximate = approximateEvery(everyMs);
  if (approximate === null) return { reason, approximable: false };
  return {
    reason,
    approximable: true,
    approximate: {
      schedule: approximate.schedule,
      timeZone: "UTC",
      approximation: `${text} exported as "${approximate.schedule}" (${approximate.what})`,
    },
  };
}

/** The cron with exactly the slots of `every` (epoch-aligned), or null. */
function exactEvery(ms: number): string | null {
  if (ms % MINUTE !== 0) return null;
  if (ms < HOUR && HOUR % ms === 0) return ms === MINUTE ? "* * * * *" : `*/${ms / MINUTE} * * * *`;
  if (ms % HOUR === 0 && ms < DAY && DAY % ms === 0) {
    return ms === HOUR ? "0 * * * *" : `0 */${ms / HOUR} * * *`;
  }
  if (ms === DAY) return "0 0 * * *";
  return null;
}

/** The nearest cron of an `every` that has none, and what changes; null past 31 days. */
function approximateEvery(ms: number): { schedule: string; what: string } | null {
  if (ms < MINUTE) return { schedule: "* * * * *", what: "once a minute instead" };
  if (ms < HOUR) {
    const m = Math.round(ms / MINUTE);
    if (m >= 60) return { schedule: "0 * * * *", what: "every hour instead" };
    return {
      schedule: `*/${m} * * * *`,
      what: `every ${m} minutes from the start of each hour`,
    };
  }
  if (ms < DAY) {
    const h = Math.round(ms / HOUR);
    const schedule = h >= 24 ? "0 0 * * *" : `0 */${h} * * *`;
    return { schedule, what: `every ${h} hours from midnight UTC` };
  }
  const d = Math.round(ms / DAY);
  if (d > 31) return null;
  return { schedule: `0 0 */${d} * *`, what: `every ${d} days from the 1st of each month, UTC` };
}
