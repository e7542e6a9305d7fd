/**
 * The engine's event feed and tokens on real stores: what one engine does, another engine on
 * the same store sees through the feed (the basis of SSE across replicas); tokens created by
 * one engine verify on another; metrics' live counts come from the store; old feed events are
 * deleted by the leader's event-retention duty.
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createKairos, type Kairos } from "../../src/index.js";
import type { FeedItem } from "../../src/runtime/client.js";
import { waitFor } from "../helpers/async.js";
import { tempDir } from "../helpers/kairos.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const open: Kairos[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((k) => k.stop({ drainMs: 0 })));
});

async function engine(url: string, options: { eventRetention?: string } = {}): Promise<Kairos> {
  const k = await createKairos({ store: url, ...options });
  open.push(k);
  return k;
}

async function take(
  items: AsyncIterable<FeedItem>,
  until: (names: string[]) => boolean,
): Promise<string[]> {
  const names: string[] = [];
  for await (const item of items) {
    if (item.type === "event") names.push(`${item.event.name} ${item.event.fn ?? "-"}`);
    if (until(names)) break;
  }
  return names;
}

function suite(url: () => string): void {
  it("an engine following the feed sees another engine's job from queued to succeeded", async () => {
    const store = url();
    const watcher = await engine(store);
    const worker = await engine(store);
    worker.define("greet", async () => "hi");
    const abort = new AbortController();
    const seen = take(
      watcher.feed.subscribe({ kinds: ["job"], fns: ["greet"] }, { signal: abort.signal }),
      (names) => names.includes("job:succeeded greet"),
    );
    await worker.start({ pollIntervalMs: 20 });
    await worker.enqueue("greet", {});
    expect(await seen).toEqual(["job:queued greet", "job:started greet", "job:succeeded greet"]);
    abort.abort();
    const page = await watcher.feed.read({ kinds: ["job"] }, 0, 100);
    expect(page.items.map((e) => e.name)).toEqual(["job:queued", "job:started", "job:succeeded"]);
    expect(page.items[0]!.instance).not.toBe("");
  }, 30_000);

  it("a token created by one engine verifies on another; a revoke is seen there", async () => {
    const store = url();
    const a = await engine(store);
    const b = await engine(store);
    const { token, info } = await a.tokens.create({ scope: "read", name: "grafana" });
    expect(token).toMatch(/^kairos_/);
    expect((await b.tokens.verify(token))?.id).toBe(info.id);
    expect(await b.tokens.activeCount()).toBe(1);
    await a.tokens.revoke(info.id);
    expect(await a.tokens.verify(token)).toBeNull();
    expect((await a.tokens.list()).map((t) => t.revokedAt !== null)).toEqual([true]);
  });

  it("reports live counts of jobs by state and waiting queues for metrics", async () => {
    const k = await engine(url());
    k.define("slow", async () => "x");
    await k.enqueueMany("slow", [{}, {}, {}]);
    await k.enqueue("slow", {}, { runAt: Date.now() + 3_600_000 });
    const snapshot = await k.metricsSnapshot();
    expect(snapshot.jobs).toEqual(
      expect.arrayContaining([
        { fn: "slow", state: "queued", count: 3 },
        { fn: "slow", state: "scheduled", count: 1 },
      ]),
    );
    expect(snapshot.queues).toEqual([
      { fn: "slow", depth: 3, oldestRunAt: expect.any(Number) as number },
    ]);
  });

  it("the leader deletes feed events older than eventRetention", async () => {
    const k = await engine(url(), { eventRetention: "1ms" });
    k.define("noop", async () => null);
    await k.enqueue("noop", {});
    await waitFor(async () => (await k.feed.bounds()).newestId !== null, "a recorded event");
    await k.start({ pollIntervalMs: 20 });
    await waitFor(
      async () => k.leadership().duties.some((d) => d.name === "event-retention" && d.runs > 0),
      "an event-retention run",
    );
    const page = await k.feed.read({}, 0, 100);
    expect(page.items.filter((e) => e.name === "job:queued")).toEqual([]);
  }, 30_000);
}

describe("engine feed and tokens on an SQLite file", () => {
  suite(() => `sqlite:${path.join(tempDir(), "k.db")}`);
});

describePg("engine feed and tokens on PostgreSQL", () => {
  suite(() => `${pgUrl().replace(/^postgresql:/, "postgres:")}?schema=${freshSchema()}`);
});
