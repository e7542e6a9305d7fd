/**
 * @module dashboard/schedule-view
 * Pure words for the schedule pages: a schedule's timing in words (cron explained by
 * cronstrue, as `kairos cron` does), an instant in a given time zone, and the history's kinds
 * and reasons as phrases.
 */
import cronstrue from "cronstrue";

/** A schedule's timing as the API answers it (core/schedules/types.ts ScheduleTiming). */
export type TimingView =
  | { readonly kind: "cron"; readonly cron: string; readonly timezone: string }
  | { readonly kind: "every"; readonly everyMs: number }
  | { readonly kind: "at"; readonly at: number };

const NICKNAMES: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** Read the API's loose `timing` object (null: a shape this page does not know). */
export function timingOf(t: Record<string, unknown>): TimingView | null {
  if (t["kind"] === "cron" && typeof t["cron"] === "string")
    return {
      kind: "cron",
      cron: t["cron"],
      timezone: typeof t["timezone"] === "string" ? t["timezone"] : "UTC",
    };
  if (t["kind"] === "every" && typeof t["everyMs"] === "number")
    return { kind: "every", everyMs: t["everyMs"] };
  if (t["kind"] === "at" && typeof t["at"] === "number") return { kind: "at", at: t["at"] };
  return null;
}

/** A cron expression in words ("At 0 minutes past the hour"); the text itself if unreadable. */
export function explainCron(cron: string): string {
  const expr = NICKNAMES[cron.trim().toLowerCase()] ?? cron;
  try {
    return cronstrue.toString(expr, {
      use24HourTimeFormat: true,
      throwExceptionOnParseError: true,
      verbose: false,
    });
  } catch {
    return cron;
  }
}

const SPANS: [string, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
  ["millisecond", 1],
];

/** An interval in words, in the largest unit that divides it ("Every 15 minutes"). */
export function explainEvery(ms: number): string {
  const [unit, size] = SPANS.find(([, s]) => ms % s === 0 && ms >= s) ?? ["millisecond", 1];
  const n = ms / size;
  return n === 1 ? `Every ${unit}` : `Every ${n} ${unit}s`;
}

/** The time zone a schedule's instants are shown in (interval and one-off ones: UTC). */
export function scheduleZone(t: TimingView | null): string {
  return t?.kind === "cron" ? t.timezone : "UTC";
}

/** The viewer's time zone. */
export function viewerZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** An instant (epoch ms) in `zone`, with the zone's name; UTC when the zone is unknown. */
export function formatInZone(ms: number, zone: string): string {
  const opts: Intl.DateTimeFormatOptions = {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  };
  try {
    return new Intl.DateTimeFormat("en-GB", { ...opts, timeZone: zone }).format(ms);
  } catch {
    return new Intl.DateTimeFormat("en-GB", { ...opts, timeZone: "UTC" }).format(ms);
  }
}

/** A timing in words: the cron explained with its zone, the interval, or the one instant. */
export function describeTiming(t: TimingView | null): string {
  if (!t) return "unknown timing";
  switch (t.kind) {
    case "cron":
      return `${explainCron(t.cron)} (${t.timezone})`;
    case "every":
      return explainEvery(t.everyMs);
    case "at":
      return `Once, at ${formatInZone(t.at, "UTC")}`;
  }
}

/** The raw timing text (the cron expression, the interval, the instant). */
export function timingText(t: TimingView | null): string {
  if (!t) return "";
  if (t.kind === "cron") return t.cron;
  if (t.kind === "every") return `every ${t.everyMs} ms`;
  return new Date(t.at).toISOString();
}

const KINDS: Record<string, string> = {
  caught_up: "caught up",
  cancelled_other: "cancelled another",
};

/** A history kind as words ("caught_up" → "caught up"). */
export function historyKindLabel(kind: string): string {
  return KINDS[kind] ?? kind.replace(/_/g, " ");
}

const REASONS: Record<string, string> = {
  catchup_skip: "the catch-up policy skips missed slots",
  outside_catchup_window: "older than the catch-up window",
  catchup_cap: "the catch-up cap was reached",
  catchup_summary: "more missed slots than listed",
  overlap: "the previous job was still active",
  queue_full: "the queue was full",
  buffer_full: "the buffer had no room",
  from_buffer: "a buffered slot fired",
  cancel_other: "the overlap policy cancels the other job",
  terminate_other: "the overlap policy terminates the other job",
  build_failed: "the job could not be built",
  reconcile: "kairos apply changed it",
};

/** A history reason as a phrase (a job state for `completed`; unknown codes as they are). */
export function historyReasonText(reason: string | null): string | null {
  if (reason === null) return null;
  return REASONS[reason] ?? reason.replace(/_/g, " ");
}
