/**
 * The config loader and the reconcile planner against a real SQLite schedule store: a plan
 * applied through `applyPlan` converges (the next plan is all unchanged), updates keep runtime
 * state, and pruning needs the flag.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { planReconcile, type ReconcilePlan } from "../../src/core/reconcile/index.js";
import type { ScheduleStore } from "../../src/ports/schedule-store.js";
import { openSqliteStores, type SqliteStores } from "../../src/stores/sqlite/open-stores.js";

const NOW = Date.UTC(2026, 0, 1, 10, 30);

const FILE_V1 = `
functions:
  - name: report
    kind: command
    command: ["node", "report.js"]
    env: { TOKEN: "\${TOKEN}" }
    retries: 1
    schedules:
      - name: nightly
        cron: "0 3 * * *"
        timezone: Europe/Paris
        payload: { region: eu, days: [1, 2] }
      - name: poll
        every: 30s
        jitter: 2s
  - name: hook
    kind: http
    url: https://example.com/hook
    schedules:
      - name: once
        at: 2026-12-01T09:00:00Z
`;

let stores: SqliteStores | null = null;
afterEach(async () => {
  await stores?.close();
  stores = null;
});

async function planAgainst(
  store: ScheduleStore,
  text: string,
  prune = false,
  now = NOW,
): Promise<ReconcilePlan> {
  const declared = parseConfig(text, "/project/kairos.yaml", { TOKEN: "t" });
  const [schedules, functions] = await Promise.all([store.listSchedules(), store.listFunctions()]);
  return planReconcile({ declared, stored: { schedules, functions }, prune, now });
}

describe("reconcile against the SQLite schedule store", () => {
  it("converges, keeps runtime state on update, and prunes only with the flag", async () => {
    stores = await openSqliteStores({ path: ":memory:" });
    const store = stores.schedules;

    const first = await planAgainst(store, FILE_V1);
    expect(first.items.map((i) => i.action)).toEqual(Array(5).fill("create"));
    await store.applyPlan(first.changes, NOW);

    const second = await planAgainst(store, FILE_V1, true, NOW + 60_000);
    expect(second.items.filter((i) => i.action !== "unchanged")).toEqual([]);
    expect(second.changes).toEqual([]);

    const nightly = await store.getSchedule("nightly");
    expect(nightly).toMatchObject({ source: "config", nextSlotAt: Date.UTC(2026, 0, 2, 2) });

    // Reordered payload keys: same payload. A changed payload: an update that keeps the cursor.
    const v2 = FILE_V1.replace("{ region: eu, days: [1, 2] }", "{ days: [1, 2], region: eu }");
    expect((await planAgainst(store, v2)).changes).toEqual([]);
    const v3 = FILE_V1.replace("{ region: eu, days: [1, 2] }", "{ region: us }");
    const third = await planAgainst(store, v3);
    expect(third.changes).toEqual([
      { op: "update_schedule", name: "nightly", fields: { payloadJson: '{"region":"us"}' } },
    ]);
    await store.applyPlan(third.changes, NOW + 1);
    const updated = await store.getSchedule("nightly");
    expect(updated).toMatchObject({
      id: nightly!.id,
      nextSlotAt: nightly!.nextSlotAt,
      payloadJson: '{"region":"us"}',
    });

    // Paused out of band; a file that omits enabled leaves it paused.
    await store.setEnabled("poll", false, "ops", NOW + 2);
    expect((await planAgainst(store, v3)).changes).toEqual([]);

    // Dropping the http function and its schedule: reported, deleted only with prune.
    const v4 = v3.slice(0, v3.indexOf("  - name: hook"));
    const held = await planAgainst(store, v4);
    expect(held.items.filter((i) => i.action === "would_prune").map((i) => i.name)).toEqual([
      "hook",
      "once",
    ]);
    expect(held.changes).toEqual([]);
    const pruned = await planAgainst(store, v4, true);
    await store.applyPlan(pruned.changes, NOW + 3);
    expect((await store.listSchedules()).map((s) => s.name).sort()).toEqual(["nightly", "poll"]);
    expect((await store.listFunctions()).map((f) => f.name)).toEqual(["report"]);
    expect((await planAgainst(store, v4, true)).changes).toEqual([]);
  });
});
