/**
 * An engine with the Kubernetes schedule backend, against the loopback API server: `apply`
 * checks before writing and syncs after, API schedule changes reach the cluster (and are
 * gated), a create the cluster refuses is undone in the store, the leader's sync mends a hand
 * deletion.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openScheduleBackend } from "../../src/backends/open-backend.js";
import { applyConfig } from "../../src/config/apply.js";
import { parseConfig } from "../../src/config/index.js";
import { K8S_DEFAULTS } from "../../src/cli/k8s/export-input.js";
import { KairosError } from "../../src/core/errors.js";
import { createKairos, type Kairos } from "../../src/index.js";
import { silentLogger } from "../../src/ports/logger.js";
import { createBackendSyncDuty } from "../../src/runtime/duties/backend-sync.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { kubeconfigFile } from "./backend-suite.js";
import { startKubeApiServer, type KubeApiServer } from "./kube-api-server.js";

const FILE = `
functions:
  - name: report
    kind: command
    command: ["true"]
    schedules:
      - { name: hourly, cron: "0 * * * *" }
      - { name: nightly, cron: "30 2 * * *", timezone: Europe/Paris }
`;

let server: KubeApiServer;
let kubeconfig: string;
const engines: Kairos[] = [];

beforeAll(async () => {
  server = await startKubeApiServer({ requireResourceVersionOnUpdate: true });
  kubeconfig = kubeconfigFile(server, "jobs");
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  for (const k of engines.splice(0)) await k.stop();
  // Each test starts from an empty namespace.
  for (const cj of server.cronJobs("jobs")) {
    await fetch(`${server.url}/apis/batch/v1/namespaces/jobs/cronjobs/${cj.metadata.name}`, {
      method: "DELETE",
      headers: { authorization: "Bearer kairos-test-token" },
    });
  }
});

async function engine(allowDynamic = false, clock?: ManualClock): Promise<Kairos> {
  const backend = await openScheduleBackend({
    backend: "kubernetes",
    settings: { ...K8S_DEFAULTS, namespace: "jobs" },
    functions: [{ name: "report", mode: "trigger" }],
    defaultMode: "trigger",
    allowDynamic,
    detection: { env: { KAIROS_IN_CLUSTER: "1", KUBECONFIG: kubeconfig } },
  });
  const k = await createKairos({
    store: "sqlite::memory:",
    scheduleBackend: backend,
    ...(clock ? { clock } : {}),
  });
  engines.push(k);
  return k;
}

const cronJobNames = (): string[] => server.cronJobs("jobs").map((c) => c.metadata.name);

describe("an engine with scheduler.backend kubernetes", () => {
  it("apply writes the store and syncs the CronJobs; a second apply changes nothing", async () => {
    const k = await engine();
    const config = parseConfig(FILE, "/tmp/kairos.yaml", {});
    const first = await applyConfig(k, config, { prune: false, dryRun: false });
    expect(first.backend?.location).toBe("Kubernetes namespace jobs");
    expect(first.backend?.changes.map((c) => [c.op, c.name])).toEqual([
      ["create", "hourly"],
      ["create", "nightly"],
    ]);
    expect(cronJobNames()).toEqual(["hourly", "nightly"]);
    const second = await applyConfig(k, config, { prune: false, dryRun: false });
    expect(second.backend?.changes.every((c) => c.op === "unchanged")).toBe(true);
    const dry = await applyConfig(
      k,
      parseConfig(FILE.replace("0 * * * *", "5 * * * *"), "/tmp/kairos.yaml", {}),
      {
        prune: false,
        dryRun: true,
      },
    );
    expect(dry.backend?.changes[0]).toMatchObject({ op: "update", fields: ["spec.schedule"] });
    expect(server.cronJobs("jobs")[0]?.spec).toMatchObject({ schedule: "0 * * * *" });
    const pruned = await applyConfig(k, parseConfig("functions: []\n", "/tmp/kairos.yaml", {}), {
      prune: true,
      dryRun: false,
    });
    expect(pruned.backend?.changes.map((c) => c.op)).toEqual(["prune", "prune"]);
    expect(cronJobNames()).toEqual([]);
  });

  it("refuses a file with a schedule a CronJob cannot express before writing the store", async () => {
    const k = await engine();
    const text = `${FILE}      - { name: fast, every: 7s }\n`;
    const err = await applyConfig(k, parseConfig(text, "/tmp/kairos.yaml", {}), {
      prune: false,
      dryRun: false,
    }).catch((e: unknown) => e);
    expect((err as KairosError).code).toBe("K8S_UNEXPORTABLE");
    expect((err as Error).message).toContain('schedule "fast"');
    expect(await k.schedules.list()).toEqual([]);
    expect(cronJobNames()).toEqual([]);
  });

  it("carries a pause to the CronJob's suspend, and the leader's sync mends a hand deletion", async () => {
    const k = await engine();
    await applyConfig(k, parseConfig(FILE, "/tmp/kairos.yaml", {}), {
      prune: false,
      dryRun: false,
    });
    await k.schedules.pause("hourly", "maintenance");
    const hourly = () => server.cronJobs("jobs").find((c) => c.metadata.name === "hourly");
    expect(hourly()?.spec).toMatchObject({ suspend: true });
    await k.schedules.resume("hourly");
    expect(hourly()?.spec).toMatchObject({ suspend: false });
    const raw = await fetch(`${server.url}/apis/batch/v1/namespaces/jobs/cronjobs/hourly`, {
      method: "DELETE",
      headers: { authorization: "Bearer kairos-test-token" },
    });
    expect(raw.status).toBe(200);
    expect(cronJobNames()).toEqual(["nightly"]);
    const duty = createBackendSyncDuty(k.scheduleBackend!, k.scheduleStore!, silentLogger);
    await duty.run(new AbortController().signal);
    expect(cronJobNames()).toEqual(["hourly", "nightly"]);
    await applyConfig(k, parseConfig("functions: []\n", "/tmp/kairos.yaml", {}), {
      prune: true,
      dryRun: false,
    });
    expect(cronJobNames()).toEqual([]);
  });

  it("refuses API schedule changes unless kubernetes.allowDynamic, writing nothing", async () => {
    const k = await engine(false);
    const input = { name: "adhoc", fn: "report", cron: "0 4 * * *", allowUnknown: true };
    const err = await k.schedules.create(input).catch((e: unknown) => e);
    expect((err as KairosError).code).toBe("K8S_DYNAMIC_DISABLED");
    expect((err as Error).message).toMatch(/kubernetes\.allowDynamic: true/);
    expect(await k.schedules.get("adhoc")).toBeNull();
    expect(cronJobNames()).toEqual([]);
  });

  it("creates, updates and deletes an api schedule's CronJob when allowed; undoes a create the cluster refuses", async () => {
    const k = await engine(true);
    const input = { name: "adhoc", fn: "report", cron: "0 4 * * *", allowUnknown: true };
    await k.schedules.create(input);
    expect(server.cronJobs("jobs")[0]?.metadata.labels).toMatchObject({
      "kairos.dev/source": "api",
    });
    await k.schedules.update("adhoc", { cron: "0 5 * * *" });
    expect(server.cronJobs("jobs")[0]?.spec).toMatchObject({ schedule: "0 5 * * *" });
    await k.schedules.delete("adhoc");
    expect(cronJobNames()).toEqual([]);
    expect(await k.schedules.get("adhoc")).toBeNull();
    server.deny("create", "cronjobs");
    try {
      const err = await k.schedules.create(input).catch((e: unknown) => e);
      expect((err as KairosError).code).toBe("K8S_FORBIDDEN");
    } finally {
      server.allowAll();
    }
    expect(await k.schedules.get("adhoc")).toBeNull();
    const secs = await k.schedules
      .create({ ...input, cron: "*/5 * * * * *" })
      .catch((e: unknown) => e);
    expect((secs as KairosError).code).toBe("K8S_UNEXPORTABLE");
    expect(await k.schedules.get("adhoc")).toBeNull();
  });

  it("lets the cluster own the timing: the loop fires nothing, the fire endpoint fires the slot once", async () => {
    const start = Date.parse("2026-12-04T09:00:30Z");
    const clock = new ManualClock(start);
    const k = await engine(false, clock);
    const text = FILE.replace(
      '{ name: hourly, cron: "0 * * * *" }',
      '{ name: minutely, cron: "* * * * *" }',
    );
    await applyConfig(k, parseConfig(text, "/tmp/kairos.yaml", {}), {
      prune: false,
      dryRun: false,
      now: clock.now(),
    });
    await k.start({ workers: false });
    clock.advance(150_000);
    await k.tickScheduler();
    expect(await k.jobs.list({})).toEqual([]);
    const minutes = Math.floor(Date.parse("2026-12-04T09:02:00Z") / 60_000);
    const fired = await k.schedules.fire("minutely", { jobName: `minutely-${minutes}` });
    expect(fired).toMatchObject({ outcome: "fired", slotAt: new Date("2026-12-04T09:02:00Z") });
    const again = await k.schedules.fire("minutely", { jobName: `minutely-${minutes}` });
    expect(again).toMatchObject({ outcome: "existing", jobId: fired.jobId });
    expect((await k.jobs.list({})).map((j) => j.id)).toEqual([fired.jobId]);
  });
});
