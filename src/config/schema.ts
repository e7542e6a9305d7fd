/**
 * @module config/schema
 * The zod schema of `kairos.yaml`. It checks the structure and the value of each field on its
 * own (types, enums, names, durations, time zones, `at` instants), rejects unknown keys, and
 * turns durations into milliseconds: its input type is the file as written and its output type
 * is the file with units normalised. Rules that span fields (exactly one timing, cron validity
 * in its time zone, unique names) are checked by `config/validate`. The published JSON Schema
 * (`schema/kairos.schema.json`) is generated from this one.
 */
import { z } from "zod";
import { parseRetention } from "../core/retention.js";
import { parseDuration } from "../core/schedules/duration.js";
import { parseKeyTemplate } from "../core/jobs/concurrency-key.js";
import { MAX_ATTEMPTS } from "../core/retry/backoff.js";
import { FunctionKubernetesSchema, KubernetesSchema, SchedulerSchema } from "./k8s-schema.js";
import { TimeZoneSchema } from "./timezone.js";
import { WORKFLOW_KNOWN_KEYS, WorkflowSchema } from "./workflow-schema.js";

/** Names of functions and schedules. */
export const NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,200}$/;

const name = z
  .string()
  .regex(NAME_PATTERN, {
    error: 'must be 1-200 characters of letters, digits, "_", ".", ":" or "-"',
  })
  .describe('1-200 characters of letters, digits, "_", ".", ":" or "-"; unique in the file');

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The longest delay a Node timer honours; timeouts above it could never fire. */
const MAX_TIMER_MS = 2_147_483_647;

/** A duration: "30s", "5m", "1h", "1h30m", or a number of milliseconds. Output: ms. */
function durationOf(limit?: { maxMs: number; why: string }) {
  return z
    .union([z.string(), z.number()], {
      error: 'expected a duration such as "30s", "5m" or "1h", or a number of milliseconds',
    })
    .transform((value, ctx) => {
      let ms: number;
      try {
        ms = parseDuration(value);
      } catch (e) {
        ctx.addIssue({
          code: "custom",
          message: message(e),
          input: value,
          params: { suggestion: 'write a duration such as "30s", "5m", "1h30m" or a number of ms' },
        });
        return z.NEVER;
      }
      if (limit !== undefined && ms > limit.maxMs) {
        ctx.addIssue({
          code: "custom",
          message: `must be at most ${limit.maxMs} ms (${limit.why}), got ${ms} ms`,
          input: value,
        });
        return z.NEVER;
      }
      return ms;
    })
    .describe('A duration such as "30s", "5m", "1h", or a number of milliseconds');
}

const duration = durationOf();

/**
 * The `scheduler` block: SchedulerSchema (where timing lives) and how the embedded loop fires
 * (`prefireLead`: how far ahead an allow_all slot is written, at most 1m).
 */
const SchedulerBlockSchema = SchedulerSchema.extend({
  prefireLead: durationOf({
    maxMs: 60_000,
    why: "at most 1m: a pre-fired slot's job waits that long as scheduled",
  })
    .describe(
      "How far ahead the embedded loop writes an allow_all schedule's slot (its job waits as scheduled until the slot); default 1s, 0 turns pre-firing off (see docs/schedules.md)",
    )
    .optional(),
}).describe(
  "Where schedules' timing lives and how the embedded loop fires (see docs/kubernetes.md, docs/schedules.md)",
);

/** A retention: a duration ("7d", "30d", ms as a number) or "forever". Output: ms, or null for forever. */
const retention = z
  .union([z.string(), z.number()], {
    error: 'expected a retention such as "7d" or "30d", a number of milliseconds, or "forever"',
  })
  .transform((value, ctx) => {
    try {
      return parseRetention(value);
    } catch (e) {
      ctx.addIssue({
        code: "custom",
        message: message(e),
        input: value,
        params: { suggestion: 'write a duration such as "7d", "30d" or "12h", or "forever"' },
      });
      return z.NEVER;
    }
  });

const ISO_INSTANT =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

/**
 * Parse a one-shot instant: an ISO 8601 string with an offset (or Z), or ms since the epoch.
 * Throws an Error whose message says what was expected; `suggestion` on it says how to fix it.
 */
export function parseInstant(value: string | number): number {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value) && value >= 0) return value;
    throw new Error(`expected ms since the epoch (an integer >= 0), got ${value}`);
  }
  const ms = ISO_INSTANT.test(value) ? Date.parse(value.replace(" ", "T")) : NaN;
  if (!Number.isNaN(ms)) return ms;
  const local = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(value);
  const utc = value.length === 10 ? `${value}T00:00:00Z` : `${value.replace(" ", "T")}Z`;
  throw Object.assign(
    new Error(`expected an ISO 8601 instant with an offset, got ${JSON.stringify(value)}`),
    {
      suggestion: local
        ? `say which zone it is in, e.g. ${JSON.stringify(utc)} for UTC`
        : 'write it as "2026-12-01T09:00:00Z" or "2026-12-01T10:00:00+01:00"',
    },
  );
}

/** A one-shot instant: ISO 8601 with an offset (or Z), or ms since the epoch. Output: ms. */
const instant = z
  .union([z.string(), z.number()], {
    error: 'expected an ISO 8601 instant such as "2026-12-01T09:00:00Z", or ms since the epoch',
  })
  .transform((value, ctx) => {
    try {
      return parseInstant(value);
    } catch (e) {
      const suggestion = (e as { suggestion?: string }).suggestion;
      ctx.addIssue({
        code: "custom",
        message: message(e),
        input: value,
        params: suggestion === undefined ? {} : { suggestion },
      });
      return z.NEVER;
    }
  })
  .describe('An ISO 8601 instant with an offset, e.g. "2026-12-01T09:00:00Z", or ms since epoch');

const timezone = TimeZoneSchema.describe(
  'IANA time zone the cron expression is evaluated in (default "UTC")',
);

/** Values of `env` and `headers`: numbers and booleans are taken as their text. */
const textValue = z
  .union([z.string(), z.number(), z.boolean()], { error: "expected a string" })
  .transform((v) => String(v));

const stringMap = z.record(z.string(), textValue);

export const OVERLAP_POLICIES = [
  "skip",
  "buffer_one",
  "buffer_all",
  "cancel_other",
  "terminate_other",
  "allow_all",
] as const;

export const CATCHUP_POLICIES = ["skip", "latest", "all"] as const;

export const ScheduleSchema = z
  .strictObject({
    name,
    cron: z
      .string()
      .describe('Cron expression, 5 or 6 fields or a macro such as "@daily"; one of cron/every/at')
      .optional(),
    timezone: timezone.optional(),
    every: duration.describe("Fixed interval between fires; one of cron/every/at").optional(),
    at: instant.describe("Fire once at this instant; one of cron/every/at").optional(),
    payload: z.unknown().describe("Payload of each job (any JSON value; default {})").optional(),
    enabled: z.boolean().describe("false pauses the schedule (default true)").optional(),
    pauseNote: z.string().nullable().describe("Why the schedule is paused").optional(),
    overlap: z
      .enum(OVERLAP_POLICIES)
      .describe("What a slot does while the previous job still runs (default skip)")
      .optional(),
    bufferLimit: z
      .int()
      .min(1)
      .describe("For overlap buffer_all: at most this many buffered slots (default 10)")
      .optional(),
    catchup: z
      .enum(CATCHUP_POLICIES)
      .describe("Which slots missed during downtime run (default latest)")
      .optional(),
    catchupWindow: duration
      .describe("For catchup all: only slots this recent run (default 1h)")
      .optional(),
    jitter: duration.describe("Random delay added to each slot, below this (default 0)").optional(),
  })
  .describe("A schedule of the function");

const BackoffSchema = z
  .strictObject({
    type: z.enum(["fixed", "exponential"]).describe("default exponential").optional(),
    delay: duration.describe("Delay before the first retry (default 1s)").optional(),
    factor: z.number().min(1).describe("Growth factor for exponential (default 2)").optional(),
    maxDelay: duration.describe("Upper bound of any delay (default 1h)").optional(),
    jitter: z
      .number()
      .min(0)
      .max(1)
      .describe("Fraction of each delay that is randomised, 0..1 (default 0.1)")
      .optional(),
  })
  .describe("Delay between attempts");

const ConcurrencySchema = z
  .strictObject({
    key: z
      .string()
      .min(1)
      .superRefine((value, ctx) => {
        try {
          parseKeyTemplate(value);
        } catch (e) {
          ctx.addIssue({ code: "custom", message: message(e), input: value });
        }
      })
      .describe('Key template: "{path.in.payload}" is replaced from each job\'s payload'),
    limit: z.int().min(1).describe("Jobs per key at once (default 1)").optional(),
  })
  .describe("Per-key concurrency limit");

const functionFields = {
  name,
  timeout: durationOf({
    maxMs: MAX_TIMER_MS,
    why: "about 24.8 days, the longest timer Node honours",
  })
    .describe("Attempt timeout; 0 disables (default 30m)")
    .optional(),
  retries: z
    .int()
    .min(0)
    .max(MAX_ATTEMPTS - 1)
    .describe(`Extra attempts after the first (default 2, at most ${MAX_ATTEMPTS - 1})`)
    .optional(),
  backoff: BackoffSchema.optional(),
  concurrency: ConcurrencySchema.optional(),
  maxPending: z
    .int()
    .min(1)
    .describe("Enqueue fails with QueueFull when this many jobs are pending")
    .optional(),
  priority: z.int().describe("Default priority of its jobs; higher runs first").optional(),
  retention: retention
    .describe(
      'How long its finished jobs and their logs are kept: "30d", "12h", or "forever" (default: the top-level retention)',
    )
    .optional(),
  maxPayloadBytes: z
    .int()
    .min(1)
    .describe(
      "Largest payload its jobs accept, bytes of JSON (default: the top-level maxPayloadBytes)",
    )
    .optional(),
  schedules: z.array(ScheduleSchema).describe("Schedules that run this function").optional(),
  kubernetes: FunctionKubernetesSchema.optional(),
};

const argv = z
  .array(z.string().min(1), { error: "expected an argv array of strings" })
  .min(1)
  .describe('argv array, e.g. ["node", "scripts/report.js"]; never a shell string');

const CommandFunctionSchema = z
  .strictObject({
    kind: z.literal("command"),
    command: argv,
    env: stringMap.describe('Extra environment variables, e.g. { TOKEN: "${TOKEN}" }').optional(),
    cwd: z
      .string()
      .min(1)
      .describe("Working directory, relative to this file (default: this file's directory)")
      .optional(),
    ...functionFields,
  })
  .describe("Runs a child process with the payload as JSON on stdin");

const HttpFunctionSchema = z
  .strictObject({
    kind: z.literal("http"),
    url: z
      .string()
      .refine((v) => /^https?:\/\/[^\s/]+/i.test(v) && URL.canParse(v), {
        error: 'expected an http(s) URL such as "https://example.com/hooks/report"',
      })
      .describe("URL the payload is sent to as JSON"),
    method: z.enum(["POST", "PUT"]).describe("default POST").optional(),
    headers: stringMap.describe("Request headers").optional(),
    ...functionFields,
  })
  .describe("Sends the payload as JSON to a URL");

const ModuleFunctionSchema = z
  .strictObject({
    kind: z.literal("module"),
    file: z.string().min(1).describe("JS/TS file, relative to this file"),
    export: z.string().min(1).describe('Exported handler (default "default")').optional(),
    ...functionFields,
  })
  .describe("Imports a file and calls its exported handler");

export const FUNCTION_KINDS = ["http", "command", "module"] as const;

export const FunctionSchema = z.discriminatedUnion("kind", [
  HttpFunctionSchema,
  CommandFunctionSchema,
  ModuleFunctionSchema,
]);

export const ConfigSchema = z
  .strictObject({
    store: z
      .string()
      .min(1)
      .describe('Store URL, e.g. "sqlite:.kairos/kairos.db" (default)')
      .optional(),
    retention: retention
      .describe(
        'How long finished jobs, their logs and schedule history are kept: "7d", "30d", or "forever" (default 7d)',
      )
      .optional(),
    eventRetention: retention
      .describe(
        'How long the event feed (live events, kairos jobs watch, SSE resume) keeps events: "1d" (default), "12h", or "forever"',
      )
      .optional(),
    maxPayloadBytes: z
      .int()
      .min(1)
      .describe("Largest payload enqueue accepts, bytes of JSON (default 1048576, 1 MiB)")
      .optional(),
    functions: z.array(FunctionSchema).describe("Functions and their schedules").optional(),
    workflows: z
      .array(WorkflowSchema)
      .describe("Workflows: DAGs of tasks running the functions (see docs/workflows.md)")
      .optional(),
    scheduler: SchedulerBlockSchema.optional(),
    kubernetes: KubernetesSchema.optional(),
  })
  .describe("Kairos declarative config (kairos.yaml)");

/** The file as written. */
export type ConfigInput = z.input<typeof ConfigSchema>;
/** The file with durations and instants in ms. */
export type ConfigOutput = z.output<typeof ConfigSchema>;

/** The keys each object of the file accepts, for "did you mean" on an unknown key. */
export const KNOWN_KEYS = {
  top: Object.keys(ConfigSchema.shape),
  function: {
    http: Object.keys(HttpFunctionSchema.shape),
    command: Object.keys(CommandFunctionSchema.shape),
    module: Object.keys(ModuleFunctionSchema.shape),
  },
  schedule: Object.keys(ScheduleSchema.shape),
  backoff: Object.keys(BackoffSchema.shape),
  concurrency: Object.keys(ConcurrencySchema.shape),
  kubernetes: Object.keys(KubernetesSchema.shape),
  scheduler: Object.keys(SchedulerBlockSchema.shape),
  functionKubernetes: Object.keys(FunctionKubernetesSchema.shape),
  workflow: WORKFLOW_KNOWN_KEYS,
} as const;
