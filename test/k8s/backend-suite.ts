/**
 * The Kubernetes schedule backend's behaviour, as one suite run against the loopback API server
 * (always) and against a real cluster (when KUBECONFIG and KAIROS_TEST_NAMESPACE are set). The
 * checks that need the loopback server's hooks (RBAC denials, the controller's
 * lastScheduleTime, counting write requests) run only there.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { BatchV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectKubernetesBackend } from "../../src/backends/kubernetes/connect.js";
import { cronJobApi, type CronJobApi } from "../../src/backends/kubernetes/cronjob-api.js";
import { KubernetesScheduleBackend } from "../../src/backends/kubernetes/kubernetes-backend.js";
import { K8S_DEFAULTS } from "../../src/cli/k8s/export-input.js";
import { KairosError } from "../../src/core/errors.js";
import { k8sName } from "../../src/core/k8s/names.js";
import type { ScheduleDeclaration } from "../../src/core/schedules/types.js";
import type { ScheduleBackend } from "../../src/ports/schedule-backend.js";
import type { KubeApiServer } from "./kube-api-server.js";

/** Where the suite runs. */
export interface SuiteTarget {
  /** A kubeconfig file of the cluster. */
  readonly kubeconfig: string;
  /** A namespace the suite may fill and empty (no other Kairos CronJobs in it). */
  readonly namespace: string;
  /** Prefix of every schedule name (lowercase letters, digits, ending in "-"), so runs never meet. */
  readonly prefix: string;
  /** The loopback server, for the checks that need its hooks; null on a real cluster. */
  readonly loopback: KubeApiServer | null;
}

/** A `config` (or `api`) schedule firing on `cron`. */
export function declaration(
  name: string,
  cron = "0 * * * *",
  over: Partial<ScheduleDeclaration> = {},
): ScheduleDeclaration {
  return {
    name,
    fn: "report",
    timing: { kind: "cron", cron, timezone: "UTC" },
    payloadJson: "{}",
    enabled: true,
    pauseNote: null,
    overlap: "skip",
    bufferLimit: 10,
    catchup: "latest",
    catchupWindowMs: 3_600_000,
    jitterMs: 0,
    source: "config",
    ...over,
  };
}

/** A kubeconfig file of `server` in a temp dir. */
export function kubeconfigFile(server: KubeApiServer, namespace: string): string {
  const file = path.join(tmpdir(), `kairos-kubeconfig-${process.pid}-${Date.now()}.yaml`);
  writeFileSync(file, server.kubeConfigYaml(namespace));
  return file;
}

/** Register the suite for `target()` (resolved in beforeAll). */
export function backendSuite(label: string, target: () => Promise<SuiteTarget>): void {
  describe(`Kubernetes schedule backend (${label})`, () => {
    let t: SuiteTarget;
    let raw: BatchV1Api;
    const name = (s: string) => `${t.prefix}${s}`;
    const open = (
      allowDynamic = false,
      api?: (inner: CronJobApi) => CronJobApi,
    ): ScheduleBackend => {
      if (api !== undefined) {
        const config = new KubeConfig();
        config.loadFromFile(t.kubeconfig);
        return new KubernetesScheduleBackend({
          api: api(cronJobApi(config, t.namespace)),
          settings: { ...K8S_DEFAULTS, namespace: t.namespace },
          functions: [{ name: "report", mode: "trigger" }],
          defaultMode: "trigger",
          allowDynamic,
        });
      }
      return connectKubernetesBackend({
        settings: { ...K8S_DEFAULTS, namespace: t.namespace },
        functions: [{ name: "report", mode: "trigger" }],
        defaultMode: "trigger",
        allowDynamic,
        kubeconfig: t.kubeconfig,
      });
    };
    const ours = async (): Promise<string[]> =>
      (await open().list()).map((e) => e.name).filter((n) => n.startsWith(t.prefix));
    const writes = (): number =>
      t.loopback?.requests.filter((r) => ["create", "update", "patch", "delete"].includes(r.verb))
        .length ?? 0;

    beforeAll(async () => {
      t = await target();
      const config = new KubeConfig();
      config.loadFromFile(t.kubeconfig);
      raw = config.makeApiClient(BatchV1Api);
    });

    afterAll(async () => {
      if (t === undefined) return;
      const list = await raw.listNamespacedCronJob({ namespace: t.namespace });
      for (const cj of list.items) {
        const n = cj.metadata?.name ?? "";
        if (n.startsWith(t.prefix)) {
          await raw.deleteNamespacedCronJob({ name: n, namespace: t.namespace });
        }
      }
    });

    it("creates a CronJob per declared schedule with Kairos's labels, then re-syncs without a write", async () => {
      const backend = open();
      const declared = [declaration(name("hourly")), declaration(name("nightly"), "30 2 * * *")];
      const first = await backend.sync(declared);
      expect(first.changes.map((c) => [c.op, c.name])).toEqual([
        ["create", name("hourly")],
        ["create", name("nightly")],
      ]);
      const stored = await raw.readNamespacedCronJob({
        name: k8sName(name("nightly")),
        namespace: t.namespace,
      });
      expect(stored.metadata?.labels).toMatchObject({
        "app.kubernetes.io/managed-by": "kairos",
        "kairos.dev/source": "yaml",
      });
      expect(stored.spec?.schedule).toBe("30 2 * * *");
      expect(stored.spec?.concurrencyPolicy).toBe("Forbid");
      const before = writes();
      const versions = (await raw.listNamespacedCronJob({ namespace: t.namespace })).items.map(
        (c) => c.metadata?.resourceVersion,
      );
      const again = await backend.sync(declared);
      expect(again.changes.every((c) => c.op === "unchanged")).toBe(true);
      expect(writes()).toBe(before);
      const after = (await raw.listNamespacedCronJob({ namespace: t.namespace })).items.map(
        (c) => c.metadata?.resourceVersion,
      );
      expect(after).toEqual(versions);
    });

    it("updates on drift: a changed cron, a pause, and a hand edit in the cluster", async () => {
      const backend = open();
      await backend.sync([declaration(name("drift"))]);
      const changed = await backend.sync([
        declaration(name("drift"), "*/5 * * * *", { enabled: false }),
      ]);
      expect(changed.changes).toEqual([
        expect.objectContaining({ op: "update", fields: ["spec.schedule", "spec.suspend"] }),
      ]);
      const resource = k8sName(name("drift"));
      const current = await raw.readNamespacedCronJob({ name: resource, namespace: t.namespace });
      current.spec!.schedule = "1 1 * * *";
      current.metadata!.labels = { ...current.metadata!.labels, team: "data" };
      await raw.replaceNamespacedCronJob({ name: resource, namespace: t.namespace, body: current });
      const mended = await backend.sync([
        declaration(name("drift"), "*/5 * * * *", { enabled: false }),
      ]);
      expect(mended.changes).toEqual([
        expect.objectContaining({ op: "update", fields: ["spec.schedule"] }),
      ]);
      const after = await raw.readNamespacedCronJob({ name: resource, namespace: t.namespace });
      expect(after.spec?.schedule).toBe("*/5 * * * *");
      expect(after.spec?.suspend).toBe(true);
      expect(after.metadata?.labels?.team).toBe("data");
    });

    it("prunes yaml-sourced CronJobs dropped from the file and never touches api-sourced ones", async () => {
      const dynamic = open(true);
      await dynamic.sync([declaration(name("keep")), declaration(name("drop"))]);
      await dynamic.set(declaration(name("from-api"), "15 * * * *", { source: "api" }));
      const result = await open().sync([declaration(name("keep"))]);
      const byName = Object.fromEntries(result.changes.map((c) => [c.name, c.op]));
      expect(byName[name("drop")]).toBe("prune");
      expect(byName[name("keep")]).toBe("unchanged");
      expect(byName[name("from-api")]).toBeUndefined();
      expect(await ours()).toEqual(expect.arrayContaining([name("from-api"), name("keep")]));
      expect(await ours()).not.toContain(name("drop"));
      const entry = await open().get(name("from-api"));
      expect(entry).toMatchObject({ source: "api", schedule: "15 * * * *", fn: "report" });
    });

    it("refuses dynamic changes unless kubernetes.allowDynamic, and a yaml CronJob's direct delete", async () => {
      const backend = open(false);
      const refused = await backend
        .set(declaration(name("dyn"), "0 3 * * *", { source: "api" }))
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(KairosError);
      expect((refused as KairosError).code).toBe("K8S_DYNAMIC_DISABLED");
      expect((refused as Error).message).toMatch(/kubernetes\.allowDynamic/);
      expect(await backend.get(name("dyn"))).toBeNull();
      await backend.sync([declaration(name("declared"))]);
      const denied = await open(true)
        .remove(name("declared"))
        .catch((e: unknown) => e);
      expect((denied as KairosError).code).toBe("CONFLICT");
      expect((denied as Error).message).toMatch(/kairos\.yaml/);
      expect(await backend.get(name("declared"))).not.toBeNull();
      await open(true).set(declaration(name("dyn2"), "0 4 * * *", { source: "api" }));
      const gated = await backend.remove(name("dyn2")).catch((e: unknown) => e);
      expect((gated as KairosError).code).toBe("K8S_DYNAMIC_DISABLED");
      await open(true).remove(name("dyn2"));
      expect(await backend.get(name("dyn2"))).toBeNull();
    });

    it("lists only CronJobs Kairos manages and never takes over one of the same name", async () => {
      const foreign = k8sName(name("foreign"));
      await raw.createNamespacedCronJob({
        namespace: t.namespace,
        body: {
          apiVersion: "batch/v1",
          kind: "CronJob",
          metadata: { name: foreign, labels: { app: "someone-else" } },
          spec: {
            schedule: "0 0 * * *",
            jobTemplate: {
              spec: {
                template: {
                  spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] },
                },
              },
            },
          },
        },
      });
      const backend = open();
      expect(await ours()).not.toContain(name("foreign"));
      expect(await backend.get(name("foreign"))).toBeNull();
      const result = await backend.sync([]);
      expect(result.changes.map((c) => c.resource)).not.toContain(foreign);
      const takeover = await backend.sync([declaration(name("foreign"))]).catch((e: unknown) => e);
      expect((takeover as KairosError).code).toBe("K8S_API");
      expect((takeover as Error).message).toMatch(/not managed by Kairos/);
      const still = await raw.readNamespacedCronJob({ name: foreign, namespace: t.namespace });
      expect(still.metadata?.labels).toEqual({ app: "someone-else" });
    });

    it("retries a replace that lost a resourceVersion race", async () => {
      await open().sync([declaration(name("race"))]);
      let raced = 0;
      const backend = open(false, (inner) => ({
        ...inner,
        list: (s) => inner.list(s),
        get: (n) => inner.get(n),
        create: (o) => inner.create(o),
        delete: (n) => inner.delete(n),
        replace: async (n, o) => {
          if (raced++ === 0) {
            // Another writer updates the object between our read and our replace.
            const other = await raw.readNamespacedCronJob({ name: n, namespace: t.namespace });
            other.metadata!.annotations = { ...other.metadata!.annotations, other: "writer" };
            await raw.replaceNamespacedCronJob({ name: n, namespace: t.namespace, body: other });
          }
          return inner.replace(n, o);
        },
      }));
      const result = await backend.sync([declaration(name("race"), "7 * * * *")]);
      expect(result.changes).toEqual([expect.objectContaining({ op: "update" })]);
      expect(raced).toBe(2);
      const after = await raw.readNamespacedCronJob({
        name: k8sName(name("race")),
        namespace: t.namespace,
      });
      expect(after.spec?.schedule).toBe("7 * * * *");
      expect(after.metadata?.annotations?.other).toBe("writer");
    });

    it("refuses a schedule a CronJob cannot express before writing anything", async () => {
      const before = await ours();
      const refused = await open()
        .sync([declaration(name("ok")), declaration(name("secs"), "*/10 * * * * *")])
        .catch((e: unknown) => e);
      expect((refused as KairosError).code).toBe("K8S_UNEXPORTABLE");
      expect((refused as Error).message).toContain(name("secs"));
      expect(await ours()).toEqual(before);
    });

    it("reports an RBAC refusal with the verb and resource to grant (loopback)", async (ctx) => {
      if (t.loopback === null) return ctx.skip();
      t.loopback.deny("create", "cronjobs");
      try {
        const refused = await open()
          .sync([declaration(name("rbac"))])
          .catch((e: unknown) => e);
        expect((refused as KairosError).code).toBe("K8S_FORBIDDEN");
        expect((refused as Error).message).toMatch(/verb "create" on "cronjobs\.batch"/);
      } finally {
        t.loopback.allowAll();
      }
      t.loopback.deny("list", "cronjobs");
      try {
        const refused = await open()
          .list()
          .catch((e: unknown) => e);
        expect((refused as Error).message).toMatch(/refused to list cronjobs\.batch/);
      } finally {
        t.loopback.allowAll();
      }
    });

    it("reads the last run from status.lastScheduleTime (loopback)", async (ctx) => {
      if (t.loopback === null) return ctx.skip();
      const backend = open();
      await backend.sync([declaration(name("last"))]);
      expect((await backend.get(name("last")))?.lastScheduleTime).toBeNull();
      const at = new Date("2026-12-04T10:00:00Z");
      t.loopback.setLastScheduleTime(t.namespace, k8sName(name("last")), at);
      expect((await backend.get(name("last")))?.lastScheduleTime).toBe(at.getTime());
    });
  });
}
