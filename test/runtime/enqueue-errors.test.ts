import { describe, expect, it } from "vitest";
import {
  ConflictError,
  DuplicateDefinitionError,
  QueueFullError,
  ShuttingDownError,
  ValidationError,
  KairosError,
} from "../../src/index.js";
import { nextEvent } from "../helpers/async.js";
import { memoryKairos } from "../helpers/kairos.js";

describe("idempotency keys", () => {
  it("returns the existing job for the same key, function and payload", async () => {
    const k = await memoryKairos();
    k.define("send", () => null);
    const a = await k.enqueue(
      "send",
      { to: "x", body: { b: 1, a: 2 } },
      { idempotencyKey: "mail-1" },
    );
    // Same payload, keys in another order: canonical JSON makes it equal.
    const b = await k.enqueue(
      "send",
      { body: { a: 2, b: 1 }, to: "x" },
      { idempotencyKey: "mail-1" },
    );
    expect(b.id).toBe(a.id);
    expect(await k.jobs.list({ fn: "send" })).toHaveLength(1);
  });

  it("throws ConflictError for the same key with another payload or function, writing nothing", async () => {
    const k = await memoryKairos();
    k.define("send", () => null).define("other", () => null);
    const a = await k.enqueue("send", { to: "x" }, { idempotencyKey: "k" });
    const err = await k
      .enqueue("send", { to: "y" }, { idempotencyKey: "k" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).code).toBe("CONFLICT");
    expect((err as ConflictError).existingJobId).toBe(a.id);
    await expect(k.enqueue("other", { to: "x" }, { idempotencyKey: "k" })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await k.jobs.list({})).toHaveLength(1);
  });

  it("still returns the existing job after it finished (never a second run)", async () => {
    const k = await memoryKairos();
    let runs = 0;
    k.define("once", () => ++runs);
    const a = await k.enqueue("once", {}, { idempotencyKey: "only-once" });
    await k.start();
    await nextEvent(k, "job:succeeded", (e) => e.jobId === a.id);
    const b = await k.enqueue("once", {}, { idempotencyKey: "only-once" });
    expect(b).toMatchObject({ id: a.id, state: "succeeded" });
    expect(runs).toBe(1);
  });
});

describe("bounded queues and distinct errors", () => {
  it("throws QueueFullError when maxPending jobs are pending, and accepts again once one finishes", async () => {
    const k = await memoryKairos();
    k.define("bounded", () => null, { maxPending: 2 });
    await k.enqueue("bounded", 1);
    await k.enqueue("bounded", 2);
    const err = await k.enqueue("bounded", 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueFullError);
    expect(err).not.toBeInstanceOf(ValidationError);
    expect((err as KairosError).code).toBe("QUEUE_FULL");
    await expect(k.enqueueMany("bounded", [4])).rejects.toBeInstanceOf(QueueFullError);
    await k.start();
    await nextEvent(k, "job:succeeded");
    await expect(k.enqueue("bounded", 5)).resolves.toMatchObject({ fn: "bounded" });
  });

  it("rejects a whole batch that would overflow, storing none of it", async () => {
    const k = await memoryKairos();
    k.define("bounded", () => null, { maxPending: 3 });
    await expect(k.enqueueMany("bounded", [1, 2, 3, 4])).rejects.toBeInstanceOf(QueueFullError);
    expect(await k.jobs.list({ fn: "bounded" })).toHaveLength(0);
  });

  it("gives ValidationError for bad input, distinct from the others", async () => {
    const k = await memoryKairos();
    k.define("f", () => null);
    const bads: Promise<unknown>[] = [
      k.enqueue("f", { n: 10n }),
      k.enqueue("f", {}, { runAt: Number.NaN }),
      k.enqueue("f", {}, { priority: 1.5 }),
      k.enqueue("f", {}, { maxAttempts: 0 }),
      k.enqueue("", {}),
    ];
    for (const bad of bads) {
      const err = await bad.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as KairosError).code).toBe("VALIDATION");
    }
    expect(await k.jobs.list({})).toHaveLength(0);
  });

  it("caps maxAttempts at 1000 in define() and in the enqueue override", async () => {
    const k = await memoryKairos();
    expect(() => k.define("many", () => null, { maxAttempts: 1_000_000_000 })).toThrow(
      /maxAttempts must be an integer from 1 to 1000, got 1000000000/,
    );
    k.define("ok", () => null, { maxAttempts: 1_000 });
    const err = await k.enqueue("ok", {}, { maxAttempts: 1_001 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/maxAttempts must be an integer from 1 to 1000/);
    expect(await k.jobs.list({})).toHaveLength(0);
  });

  it("throws ShuttingDownError once stop has begun", async () => {
    const k = await memoryKairos();
    await k.stop();
    const err = await k.enqueue("f", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShuttingDownError);
    expect((err as KairosError).code).toBe("SHUTTING_DOWN");
  });

  it("refuses to define a function name twice", async () => {
    const k = await memoryKairos();
    k.define("dup", () => null);
    expect(() => k.define("dup", () => null)).toThrow(DuplicateDefinitionError);
  });
});
