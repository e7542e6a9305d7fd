/**
 * @module stores/conformance/job-store-search
 * Conformance of `list` with a text `search`: what it matches (exact job id; substring of the
 * idempotency key, the fn and the last error's message, case-insensitive), that `%`, `_` and
 * `\` match themselves, that it combines with fn and state, and that paging through matches
 * with beforeId sees each match once.
 */
import { describe, expect, it } from "vitest";
import type { JobStore, StoredJob } from "../../ports/job-store.js";
import { T0, claimOne, enqueueOne, ids, type SuiteContext } from "./job-store-fixtures.js";

/** Claim the oldest queued job of `fn` and fail it with `message`. */
async function failWith(store: JobStore, fn: string, message: string): Promise<StoredJob> {
  const running = await claimOne(store, { fns: [fn], now: T0 + 10 });
  await store.finalize(
    [
      {
        jobId: running.id,
        leaseToken: running.leaseToken!,
        outcome: { kind: "failed", error: { name: "Error", message } },
      },
    ],
    T0 + 11,
  );
  return running;
}

/** Define the `list` search cases. */
export function defineSearchTests(ctx: SuiteContext): void {
  describe("list with search", () => {
    it("matches a key, a fn and an error message as case-insensitive substrings", async () => {
      const store = ctx.store();
      const keyed = await enqueueOne(store, { idempotencyKey: "Order-4711-Invoice" });
      const resize = await enqueueOne(store, { fn: "resize_Image" });
      const failing = await enqueueOne(store, { fn: "charge" });
      await failWith(store, "charge", "Card DECLINED by the bank");
      await enqueueOne(store, { idempotencyKey: "other" });

      expect(ids(await store.list({ search: "order-4711" }))).toEqual([keyed.id]);
      expect(ids(await store.list({ search: "4711-INVOICE" }))).toEqual([keyed.id]);
      expect(ids(await store.list({ search: "IMAGE" }))).toEqual([resize.id]);
      expect(ids(await store.list({ search: "declined" }))).toEqual([failing.id]);
      expect(await store.list({ search: "nothing like it" })).toEqual([]);
    });

    it("matches a job id exactly, not as a substring", async () => {
      const store = ctx.store();
      const jobs = [];
      for (let i = 0; i < 3; i += 1) jobs.push(await enqueueOne(store, { fn: "plain" }));
      const target = jobs[1]!;
      expect(ids(await store.list({ search: target.id }))).toEqual([target.id]);
      expect(await store.list({ search: `${target.id}0000` })).toEqual([]);
    });

    it("reads %, _ and backslash literally", async () => {
      const store = ctx.store();
      const percent = await enqueueOne(store, { idempotencyKey: "50%off" });
      const underscore = await enqueueOne(store, { idempotencyKey: "a_b" });
      const slash = await enqueueOne(store, { idempotencyKey: "dir\\file" });
      await enqueueOne(store, { idempotencyKey: "50 off axb dirfile" });
      expect(ids(await store.list({ search: "%" }))).toEqual([percent.id]);
      expect(ids(await store.list({ search: "_" }))).toEqual([underscore.id]);
      expect(ids(await store.list({ search: "\\" }))).toEqual([slash.id]);
      expect(ids(await store.list({ search: "0%o" }))).toEqual([percent.id]);
    });

    it("combines with fn and state", async () => {
      const store = ctx.store();
      const a = await enqueueOne(store, { fn: "mail", idempotencyKey: "user-1" });
      const b = await enqueueOne(store, { fn: "sms", idempotencyKey: "user-2" });
      const c = await enqueueOne(store, { fn: "mail", idempotencyKey: "user-3" });
      await failWith(store, "mail", "mailbox full"); // a: oldest of "mail"
      expect(ids(await store.list({ search: "user", fn: "mail" }))).toEqual([c.id, a.id]);
      expect(ids(await store.list({ search: "user", state: "queued" }))).toEqual([c.id, b.id]);
      expect(ids(await store.list({ search: "user", state: ["failed", "running"] }))).toEqual([
        a.id,
      ]);
      expect(ids(await store.list({ search: "user", state: "failed", fn: "sms" }))).toEqual([]);
    });

    it("pages through the matches with beforeId, each once", async () => {
      const store = ctx.store();
      const matches: StoredJob[] = [];
      for (let i = 0; i < 7; i += 1) {
        matches.push(await enqueueOne(store, { idempotencyKey: `batch-${i}` }));
        await enqueueOne(store, { idempotencyKey: `noise-${i}` });
      }
      const seen: string[] = [];
      let beforeId: string | undefined;
      for (let pages = 0; pages < 10; pages += 1) {
        const page = await store.list({
          search: "batch",
          limit: 2,
          ...(beforeId ? { beforeId } : {}),
        });
        seen.push(...ids(page));
        if (page.length < 2) break;
        beforeId = page[page.length - 1]!.id;
      }
      expect(seen).toEqual(ids(matches).reverse());
    });
  });
}
