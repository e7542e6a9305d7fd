import { describe, expect, it } from "vitest";
import { loadProfile, sampleStage, stageMicros, stageTable } from "../../bench/stage-costs.js";

const frame = (functionName: string, file: string) => ({
  functionName,
  url: file === "" ? "" : `file:///work/main/src/${file}`,
});

describe("bench stage costs from a CPU profile", () => {
  it("gives a sample to the stage of its innermost frame that has one", () => {
    // JSON.stringify inside the feed's encoder, called from the outcome writer: events.
    expect(
      sampleStage([
        frame("stringify", ""),
        frame("encodeFeedBatch", "stores/feed-batches.ts"),
        frame("flushOnce", "runtime/event-feed/recorder.ts"),
        frame("write", "runtime/worker/outcome-writer.ts"),
      ]),
    ).toBe("events");
    expect(
      sampleStage([
        frame("(anon)", "stores/sqlite/claim.ts"),
        frame("fetch", "runtime/worker/claim-loop.ts"),
      ]),
    ).toBe("claim");
    expect(sampleStage([frame("(garbage collector)", "")])).toBe("gc");
    expect(sampleStage([frame("insertRow", "stores/sqlite/enqueue.ts")])).toBe("set-up");
    expect(sampleStage([frame("mystery", "elsewhere/x.ts")])).toBe("other");
    expect(
      sampleStage([
        { functionName: "parse", url: "file:///work/main/node_modules/pg-protocol/dist/parser.js" },
      ]),
    ).toBe("driver");
  });

  it("turns samples into µs per job; set-up and idle are outside the per-job total", () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 3, 4] },
        { id: 2, callFrame: frame("finalize", "stores/sqlite/finalize.ts") },
        { id: 3, callFrame: frame("(idle)", "") },
        { id: 4, callFrame: frame("start", "runtime/worker/job-execution.ts") },
      ],
      // 8 samples over 800 µs: 100 µs each.
      samples: [2, 2, 2, 4, 3, 3, 3, 3],
      startTime: 0,
      endTime: 800,
    };
    const micros = stageMicros(profile);
    expect(micros.get("finalize")).toBe(300);
    expect(micros.get("handler wrapper")).toBe(100);
    const rows = stageTable(micros, 10);
    expect(rows.find((r) => r.stage === "finalize")).toEqual({
      stage: "finalize",
      perJob: 30,
      share: 0.75,
    });
    expect(rows.find((r) => r.stage === "idle")).toEqual({
      stage: "idle",
      perJob: 40,
      share: null,
    });
  });

  it("reads an enqueue profile with the enqueue stages: SQL goes to the stage that ran it", () => {
    const sqlite = (name: string) => ({
      functionName: name,
      url: "file:///work/main/node_modules/better-sqlite3/lib/methods/transaction.js",
    });
    const stages = (...stack: { functionName: string; url: string }[]) =>
      sampleStage(stack, "enqueue");
    // The INSERT (a native frame when V8 shows one) under the store's enqueue: store.
    expect(
      stages(
        frame("run", ""),
        frame("insertRow", "stores/sqlite/enqueue.ts"),
        sqlite("sqliteTransaction"),
        frame("(anon)", "stores/sqlite/group-commit.ts"),
      ),
    ).toBe("store");
    // The feed's append of the job:queued events, also a statement: events.
    expect(
      stages(
        frame("run", ""),
        frame("appendEvents", "stores/sqlite/feed.ts"),
        frame("flushOnce", "runtime/event-feed/recorder.ts"),
      ),
    ).toBe("events");
    expect(
      stages(frame("payloadJson", "core/payload.ts"), frame("enqueue", "runtime/jobs-api.ts")),
    ).toBe("validate & build");
    expect(stages(frame("parse", ""), frame("toJob", "runtime/job-view.ts"))).toBe("job view");
    // The scenario's own payload building and the store's migrations are set-up.
    expect(stages(frame("payloads", "bench/kairos-scenarios.ts"))).toBe("set-up");
    expect(stages(frame("exec", ""), frame("migrate", "stores/sqlite/migrate.ts"))).toBe("set-up");
    // The worker stages are untouched: there, enqueue.ts is the scenario's untimed set-up.
    expect(sampleStage([frame("insertRow", "stores/sqlite/enqueue.ts")])).toBe("set-up");
    expect(
      stages({ functionName: "parse", url: "file:///x/node_modules/pg-protocol/dist/parser.js" }),
    ).toBe("driver");
  });

  it("tables an enqueue profile in the enqueue stages' order", () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 3] },
        { id: 2, callFrame: frame("insertRow", "stores/sqlite/enqueue.ts"), children: [4] },
        { id: 3, callFrame: frame("record", "runtime/event-feed/recorder.ts") },
        { id: 4, callFrame: frame("run", "") },
      ],
      samples: [2, 4, 4, 3],
      startTime: 0,
      endTime: 400,
    };
    const rows = stageTable(stageMicros(profile, "enqueue"), 4, "enqueue");
    expect(rows.map((r) => r.stage)).toEqual([
      "validate & build",
      "store",
      "job view",
      "events",
      "driver",
      "gc",
      "other",
      "set-up",
      "idle",
    ]);
    expect(rows.find((r) => r.stage === "store")).toEqual({
      stage: "store",
      perJob: 75,
      share: 0.75,
    });
  });

  it("refuses a missing file or one that is not a profile, naming it", () => {
    expect(() => loadProfile("/nonexistent/x.cpuprofile")).toThrow(
      /cannot read \/nonexistent\/x.cpuprofile/,
    );
    expect(() => loadProfile("package.json")).toThrow(/package.json is not a V8 CPU profile/);
  });
});
