/**
 * LocalClient over a real engine on an SQLite file: the facade gaps the API needs (created
 * flags of an idempotent enqueue, schedule update / conflicts / resume note), apply of a posted
 * config text with its variables, and the store ping.
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LocalClient } from "../../src/client/local.js";
import { ConflictError } from "../../src/core/errors.js";
import type { Kairos } from "../../src/runtime/kairos.js";
import { fileKairos, tempDir } from "../helpers/kairos.js";

let kairos: Kairos | null = null;
afterEach(async () => {
  await kairos?.stop({ drainMs: 0 });
  kairos = null;
});

async function client(): Promise<{ client: LocalClient; dir: string }> {
  const dir = tempDir();
  kairos = await fileKairos(path.join(dir, "k.db"));
  kairos.define("report", async () => "ok");
  const target = { kind: "local", store: "sqlite:k.db", origin: "test" } as const;
  return { client: new LocalClient({ kairos, target, configDir: dir }), dir };
}

const CONFIG = `
functions:
  - name: nightly-report
    kind: command
    command: ["node", "-e", "0"]
    env: { REGION: "\${REGION}" }
    schedules:
      - name: nightly
        cron: "0 3 * * *"
`;

describe("LocalClient", () => {
  it("says whether each enqueued job was created or an idempotency key matched", async () => {
    const { client: c } = await client();
    const first = await c.enqueue("report", [{ a: 1 }], { idempotencyKey: "k1" });
    const again = await c.enqueue("report", [{ a: 1 }], { idempotencyKey: "k1" });
    expect(first.created).toEqual([true]);
    expect(again.created).toEqual([false]);
    expect(again.jobs[0]!.id).toBe(first.jobs[0]!.id);
  });

  it("refuses a second schedule with a taken name with CONFLICT, and writes nothing", async () => {
    const { client: c } = await client();
    await c.schedules.create({ name: "s1", fn: "report", every: "1m" });
    await expect(c.schedules.create({ name: "s1", fn: "report", every: "5m" })).rejects.toThrow(
      ConflictError,
    );
    expect((await c.schedules.get("s1"))!.timing).toEqual({ kind: "every", everyMs: 60_000 });
  });

  it("updates an api schedule: omitted fields kept, timing change restarts firing", async () => {
    const { client: c } = await client();
    await c.schedules.create({
      name: "s1",
      fn: "report",
      cron: "0 * * * *",
      timezone: "Europe/Paris",
      payload: { x: 1 },
      overlap: "allow_all",
    });
    const updated = await c.schedules.update("s1", { cron: "30 * * * *" });
    expect(updated.timing).toEqual({ kind: "cron", cron: "30 * * * *", timezone: "UTC" });
    expect(updated.payload).toEqual({ x: 1 });
    expect(updated.overlap).toBe("allow_all");
    expect(updated.nextFireAt!.getUTCMinutes()).toBe(30);
    const paused = await c.schedules.update("s1", { enabled: false, payload: { x: 2 } });
    expect(paused.enabled).toBe(false);
    expect(paused.payload).toEqual({ x: 2 });
  });

  it("records a resume note in the schedule's history", async () => {
    const { client: c } = await client();
    await c.schedules.create({ name: "s1", fn: "report", every: "1m" });
    await c.schedules.pause("s1", "maintenance");
    await c.schedules.resume("s1", "done with maintenance");
    const [latest] = await c.schedules.history("s1", 1);
    expect(latest).toMatchObject({ kind: "resumed", message: "done with maintenance" });
  });

  it("applies a posted config with its variables, then refuses API changes to its schedules", async () => {
    const { client: c, dir } = await client();
    const source = { file: "kairos.yaml", text: CONFIG, vars: { REGION: "eu" } };
    const dry = await c.apply(source, { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.items.map((i) => `${i.action} ${i.kind} ${i.name}`)).toContain(
      "create schedule nightly",
    );
    expect(await c.schedules.get("nightly")).toBeNull();
    const applied = await c.apply(source, {});
    expect(applied.dryRun).toBe(false);
    expect((await c.schedules.get("nightly"))!.source).toBe("config");
    const second = await c.apply(source, {});
    expect(second.items.every((i) => i.action === "unchanged")).toBe(true);
    await expect(c.schedules.update("nightly", { cron: "0 4 * * *" })).rejects.toThrow(
      /kairos\.yaml.*kairos apply/,
    );
    await expect(c.schedules.delete("nightly")).rejects.toThrow(/--prune/);
    expect(dir.length).toBeGreaterThan(0);
  });

  it("reports config errors with the file placed in the config directory", async () => {
    const { client: c, dir } = await client();
    const bad = { file: "deploy/kairos.yaml", text: "functions:\n  - name: 12\n", vars: {} };
    await expect(c.apply(bad, {})).rejects.toThrow(path.join(dir, "kairos.yaml"));
  });

  it("pings the store", async () => {
    await client();
    await expect(kairos!.ping(1000)).resolves.toBeUndefined();
  });
});
