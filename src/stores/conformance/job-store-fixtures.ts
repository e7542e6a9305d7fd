/**
 * @module stores/conformance/job-store-fixtures
 * Shared helpers of the JobStore conformance suite. Everything here goes through the port only:
 * no SQL, no adapter internals, no clock — every instant is a `now` the test passes.
 */
import { expect } from "vitest";
import type { KairosError, KairosErrorCode } from "../../core/errors.js";
import type { JobStore, NewJob, StoredJob } from "../../ports/job-store.js";

/** The instant every test starts at (ms since epoch). Any fixed value works. */
export const T0 = 1_700_000_000_000;

/** Default lease used by claims in the suite. */
export const LEASE_MS = 30_000;

/** Gives each section of the suite the store opened for the running test. */
export interface SuiteContext {
  /** The store opened (and migrated) for the running test. */
  store(): JobStore;
  /** Close the running test's store now; the suite's afterEach then leaves it alone. */
  close(): Promise<void>;
}

/** A NewJob with neutral defaults: fn "email", payload {}, due at T0, no keys, no bound. */
export function newJob(overrides: Partial<NewJob> = {}): NewJob {
  return {
    fn: "email",
    payloadJson: "{}",
    priority: 0,
    runAt: T0,
    maxAttempts: 3,
    idempotencyKey: null,
    concurrencyKey: null,
    concurrencyLimit: 1,
    backoff: { type: "fixed", delayMs: 0 },
    timeoutMs: 0,
    maxPending: null,
    ...overrides,
  };
}

/** Enqueue one job at `now` and return it (asserting it was created). */
export async function enqueueOne(
  store: JobStore,
  overrides: Partial<NewJob> = {},
  now = T0,
): Promise<StoredJob> {
  const [outcome] = await store.enqueue([newJob(overrides)], now);
  expect(outcome?.created).toBe(true);
  return outcome!.job;
}

/** Enqueue `count` jobs one call at a time (so each gets its own transaction). */
export async function enqueueMany(
  store: JobStore,
  count: number,
  overrides: (i: number) => Partial<NewJob> = () => ({}),
  now = T0,
): Promise<StoredJob[]> {
  const jobs: StoredJob[] = [];
  for (let i = 0; i < count; i += 1) jobs.push(await enqueueOne(store, overrides(i), now));
  return jobs;
}

/** Options of `claim` with the suite's defaults (worker "w1", fn "email", limit 1, now T0). */
export interface ClaimOptions {
  readonly workerId?: string;
  readonly fns?: readonly string[];
  readonly limit?: number;
  readonly now?: number;
  readonly leaseMs?: number;
}

/** Claim with the suite's defaults. */
export function claim(store: JobStore, options: ClaimOptions = {}): Promise<StoredJob[]> {
  return store.claim({
    workerId: options.workerId ?? "w1",
    fns: options.fns ?? ["email"],
    limit: options.limit ?? 1,
    now: options.now ?? T0,
    leaseMs: options.leaseMs ?? LEASE_MS,
  });
}

/** Claim exactly one job and return it (fails the test if none or several came back). */
export async function claimOne(store: JobStore, options: ClaimOptions = {}): Promise<StoredJob> {
  const jobs = await claim(store, { ...options, limit: 1 });
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
}

/** The stored job, failing the test when it is missing. */
export async function mustGet(store: JobStore, jobId: string): Promise<StoredJob> {
  const job = await store.get(jobId);
  expect(job, `job ${jobId} should exist`).not.toBeNull();
  return job!;
}

/**
 * Await `promise`, expect it to reject with an instance of `errorClass` carrying `code`, and
 * return the error for further checks.
 */
export async function expectKairosError<E extends KairosError>(
  promise: Promise<unknown>,
  errorClass: abstract new (...args: never[]) => E,
  code: KairosErrorCode,
): Promise<E> {
  const outcome = await promise.then(
    (value) => ({ rejected: false as const, value }),
    (error: unknown) => ({ rejected: true as const, error }),
  );
  if (!outcome.rejected) {
    expect.fail(`expected ${errorClass.name} (${code}), but the call resolved`);
  }
  expect(outcome.error).toBeInstanceOf(errorClass);
  expect((outcome.error as KairosError).code).toBe(code);
  return outcome.error as E;
}

/** Ids of jobs, in order. */
export function ids(jobs: readonly StoredJob[]): string[] {
  return jobs.map((job) => job.id);
}
