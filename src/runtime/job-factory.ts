/**
 * @module runtime/job-factory
 * Builds the rows of new jobs — from `enqueue`, a schedule's fire, a trigger — with the job's
 * policy resolved once and stamped on it (`core/jobs/policy`): the call's own options, then
 * the function's spec declared by `kairos apply` and read from the store, then its `define()`
 * options in this process, then the defaults. Every creator goes through here, so a job's
 * policy never depends on which process created it.
 *
 * Store reads: a function's declared spec is read at most once per function every
 * `SPEC_FRESH_MS` (a burst of fires or enqueues shares one read); an apply in this process
 * drops what was read at once, and a spec changed by `kairos apply` in another process applies
 * to every job created from `SPEC_FRESH_MS` after it committed.
 */
import { ValidationError } from "../core/errors.js";
import {
  concurrencyKeyFor,
  jobOptionsFromSpecJson,
  resolveFunctionPolicy,
  type CallOverrides,
  type FunctionJobOptions,
} from "../core/jobs/policy.js";
import { API_ORIGIN, type JobOrigin } from "../core/jobs/origin.js";
import { DEFAULT_MAX_PAYLOAD_BYTES, payloadJson } from "../core/payload.js";
import type { NewJob } from "../ports/job-store.js";
import type { StoredFunction } from "../ports/schedule-store.js";
import type { FunctionRegistry } from "./functions.js";

/** Per-call options of a new job. */
export interface NewJobOptions extends CallOverrides {
  /** Not before this instant (Date or ms since epoch). Default: now. */
  readonly runAt?: Date | number;
  readonly idempotencyKey?: string;
}

/** The capabilities the factory is handed. */
export interface JobFactoryCapabilities {
  readonly registry: FunctionRegistry;
  /** The function as `kairos apply` stored it, or null (no such function, or no schedule store). */
  getFunction(name: string): Promise<StoredFunction | null>;
  /** The engine's clock (ms since epoch). */
  now(): number;
  /** The engine's payload size limit (`createKairos({ maxPayloadBytes })`); default 1 MiB. */
  readonly maxPayloadBytes?: number;
}

/** How long a function's declared spec, once read, serves new jobs (ms). */
export const SPEC_FRESH_MS = 250;

/** Builds new job rows; see the module header. */
export class JobFactory {
  private memo = new Map<string, { at: number; spec: Promise<StoredOptions> }>();

  constructor(private readonly caps: JobFactoryCapabilities) {}

  /**
   * The rows for `payloads` of `fn`, each with its resolved policy and `origin` (default: an
   * api job). Throws ValidationError for bad input; nothing is written here.
   */
  async build(
    fn: string,
    payloads: readonly unknown[],
    options: NewJobOptions,
    now: number,
    origin: JobOrigin = API_ORIGIN,
  ): Promise<NewJob[]> {
    return this.buildWith(await this.declared(fn), fn, payloads, options, now, origin);
  }

  /**
   * Read the specs of `fns` now and return a synchronous builder over them, for callers that
   * must build rows inside a store transaction (the workflow planner). The builder throws
   * UnpreparedFunctionError for a function that was not in `fns`.
   */
  async prepare(fns: Iterable<string>): Promise<SyncJobBuilder> {
    const names = [...new Set(fns)];
    const specs = new Map(
      await Promise.all(names.map(async (fn) => [fn, await this.declared(fn)] as const)),
    );
    return (fn, payload, options, now, origin) => {
      const stored = specs.get(fn);
      if (stored === undefined) throw new UnpreparedFunctionError(fn);
      const [job] = this.buildWith(stored, fn, [payload], options, now, origin);
      if (!job) throw new Error("unreachable: the job factory built no job for one payload");
      return { ...job, origin };
    };
  }

  private buildWith(
    stored: StoredOptions,
    fn: string,
    payloads: readonly unknown[],
    options: NewJobOptions,
    now: number,
    origin: JobOrigin,
  ): NewJob[] {
    const where = `enqueue("${fn}")`;
    const defined = this.caps.registry.get(fn);
    // Everything but the concurrency key is the same for every payload of the call.
    const policy = resolveFunctionPolicy({
      declared: stored.declared,
      // define() options here, else those another process registered when it started.
      defined: defined?.options ?? stored.registered,
      call: options,
      where,
    });
    const runAt = Math.round(runAtOf(options.runAt, now, where));
    const idempotencyKey = idempotencyKeyOf(options.idempotencyKey, where);
    const maxBytes =
      stored.maxPayloadBytes ??
      defined?.maxPayloadBytes ??
      this.caps.maxPayloadBytes ??
      DEFAULT_MAX_PAYLOAD_BYTES;
    const context = `function "${fn}"`;
    return payloads.map((payload, index) => ({
      fn,
      payloadJson: payloadJson(payload, {
        path: index === 0 ? "payload" : `payloads[${index}]`,
        maxBytes,
        context,
      }),
      priority: policy.priority,
      runAt,
      maxAttempts: policy.maxAttempts,
      idempotencyKey,
      concurrencyKey: concurrencyKeyFor(policy, payload, where),
      concurrencyLimit: policy.concurrencyLimit,
      backoff: policy.backoff,
      timeoutMs: policy.timeoutMs,
      maxPending: policy.maxPending,
      origin,
    }));
  }

  /** The job of a schedule's slot: its stored payload, the function's policy. */
  async forSchedule(
    schedule: { readonly fn: string; readonly payloadJson: string },
    now: number,
  ): Promise<NewJob> {
    const payload = JSON.parse(schedule.payloadJson) as unknown;
    const [job] = await this.build(schedule.fn, [payload], {}, now);
    if (!job) throw new Error("unreachable: the job factory built no job for one payload");
    return job;
  }

  /** Drop what was read this turn (a spec was just changed in this process). */
  forget(): void {
    this.memo.clear();
  }

  private declared(fn: string): Promise<StoredOptions> {
    const now = this.caps.now();
    const memo = this.memo.get(fn);
    if (memo && now - memo.at >= 0 && now - memo.at < SPEC_FRESH_MS) return memo.spec;
    const spec = this.caps.getFunction(fn).then((stored): StoredOptions => {
      if (stored === null || (stored.kind === "inline" && stored.source !== "define")) {
        return NOTHING_STORED;
      }
      const options = jobOptionsFromSpecJson(stored.specJson, fn);
      if (stored.source === "define") return { ...NOTHING_STORED, registered: options };
      return {
        declared: options,
        registered: null,
        maxPayloadBytes: declaredMaxPayloadBytes(stored.specJson),
      };
    });
    // A failed read is not kept: the next job reads again.
    spec.catch(() => this.memo.delete(fn));
    this.memo.set(fn, { at: now, spec });
    return spec;
  }
}

/** Builds one job row synchronously from specs read beforehand (`JobFactory.prepare`). */
export type SyncJobBuilder = (
  fn: string,
  payload: unknown,
  options: NewJobOptions,
  now: number,
  origin: JobOrigin,
) => NewJob & { readonly origin: JobOrigin };

/** A synchronous builder was asked for a function it was not prepared for. */
export class UnpreparedFunctionError extends Error {
  constructor(readonly fn: string) {
    super(`the job builder was not prepared for function "${fn}"`);
    this.name = "UnpreparedFunctionError";
  }
}

/** A function's options as stored: declared by apply, or registered by a define()ing process. */
interface StoredOptions {
  readonly declared: FunctionJobOptions | null;
  readonly registered: FunctionJobOptions | null;
  /** `maxPayloadBytes` declared in kairos.yaml, if any. */
  readonly maxPayloadBytes: number | undefined;
}

const NOTHING_STORED: StoredOptions = {
  declared: null,
  registered: null,
  maxPayloadBytes: undefined,
};

function runAtOf(runAt: Date | number | undefined, now: number, where: string): number {
  if (runAt === undefined) return now;
  const ms = runAt instanceof Date ? runAt.getTime() : runAt;
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw new ValidationError(`${where}: runAt must be a valid Date or ms since epoch`);
  }
  return ms;
}

function idempotencyKeyOf(key: string | undefined, where: string): string | null {
  if (key === undefined) return null;
  if (typeof key !== "string" || key.length === 0 || key.length > 512) {
    throw new ValidationError(`${where}: idempotencyKey must be a string of 1-512 characters`);
  }
  return key;
}

/** A stored spec's `options.maxPayloadBytes` (declared in kairos.yaml), if any. */
function declaredMaxPayloadBytes(specJson: string): number | undefined {
  const spec = JSON.parse(specJson) as { options?: { maxPayloadBytes?: unknown } } | null;
  const value = spec?.options?.maxPayloadBytes;
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}
