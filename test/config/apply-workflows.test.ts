/**
 * applyConfig with workflows, on a real engine with a fake workflow listing (the workflow
 * stores are built in parallel; the end-to-end apply is the integrator's test): a clear error
 * when the store has no workflows, unknown task functions with file:line (unless allowed),
 * and the workflow changes in the same single applyReconcile call.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { applyConfig } from "../../src/config/apply.js";
import { ConfigError } from "../../src/config/errors.js";
import { NotFoundError } from "../../src/core/errors.js";
import { normalizeWorkflow } from "../../src/core/workflows/definition.js";
import type { StoredWorkflow } from "../../src/core/workflows/store-types.js";
import { createKairos, openStores, type Kairos } from "../../src/index.js";
import { memoryKairos } from "../helpers/kairos.js";

const NOW = Date.UTC(2026, 0, 1, 10, 30);
const FILE = "/project/kairos.yaml";

const TEXT = `
functions:
  - { name: extract, kind: command, command: [node, extract.js] }
workflows:
  - name: etl
    schedule: { cron: "0 3 * * *" }
    tasks:
      - { id: extract, fn: extract }
      - { id: load, fn: load, dependsOn: [extract] }
`;

let kairos: Kairos | null = null;
afterEach(async () => {
  await kairos?.stop();
  kairos = null;
});

function old(): StoredWorkflow {
  return {
    name: "old",
    definition: normalizeWorkflow({ name: "old", tasks: [{ id: "a", fn: "extract" }] }),
    source: "config",
    paused: false,
    pauseNote: null,
    latestLogicalDate: null,
    nextRunAfter: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

const stores = (...workflows: StoredWorkflow[]) => ({
  workflows: { listWorkflows: () => Promise.resolve(workflows) },
});

describe("applyConfig: workflows", () => {
  it("refuses a file with workflows when the store has none, clearly", async () => {
    // A job store and schedule store handed in without a workflow store.
    const opened = await openStores("sqlite::memory:");
    kairos = await createKairos({ store: opened.jobs, scheduleStore: opened.schedules });
    const config = parseConfig(TEXT, FILE, {});
    const err = await applyConfig(kairos, config, { prune: false, dryRun: true, now: NOW }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toMatch(
      /declares workflows \("etl"\) but this store has no workflows/,
    );
  });

  it("reports a task function neither the file nor the store knows, at its line", async () => {
    kairos = await memoryKairos();
    const config = parseConfig(TEXT, FILE, {});
    const err = await applyConfig(kairos, config, {
      prune: false,
      dryRun: true,
      now: NOW,
      stores: stores(),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toMatchObject([
      { file: FILE, line: 9, path: "workflows[0].tasks[1].fn" },
    ]);
    expect((err as Error).message).toMatch(/kairos\.yaml:9:\d+: .*unknown function "load"/);
  });

  it("accepts it with allowUnknown, or when the store knows the function", async () => {
    kairos = await memoryKairos();
    const config = parseConfig(TEXT, FILE, {});
    const allowed = await applyConfig(kairos, config, {
      prune: false,
      dryRun: true,
      now: NOW,
      allowUnknown: true,
      stores: stores(old()),
    });
    expect(allowed.items.map((i) => `${i.action} ${i.kind} ${i.name}`)).toEqual([
      "create function extract",
      "create workflow etl",
      "would_prune workflow old",
    ]);
    await kairos.applyReconcile(
      [
        {
          op: "upsert_function",
          fn: { name: "load", kind: "http", specJson: '{"executor":{}}', source: "api" },
        },
      ],
      NOW,
    );
    const known = await applyConfig(kairos, config, {
      prune: false,
      dryRun: true,
      now: NOW,
      stores: stores(),
    });
    expect(known.items.map((i) => i.action)).toEqual(["create", "create"]);
  });

  it("writes the workflow changes in the same single applyReconcile call", async () => {
    kairos = await memoryKairos();
    const write = vi.spyOn(kairos, "applyReconcile").mockResolvedValue();
    const config = parseConfig(TEXT, FILE, {});
    await applyConfig(kairos, config, {
      prune: true,
      dryRun: false,
      now: NOW,
      allowUnknown: true,
      stores: stores(old()),
    });
    expect(write).toHaveBeenCalledTimes(1);
    expect(write.mock.calls[0]![0].map((c) => c.op)).toEqual([
      "upsert_function",
      "put_workflow",
      "delete_workflow",
    ]);
    expect(write.mock.calls[0]![0][1]).toMatchObject({
      op: "put_workflow",
      definition: { name: "etl" },
      nextRunAfter: NOW,
    });
  });
});
