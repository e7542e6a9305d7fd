/**
 * The loopback Kubernetes API server, driven by the real client (@kubernetes/client-node 1.4
 * BatchV1Api) and by raw HTTP where the typed client cannot send the request (unknown fields,
 * wrong types, merge patches): CRUD round trip, selectors, optimistic concurrency, validation,
 * auth and RBAC Status bodies, the controller hooks, and the exported goldens.
 */
import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import type { V1CronJob } from "@kubernetes/client-node";
import { startKubeApiServer } from "./kube-api-server.js";
import {
  clientFor,
  COLLECTION,
  cronJob,
  failure,
  NS,
  raw,
  useKubeApi,
} from "./kube-api/test-helpers.js";

const k = useKubeApi();

describe("CronJob CRUD through BatchV1Api", () => {
  it("creates, gets, lists, replaces and deletes, with the system fields and defaults a cluster sets", async () => {
    const created = await k.api.createNamespacedCronJob({
      namespace: NS,
      body: cronJob("nightly", { app: "kairos" }),
    });
    expect(created.metadata).toMatchObject({ name: "nightly", namespace: NS, generation: 1 });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.spec).toMatchObject({
      concurrencyPolicy: "Allow",
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    expect(created.spec?.jobTemplate.spec?.backoffLimit).toBe(6);
    expect(created.spec?.jobTemplate.spec?.template.spec?.containers[0]?.imagePullPolicy).toBe(
      "IfNotPresent",
    );

    const got = await k.api.readNamespacedCronJob({ name: "nightly", namespace: NS });
    expect(got.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);

    const list = await k.api.listNamespacedCronJob({ namespace: NS });
    expect(list.kind).toBe("CronJobList");
    expect(list.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(list.items.map((c) => c.metadata?.name)).toEqual(["nightly"]);

    const changed = structuredClone(got);
    changed.spec!.schedule = "0 4 * * *";
    const replaced = await k.api.replaceNamespacedCronJob({
      name: "nightly",
      namespace: NS,
      body: changed,
    });
    expect(replaced.metadata?.generation).toBe(2);
    expect(replaced.metadata?.resourceVersion).not.toBe(got.metadata?.resourceVersion);
    expect(replaced.metadata?.uid).toBe(created.metadata?.uid);

    // A replace that changes nothing writes nothing: same resourceVersion, same generation.
    const same = await k.api.replaceNamespacedCronJob({
      name: "nightly",
      namespace: NS,
      body: replaced,
    });
    expect(same.metadata?.resourceVersion).toBe(replaced.metadata?.resourceVersion);
    expect(same.metadata?.generation).toBe(2);

    // A label change is not a spec change: new resourceVersion, same generation.
    same.metadata!.labels = { app: "other" };
    const relabelled = await k.api.replaceNamespacedCronJob({
      name: "nightly",
      namespace: NS,
      body: same,
    });
    expect(relabelled.metadata?.generation).toBe(2);
    expect(relabelled.metadata?.resourceVersion).not.toBe(same.metadata?.resourceVersion);

    const status = await k.api.deleteNamespacedCronJob({
      name: "nightly",
      namespace: NS,
      propagationPolicy: "Background",
    });
    expect(status).toMatchObject({
      status: "Success",
      details: { name: "nightly", group: "batch", kind: "cronjobs" },
    });
    expect(k.server.cronJobs(NS)).toEqual([]);

    const missing = await failure(k.api.readNamespacedCronJob({ name: "nightly", namespace: NS }));
    expect(missing).toMatchObject({
      code: 404,
      reason: "NotFound",
      message: 'cronjobs.batch "nightly" not found',
    });
    expect(missing.details).toEqual({ name: "nightly", group: "batch", kind: "cronjobs" });
    expect(
      (await failure(k.api.deleteNamespacedCronJob({ name: "nightly", namespace: NS }))).code,
    ).toBe(404);

    expect(k.server.requests.map((r) => `${r.verb} ${r.status}`)).toEqual([
      "create 201",
      "get 200",
      "list 200",
      "update 200",
      "update 200",
      "update 200",
      "delete 200",
      "get 404",
      "delete 404",
    ]);
  });

  it("refuses a second create with 409 AlreadyExists, and a namespace that is not the path's with 400", async () => {
    await k.api.createNamespacedCronJob({ namespace: NS, body: cronJob("dup") });
    const dup = await failure(
      k.api.createNamespacedCronJob({ namespace: NS, body: cronJob("dup") }),
    );
    expect(dup).toMatchObject({
      code: 409,
      reason: "AlreadyExists",
      message: 'cronjobs.batch "dup" already exists',
    });
    const elsewhere = cronJob("other");
    elsewhere.metadata!.namespace = "default";
    const wrongNs = await failure(
      k.api.createNamespacedCronJob({ namespace: NS, body: elsewhere }),
    );
    expect(wrongNs).toMatchObject({ code: 400, reason: "BadRequest" });
    expect(wrongNs.message).toContain("does not match the namespace");
  });

  it("refuses a create that carries a resourceVersion, as the storage layer does (500)", async () => {
    const body = cronJob("stale-copy");
    body.metadata!.resourceVersion = "42";
    const error = await failure(k.api.createNamespacedCronJob({ namespace: NS, body }));
    expect(error).toMatchObject({ code: 500, reason: "InternalError" });
    expect(error.message).toContain("resourceVersion should not be set on objects to be created");
  });

  it("keeps status on a replace (status is a subresource) and shows setLastScheduleTime through get", async () => {
    await k.api.createNamespacedCronJob({ namespace: NS, body: cronJob("fired") });
    const at = new Date("2026-12-04T03:00:00Z");
    k.server.setLastScheduleTime(NS, "fired", at);
    const got = await k.api.readNamespacedCronJob({ name: "fired", namespace: NS });
    expect(got.status?.lastScheduleTime).toEqual(at);
    got.status = { lastScheduleTime: new Date("2020-01-01T00:00:00Z") };
    const replaced = await k.api.replaceNamespacedCronJob({
      name: "fired",
      namespace: NS,
      body: got,
    });
    expect(replaced.status?.lastScheduleTime).toEqual(at);
  });
});

describe("optimistic concurrency", () => {
  it("answers a replace with a stale resourceVersion (after touch) with the real 409 Conflict", async () => {
    await k.api.createNamespacedCronJob({ namespace: NS, body: cronJob("raced") });
    const read = await k.api.readNamespacedCronJob({ name: "raced", namespace: NS });
    k.server.touch(NS, "raced", (o: { spec: { suspend: boolean } }) => {
      o.spec.suspend = true;
    });
    read.spec!.schedule = "*/5 * * * *";
    const error = await failure(
      k.api.replaceNamespacedCronJob({ name: "raced", namespace: NS, body: read }),
    );
    expect(error).toMatchObject({
      code: 409,
      reason: "Conflict",
      message:
        'Operation cannot be fulfilled on cronjobs.batch "raced": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: "raced", group: "batch", kind: "cronjobs" },
    });
    // The concurrent writer's change is what is stored.
    expect(k.server.cronJobs(NS)[0]?.spec).toMatchObject({ suspend: true, schedule: "0 3 * * *" });
  });

  it("applies a replace without resourceVersion unconditionally, as the CronJob registry allows", async () => {
    await k.api.createNamespacedCronJob({ namespace: NS, body: cronJob("blind") });
    k.server.touch(NS, "blind");
    const body = cronJob("blind");
    body.spec!.schedule = "0 5 * * *";
    const replaced = await k.api.replaceNamespacedCronJob({ name: "blind", namespace: NS, body });
    expect(replaced.spec?.schedule).toBe("0 5 * * *");
  });

  it("refuses it with 422 when requireResourceVersionOnUpdate is set", async () => {
    const strict = await startKubeApiServer({ requireResourceVersionOnUpdate: true });
    try {
      const api = clientFor(strict.kubeConfigYaml(NS));
      await api.createNamespacedCronJob({ namespace: NS, body: cronJob("blind") });
      const error = await failure(
        api.replaceNamespacedCronJob({ name: "blind", namespace: NS, body: cronJob("blind") }),
      );
      expect(error).toMatchObject({
        code: 422,
        reason: "Invalid",
        message:
          'cronjobs.batch "blind" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
      });
    } finally {
      await strict.close();
    }
  });

  it("refuses a replace whose body names another object (400)", async () => {
    await k.api.createNamespacedCronJob({ namespace: NS, body: cronJob("a") });
    const error = await failure(
      k.api.replaceNamespacedCronJob({ name: "a", namespace: NS, body: cronJob("b") }),
    );
    expect(error).toMatchObject({
      code: 400,
      reason: "BadRequest",
      message: "the name of the object (b) does not match the name on the URL (a)",
    });
  });
});

describe("authentication and RBAC", () => {
  it("answers 401 Unauthorized without the bearer token", async () => {
    const wrong = clientFor(k.server.kubeConfigYaml(NS).replace("kairos-test-token", "nope"));
    await expect(wrong.listNamespacedCronJob({ namespace: NS })).rejects.toMatchObject({
      code: 401,
    });
    const bare = await raw(k.server, "GET", COLLECTION, undefined, { authorization: "" });
    expect(bare.status).toBe(401);
    expect(bare.json).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Unauthorized",
      reason: "Unauthorized",
      code: 401,
    });
  });

  it("answers 403 Forbidden naming the user, verb, resource and namespace after deny, until allowAll", async () => {
    k.server.deny("list", "cronjobs");
    k.server.deny("create", "cronjobs");
    const list = await failure(k.api.listNamespacedCronJob({ namespace: NS }));
    expect(list).toMatchObject({
      code: 403,
      reason: "Forbidden",
      message:
        'cronjobs.batch is forbidden: User "system:serviceaccount:jobs:kairos" cannot list resource "cronjobs" in API group "batch" in the namespace "jobs"',
      details: { group: "batch", kind: "cronjobs" },
    });
    const create = await failure(
      k.api.createNamespacedCronJob({ namespace: NS, body: cronJob("x") }),
    );
    expect(create.message).toContain('cannot create resource "cronjobs"');
    expect(k.server.cronJobs()).toEqual([]);
    // Other verbs are not denied: a get reaches the handler (404 here).
    expect((await failure(k.api.readNamespacedCronJob({ name: "x", namespace: NS }))).code).toBe(
      404,
    );
    k.server.allowAll();
    expect((await k.api.listNamespacedCronJob({ namespace: NS })).items).toEqual([]);
  });

  it("names the object in a 403 for a named request, and the jobs resource for Jobs", async () => {
    k.server.deny("get", "cronjobs");
    k.server.deny("list", "jobs");
    const get = await failure(k.api.readNamespacedCronJob({ name: "nightly", namespace: NS }));
    expect(get).toMatchObject({
      code: 403,
      message:
        'cronjobs.batch "nightly" is forbidden: User "system:serviceaccount:jobs:kairos" cannot get resource "cronjobs" in API group "batch" in the namespace "jobs"',
      details: { name: "nightly", group: "batch", kind: "cronjobs" },
    });
    const jobs = await failure(k.api.listNamespacedJob({ namespace: NS }));
    expect(jobs.message).toBe(
      'jobs.batch is forbidden: User "system:serviceaccount:jobs:kairos" cannot list resource "jobs" in API group "batch" in the namespace "jobs"',
    );
  });
});

describe("paths and verbs it does not serve", () => {
  it("answers an unexpected path with a 404 Status and records it", async () => {
    const other = await raw(k.server, "GET", "/api/v1/namespaces/jobs/pods");
    expect(other.status).toBe(404);
    expect(other.json).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "NotFound",
      code: 404,
    });
    expect(k.server.requests.at(-1)).toMatchObject({
      method: "GET",
      path: "/api/v1/namespaces/jobs/pods",
      status: 404,
    });
  });
});

describe("Jobs", () => {
  it("lists seeded Jobs by label, and deletes the Jobs a CronJob owns with it", async () => {
    const owner = await k.api.createNamespacedCronJob({ namespace: NS, body: cronJob("owner") });
    const job = (name: string, schedule: string, uid?: string) => ({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        namespace: NS,
        labels: { "kairos.dev/schedule": schedule },
        ...(uid
          ? { ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: "owner", uid }] }
          : {}),
      },
      spec: {
        template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "i" }] } },
      },
    });
    expect((await k.api.listNamespacedJob({ namespace: NS })).items).toEqual([]);
    k.server.seed(job("owner-29000000", "owner", owner.metadata?.uid));
    k.server.seed(job("lonely-29000000", "lonely"));
    const owned = await k.api.listNamespacedJob({
      namespace: NS,
      labelSelector: "kairos.dev/schedule=owner",
    });
    expect(owned.kind).toBe("JobList");
    expect(owned.items.map((j) => j.metadata?.name)).toEqual(["owner-29000000"]);
    await k.api.deleteNamespacedCronJob({ name: "owner", namespace: NS });
    const left = await k.api.listNamespacedJob({ namespace: NS });
    expect(left.items.map((j) => j.metadata?.name)).toEqual(["lonely-29000000"]);
  });
});

describe("merge patch", () => {
  it("applies an application/merge-patch+json body with the update rules", async () => {
    const created = await k.api.createNamespacedCronJob({
      namespace: NS,
      body: cronJob("patched"),
    });
    const path = `${COLLECTION}/patched`;
    const type = { "content-type": "application/merge-patch+json" };
    const ok = await raw(k.server, "PATCH", path, { spec: { suspend: true } }, type);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({
      spec: { suspend: true, schedule: "0 3 * * *" },
      metadata: { generation: 2 },
    });
    const stale = {
      metadata: { resourceVersion: created.metadata?.resourceVersion },
      spec: { suspend: false },
    };
    expect((await raw(k.server, "PATCH", path, stale, type)).json).toMatchObject({
      code: 409,
      reason: "Conflict",
    });
    expect(
      (await raw(k.server, "PATCH", path, [], { "content-type": "application/json-patch+json" }))
        .status,
    ).toBe(415);
  });
});

describe("the exported goldens", () => {
  const dir = path.resolve(import.meta.dirname, "__golden__");
  const cronJobs = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), "utf8")).map(
        (d) => d.toJS() as V1CronJob,
      ),
    )
    .filter((o) => o.kind === "CronJob");

  it("are all accepted by create, with no unknown-field warning, and read back with their spec", async () => {
    expect(cronJobs.length).toBeGreaterThan(10);
    for (const object of cronJobs) {
      const namespace = object.metadata?.namespace ?? "default";
      const sent = await raw(
        k.server,
        "POST",
        `/apis/batch/v1/namespaces/${namespace}/cronjobs`,
        object,
      );
      expect(sent.status, `${object.metadata?.name}: ${sent.json.message}`).toBe(201);
      expect(sent.headers.get("warning")).toBeNull();
      expect(sent.json).toMatchObject({ metadata: object.metadata, spec: object.spec });
    }
    const keys = new Set(cronJobs.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`));
    expect(k.server.cronJobs().length).toBe(keys.size);
  });
});
