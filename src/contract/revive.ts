/**
 * @module contract/revive
 * Wire JSON back to the facade's types: the known instant fields of each shape turn from ISO
 * text into Dates; everything else (key order, unknown fields, payloads) is kept as sent. The
 * HTTP client applies this instead of a zod parse, which would drop or reorder keys. Only the
 * named fields are touched, so a payload holding a `createdAt` string stays a string.
 */

/** Which fields of a shape are instants, and which hold nested shapes. */
export interface ReviveSpec {
  readonly dates?: readonly string[];
  readonly nested?: Readonly<Record<string, ReviveSpec>>;
  /** The value is an array of this shape. */
  readonly each?: ReviveSpec;
  /** The value itself is an instant. */
  readonly date?: true;
}

const JOB: ReviveSpec = {
  dates: ["runAt", "createdAt", "updatedAt", "startedAt", "finishedAt"],
  nested: { progress: { dates: ["at"] } },
};
const RUN: ReviveSpec = {
  dates: ["logicalDate", "createdAt", "startedAt", "finishedAt", "updatedAt"],
  nested: { dataInterval: { dates: ["start", "end"] } },
};
const TASK: ReviveSpec = { dates: ["retryDueAt", "queuedAt", "startedAt", "finishedAt"] };
const TOKEN: ReviveSpec = { dates: ["createdAt", "lastUsedAt", "revokedAt"] };
const items = (each: ReviveSpec): ReviveSpec => ({ nested: { items: { each } } });

/** The shapes of the facade, by name. */
export const SHAPES = {
  none: {},
  job: JOB,
  jobs: items(JOB),
  cancel: { nested: { job: JOB } },
  controlRequest: { dates: ["createdAt", "resolvedAt"] },
  controlRequests: items({ dates: ["createdAt", "resolvedAt"] }),
  progress: { nested: { progress: { dates: ["at"] } } },
  attempts: items({ dates: ["startedAt", "finishedAt"] }),
  schedule: { dates: ["nextFireAt", "lastFiredAt", "createdAt", "updatedAt"] },
  schedules: items({ dates: ["nextFireAt", "lastFiredAt", "createdAt", "updatedAt"] }),
  instants: items({ date: true }),
  fireResult: { dates: ["slotAt"] },
  workflow: { dates: ["latestLogicalDate", "nextRunAfter", "createdAt", "updatedAt"] },
  workflows: items({ dates: ["latestLogicalDate", "nextRunAfter", "createdAt", "updatedAt"] }),
  workflowHistory: items({ dates: ["at", "logicalDate"] }),
  run: RUN,
  runs: items(RUN),
  taskTries: items({ dates: ["createdAt", "startedAt", "finishedAt"] }),
  runDetail: { ...RUN, nested: { ...RUN.nested, tasks: { each: TASK } } },
  token: TOKEN,
  tokens: items(TOKEN),
  createdToken: { nested: { info: TOKEN } },
  feedEvent: { dates: ["at"] },
  feedPage: items({ dates: ["at"] }),
  stats: {
    dates: ["at"],
    nested: {
      buckets: { each: { dates: ["at"] } },
      live: { nested: { queues: { each: { dates: ["oldestRunAt"] } } } },
    },
  },
} satisfies Record<string, ReviveSpec>;

/** A shape's name. */
export type ShapeName = keyof typeof SHAPES;

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function toDate(v: unknown): unknown {
  if (typeof v !== "string" || !ISO.test(v)) return v;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d;
}

/** Revive `value` by `spec` (a new value; the input is not changed). */
export function revive(value: unknown, spec: ReviveSpec): unknown {
  if (spec.date) return toDate(value);
  if (spec.each) return Array.isArray(value) ? value.map((v) => revive(v, spec.each!)) : value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const dates = new Set(spec.dates ?? []);
  const nested = spec.nested ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (dates.has(key)) out[key] = toDate(v);
    else if (Object.hasOwn(nested, key)) out[key] = revive(v, nested[key]!);
    else out[key] = v;
  }
  return out;
}

/** Revive by shape name. */
export function reviveAs<T>(value: unknown, shape: ShapeName): T {
  return revive(value, SHAPES[shape]) as T;
}
