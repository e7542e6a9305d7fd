import { describe, expect, it } from "vitest";
import { taskTryOrigin } from "../../src/core/workflows/task-errors.js";
import { silentLogger } from "../../src/ports/logger.js";
import type { WorkflowStore } from "../../src/ports/workflow-store.js";
import { createEngineFeedParts } from "../../src/runtime/engine-feed.js";
import { EventBus } from "../../src/runtime/event-bus.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { MemoryFeedStore } from "../helpers/memory-feed-store.js";
import { MemoryTokenStore } from "../helpers/memory-token-store.js";

const T0 = Date.parse("2026-12-01T00:00:00Z");

describe("engine feed parts", () => {
  it("records the bus from the start, fills a task job's workflow from the store, and flushes on stopRecorder", async () => {
    const clock = new ManualClock(T0);
    const feedStore = new MemoryFeedStore();
    const bus = new EventBus(silentLogger);
    const workflowStore = {
      getRun: async (id: string) => (id === "8" ? { workflow: "etl" } : null),
    } as unknown as WorkflowStore;
    const parts = createEngineFeedParts(
      { tokenStore: new MemoryTokenStore(), feedStore, workflowStore, clock, logger: silentLogger },
      bus,
      "w9",
    );
    bus.emit("job:queued", {
      jobId: "1",
      fn: "load",
      attempt: 1,
      at: T0,
      runAt: T0,
      origin: taskTryOrigin("8", "load", 1),
    });
    await parts.stopRecorder();
    expect(feedStore.events).toMatchObject([
      { name: "job:queued", workflow: "etl", subject: "1", instance: "w9" },
    ]);
    expect(clock.pendingTimers()).toBe(0);
    const page = await parts.feed.read({ workflows: ["etl"] }, 0);
    expect(page.items).toHaveLength(1);
    await parts.tokens.create({ scope: "read" });
    expect(await parts.tokens.activeCount()).toBe(1);
  });

  it("without the tables: no token verifies or is active, writes and feed reads explain why", async () => {
    const clock = new ManualClock(T0);
    const parts = createEngineFeedParts(
      { clock, logger: silentLogger },
      new EventBus(silentLogger),
      "w",
    );
    expect(await parts.tokens.activeCount()).toBe(0);
    expect(await parts.tokens.verify("kairos_abcdefgh12_" + "x".repeat(43))).toBeNull();
    await expect(parts.tokens.create({ scope: "read" })).rejects.toThrow(/no API token table/);
    await expect(parts.feed.read({}, 0)).rejects.toThrow(/no event feed/);
    const iterator = parts.feed.subscribe({})[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toThrow(/no event feed/);
    await parts.stopRecorder();
  });
});
