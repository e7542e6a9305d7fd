/**
 * @module core/feed/types
 * The durable event feed: what a recorded event looks like and how readers filter it. Every
 * engine records its bus events (jobs, schedules, runs, leadership) into the store; servers
 * tail the feed, so a client of one replica sees what every replica did.
 */

/** The families of events the feed carries (`control`: stop and start requests). */
export type FeedKind = "job" | "schedule" | "run" | "leader" | "control";

/** Every feed kind, in a stable order. */
export const FEED_KINDS: readonly FeedKind[] = ["job", "schedule", "run", "leader", "control"];

/** One event as recorded (before the store gives it an id). */
export interface FeedRecord {
  /** When it happened, ms since epoch. */
  readonly at: number;
  /** The bus event name, e.g. `job:succeeded`. */
  readonly name: string;
  readonly kind: FeedKind;
  /** The job's function, when the event is about a job or a schedule. */
  readonly fn: string | null;
  /** The workflow, when the event is about a run or a workflow task's job. */
  readonly workflow: string | null;
  /**
   * What the event is about: a job id, a schedule name or a run id (a control request's
   * target); null for leadership.
   */
  readonly subject: string | null;
  /** The worker id of the process that recorded it. */
  readonly instance: string;
  /** The event's fields (never a payload), as JSON text. */
  readonly data: string;
}

/** A recorded event with its feed id: ids grow in commit order, so a reader resumes by id. */
export interface StoredFeedRecord extends FeedRecord {
  readonly id: number;
}

/** Which events a reader wants; an empty or absent list matches everything. */
export interface FeedFilter {
  readonly kinds?: readonly FeedKind[];
  readonly fns?: readonly string[];
  readonly workflows?: readonly string[];
}

/** A feed event as clients see it (API, SSE, `kairos jobs watch`). */
export interface FeedEvent {
  readonly id: number;
  readonly at: Date;
  readonly name: string;
  readonly kind: FeedKind;
  readonly fn: string | null;
  readonly workflow: string | null;
  readonly subject: string | null;
  readonly instance: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Whether a recorded event passes a filter (the same rule the stores apply in SQL). */
export function matchesFeedFilter(
  event: Pick<FeedRecord, "kind" | "fn" | "workflow">,
  filter: FeedFilter,
): boolean {
  if (filter.kinds && filter.kinds.length > 0 && !filter.kinds.includes(event.kind)) return false;
  if (filter.fns && filter.fns.length > 0 && (event.fn === null || !filter.fns.includes(event.fn)))
    return false;
  if (
    filter.workflows &&
    filter.workflows.length > 0 &&
    (event.workflow === null || !filter.workflows.includes(event.workflow))
  )
    return false;
  return true;
}
