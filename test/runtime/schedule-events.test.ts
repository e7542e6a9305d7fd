import { describe, expect, it } from "vitest";
import type { Kairos } from "../../src/index.js";
import { waitFor } from "../helpers/async.js";
import { memoryKairos } from "../helpers/kairos.js";

const NAMES = ["schedule:paused", "schedule:resumed", "schedule:changed"] as const;

function record(k: Kairos): unknown[][] {
  const seen: unknown[][] = [];
  k.on("schedule:paused", (e) => seen.push(["paused", e.schedule, e.note, e.source]));
  k.on("schedule:resumed", (e) => seen.push(["resumed", e.schedule, e.note, e.source]));
  k.on("schedule:changed", (e) => seen.push(["changed", e.schedule, e.change]));
  return seen;
}

describe("schedule events", () => {
  it("announces pause, resume, create, update and delete, and the feed records them", async () => {
    const k = await memoryKairos();
    k.define("report", () => null);
    const seen = record(k);
    await k.schedules.create({ name: "nightly", fn: "report", cron: "0 3 * * *" });
    await k.schedules.pause("nightly", "maintenance");
    await k.schedules.resume("nightly");
    await k.schedules.update("nightly", { enabled: false });
    await k.schedules.update("nightly", { cron: "0 4 * * *" });
    await k.schedules.delete("nightly");
    expect(seen).toEqual([
      ["changed", "nightly", "created"],
      ["paused", "nightly", "maintenance", "api"],
      ["resumed", "nightly", null, "api"],
      ["changed", "nightly", "updated"],
      ["paused", "nightly", null, "api"],
      ["changed", "nightly", "updated"],
      ["changed", "nightly", "deleted"],
    ]);
    await waitFor(async () => {
      const page = await k.feed.read({ kinds: ["schedule"] }, 0, 100);
      return page.items.filter((e) => (NAMES as readonly string[]).includes(e.name)).length === 7;
    }, "seven recorded schedule events");
    const page = await k.feed.read({ kinds: ["schedule"] }, 0, 100);
    const paused = page.items.find((e) => e.name === "schedule:paused")!;
    expect([paused.kind, paused.subject, paused.data["note"]]).toEqual([
      "schedule",
      "nightly",
      "maintenance",
    ]);
    await k.stop();
  });
});
