/**
 * `scheduler.backend: kubernetes` end to end: `kairos apply` and `kairos schedules pause` as
 * real processes against the loopback Kubernetes API server (KAIROS_IN_CLUSTER=1 with its
 * KUBECONFIG), and the startup error outside a cluster. Local only (the cluster is reached by
 * the process that opens the store), so left out of cli-remote.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runKairos } from "../helpers/cli.js";
import { tempDir } from "../helpers/kairos.js";
import { kubeconfigFile } from "../k8s/backend-suite.js";
import { startKubeApiServer, type KubeApiServer } from "../k8s/kube-api-server.js";

const CONFIG = `
scheduler:
  backend: kubernetes
kubernetes:
  namespace: jobs
  serverUrl: http://kairos.jobs.svc:7070
functions:
  - name: report
    kind: command
    command: ["node", "-e", "1"]
    schedules:
      - { name: hourly, cron: "0 * * * *" }
      - { name: nightly, cron: "30 2 * * *", timezone: Europe/Paris }
`;

let server: KubeApiServer;
let cluster: Record<string, string>;
let dir: string;

beforeAll(async () => {
  server = await startKubeApiServer({ requireResourceVersionOnUpdate: true });
  cluster = {
    KAIROS_CLI_MODE: "local",
    KAIROS_IN_CLUSTER: "1",
    KUBECONFIG: kubeconfigFile(server, "jobs"),
  };
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
  for (const cj of server.cronJobs("jobs")) {
    await fetch(`${server.url}/apis/batch/v1/namespaces/jobs/cronjobs/${cj.metadata.name}`, {
      method: "DELETE",
      headers: { authorization: "Bearer kairos-test-token" },
    });
  }
});

describe("scheduler.backend kubernetes", { timeout: 120_000 }, () => {
  it("kairos apply prints the CronJob plan after the store's, then changes nothing the second time", async () => {
    const first = await runKairos(dir, ["apply"], cluster);
    expect(first.stderr).toContain("kairos: schedules fire from Kubernetes namespace jobs");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Plan: 3 to create, 0 to update, 0 unchanged, 0 to prune.");
    expect(first.stdout).toContain("Kubernetes namespace jobs:");
    expect(first.stdout).toContain("+ create cronjob hourly");
    expect(first.stdout).toContain("CronJobs: 2 to create, 0 to update, 0 unchanged, 0 to prune.");
    expect(server.cronJobs("jobs").map((c) => c.metadata.name)).toEqual(["hourly", "nightly"]);
    const second = await runKairos(dir, ["apply", "--json"], cluster);
    expect(second.code).toBe(0);
    const json = JSON.parse(second.stdout) as { backend: { changes: { op: string }[] } };
    expect(json.backend.changes.map((c) => c.op)).toEqual(["unchanged", "unchanged"]);
  });

  it("kairos scheduler status lists the managed CronJobs with when the cluster last fired each", async () => {
    expect((await runKairos(dir, ["apply"], cluster)).code).toBe(0);
    server.setLastScheduleTime("jobs", "hourly", new Date(Date.now() - 120_000));
    const r = await runKairos(dir, ["scheduler", "status"], cluster);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "backend: kubernetes (Kubernetes namespace jobs); dynamic schedules off",
    );
    expect(r.stdout).toMatch(/hourly\s+hourly\s+yaml\s+0 \* \* \* \* \(UTC\)\s+no\s+2m ago/);
    expect(r.stdout).toMatch(
      /nightly\s+nightly\s+yaml\s+30 2 \* \* \* \(Europe\/Paris\)\s+no\s+never/,
    );
    const json = JSON.parse(
      (await runKairos(dir, ["scheduler", "status", "--json"], cluster)).stdout,
    ) as {
      entries: { name: string; lastScheduleTime: number | null }[];
    };
    expect(json.entries.map((e) => e.name)).toEqual(["hourly", "nightly"]);
    expect(typeof json.entries[0]?.lastScheduleTime).toBe("number");
  });

  it("kairos schedules pause suspends the CronJob at once", async () => {
    expect((await runKairos(dir, ["apply"], cluster)).code).toBe(0);
    const paused = await runKairos(
      dir,
      ["schedules", "pause", "nightly", "--note", "audit"],
      cluster,
    );
    expect(paused.code).toBe(0);
    const nightly = server.cronJobs("jobs").find((c) => c.metadata.name === "nightly");
    expect(nightly?.spec).toMatchObject({ suspend: true });
  });

  it("refuses to start outside a cluster, saying why, and writes nothing", async () => {
    const outside = {
      KAIROS_CLI_MODE: "local",
      KAIROS_IN_CLUSTER: "",
      KUBERNETES_SERVICE_HOST: "",
    };
    const r = await runKairos(dir, ["apply"], outside);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("scheduler.backend is kubernetes, but this process is not running");
    expect(r.stderr).toContain("KUBERNETES_SERVICE_HOST is not set");
    expect(r.stderr).toContain("KAIROS_IN_CLUSTER=1");
    expect(fs.existsSync(path.join(dir, ".kairos"))).toBe(false);
    expect(server.cronJobs("jobs")).toEqual([]);
  });

  it("names a KUBECONFIG file it cannot read, and how to fix it", async () => {
    const missing = path.join(dir, "no-such-kubeconfig.yaml");
    const r = await runKairos(dir, ["apply"], { ...cluster, KUBECONFIG: missing });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot read KUBECONFIG file ${missing}`);
    expect(r.stderr).toContain("unset KAIROS_IN_CLUSTER");
    expect(fs.existsSync(path.join(dir, ".kairos"))).toBe(false);
  });

  it("auto outside a cluster is the embedded scheduler", async () => {
    fs.writeFileSync(
      path.join(dir, "kairos.yaml"),
      CONFIG.replace("backend: kubernetes", "backend: auto"),
    );
    const r = await runKairos(dir, ["apply"], {
      KAIROS_CLI_MODE: "local",
      KUBERNETES_SERVICE_HOST: "",
    });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("CronJobs:");
    expect(server.cronJobs("jobs")).toEqual([]);
  });
});
