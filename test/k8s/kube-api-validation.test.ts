/**
 * The loopback Kubernetes API server's selectors and validation, through the real client
 * (@kubernetes/client-node 1.4) and raw HTTP: every labelSelector operator and a malformed
 * one, fieldSelector, 422 Invalid with its causes, 400 for bodies the decoder refuses, and the
 * unknown-field modes (Warn by default, Strict on request).
 */
import type { V1CronJob } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
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

async function names(labelSelector?: string, fieldSelector?: string): Promise<string[]> {
  const list = await k.api.listNamespacedCronJob({
    namespace: NS,
    ...(labelSelector === undefined ? {} : { labelSelector }),
    ...(fieldSelector === undefined ? {} : { fieldSelector }),
  });
  return list.items.map((c) => c.metadata?.name ?? "");
}

describe("labelSelector and fieldSelector", () => {
  it("filters with every operator, comma meaning AND", async () => {
    await k.api.createNamespacedCronJob({
      namespace: NS,
      body: cronJob("a", { tier: "web", env: "prod" }),
    });
    await k.api.createNamespacedCronJob({
      namespace: NS,
      body: cronJob("b", { tier: "db", env: "dev" }),
    });
    await k.api.createNamespacedCronJob({ namespace: NS, body: cronJob("c", { tier: "web" }) });
    k.server.seed({
      ...cronJob("other"),
      metadata: { name: "other", namespace: "elsewhere", labels: { tier: "web" } },
    });
    const cases: [string, string[]][] = [
      ["", ["a", "b", "c"]],
      ["tier=web", ["a", "c"]],
      ["tier==web", ["a", "c"]],
      ["tier!=web", ["b"]],
      ["env!=prod", ["b", "c"]], // != also matches objects without the key
      ["tier in (web, db)", ["a", "b", "c"]],
      ["env in (prod)", ["a"]],
      ["env notin (prod)", ["b", "c"]], // notin also matches objects without the key
      ["env", ["a", "b"]],
      ["!env", ["c"]],
      ["tier=web,env", ["a"]],
      ["tier=web,!env", ["c"]],
      ["tier in (web),env notin (prod)", ["c"]],
      ["tier=nothing", []],
    ];
    for (const [selector, expected] of cases) {
      expect(await names(selector), selector).toEqual(expected);
    }
  });

  it("answers a malformed labelSelector with 400 BadRequest", async () => {
    for (const selector of [
      "tier in web",
      "tier in ()",
      "=web",
      "tier=web=x",
      "tier=a b",
      "bad key!/x=1",
    ]) {
      const error = await failure(
        k.api.listNamespacedCronJob({ namespace: NS, labelSelector: selector }),
      );
      expect(error, selector).toMatchObject({ code: 400, reason: "BadRequest" });
      expect(error.message, selector).toContain("unable to parse requirement");
    }
  });

  it("filters by metadata.name and refuses an unsupported field label", async () => {
    await k.api.createNamespacedCronJob({ namespace: NS, body: cronJob("a") });
    await k.api.createNamespacedCronJob({ namespace: NS, body: cronJob("b") });
    expect(await names(undefined, "metadata.name=b")).toEqual(["b"]);
    expect(await names(undefined, "metadata.name!=b")).toEqual(["a"]);
    const error = await failure(
      k.api.listNamespacedCronJob({ namespace: NS, fieldSelector: "spec.schedule=x" }),
    );
    expect(error).toMatchObject({ code: 400, message: "field label not supported: spec.schedule" });
  });

  it("pages with limit and continue", async () => {
    for (const name of ["a", "b", "c"])
      await k.api.createNamespacedCronJob({ namespace: NS, body: cronJob(name) });
    const first = await k.api.listNamespacedCronJob({ namespace: NS, limit: 2 });
    expect(first.items.map((c) => c.metadata?.name)).toEqual(["a", "b"]);
    expect(first.metadata?.remainingItemCount).toBe(1);
    const next = await k.api.listNamespacedCronJob({
      namespace: NS,
      limit: 2,
      _continue: first.metadata?._continue,
    });
    expect(next.items.map((c) => c.metadata?.name)).toEqual(["c"]);
    expect(next.metadata?._continue).toBeUndefined();
  });
});

/** Creates `body` through the client and returns the 422 Status. */
async function invalid(
  body: V1CronJob,
): Promise<{ message: string; causes: { field: string; message: string }[] }> {
  const error = await failure(k.api.createNamespacedCronJob({ namespace: NS, body }));
  expect(error).toMatchObject({
    code: 422,
    reason: "Invalid",
    details: { group: "batch", kind: "CronJob" },
  });
  return { message: error.message, causes: error.details?.causes ?? [] };
}

describe("422 Invalid", () => {
  it("refuses a 53-character name (the controller appends 11 to name its Jobs) and takes 52", async () => {
    const long = "a".repeat(53);
    const error = await invalid(cronJob(long));
    expect(error.message).toBe(
      `CronJob.batch "${long}" is invalid: metadata.name: Invalid value: "${long}": must be no more than 52 characters`,
    );
    expect(error.causes).toEqual([
      {
        reason: "FieldValueInvalid",
        field: "metadata.name",
        message: `Invalid value: "${long}": must be no more than 52 characters`,
      },
    ]);
    await k.api.createNamespacedCronJob({ namespace: NS, body: cronJob("a".repeat(52)) });
  });

  it("refuses a name that is not a DNS-1123 subdomain", async () => {
    const error = await invalid(cronJob("Nightly_Run"));
    expect(error.causes.map((c) => c.field)).toEqual(["metadata.name"]);
    expect(error.causes[0]?.message).toContain("a lowercase RFC 1123 subdomain");
  });

  it("refuses bad label values and keys", async () => {
    const error = await invalid(
      cronJob("labels", { app: "-bad-", ok: "x".repeat(64), "bad key": "v" }),
    );
    expect(error.causes.map((c) => c.field)).toEqual([
      "metadata.labels",
      "metadata.labels",
      "metadata.labels",
    ]);
    expect(error.message).toMatch(
      /^CronJob\.batch "labels" is invalid: \[metadata\.labels: Invalid value: "-bad-": a valid label must be/,
    );
    expect(error.causes[1]?.message).toBe(
      `Invalid value: "${"x".repeat(64)}": must be no more than 63 characters`,
    );
    expect(error.causes[2]?.message).toContain(
      'Invalid value: "bad key": name part must consist of',
    );
  });

  it("refuses annotations over 256 KiB in total", async () => {
    const body = cronJob("big");
    body.metadata!.annotations = { a: "x".repeat(200 * 1024), b: "y".repeat(60 * 1024) };
    const error = await invalid(body);
    expect(error.causes).toEqual([
      {
        reason: "FieldValueTooLong",
        field: "metadata.annotations",
        message: "Too long: must have at most 262144 bytes",
      },
    ]);
  });

  it("refuses an empty or unparseable schedule, a bad policy and an unknown time zone", async () => {
    const body = cronJob("spec");
    body.spec!.schedule = "every day";
    body.spec!.concurrencyPolicy = "Sometimes";
    body.spec!.timeZone = "Mars/Olympus";
    const error = await invalid(body);
    expect(error.causes).toEqual([
      {
        reason: "FieldValueInvalid",
        field: "spec.schedule",
        message: 'Invalid value: "every day": expected exactly 5 fields, found 2: [every day]',
      },
      {
        reason: "FieldValueInvalid",
        field: "spec.timeZone",
        message: 'Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
      },
      {
        reason: "FieldValueNotSupported",
        field: "spec.concurrencyPolicy",
        message: 'Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
      },
    ]);
    body.spec!.schedule = "";
    body.spec!.concurrencyPolicy = "Forbid";
    body.spec!.timeZone = "Europe/Paris";
    expect((await invalid(body)).causes).toEqual([
      { reason: "FieldValueRequired", field: "spec.schedule", message: "Required value" },
    ]);
    body.spec!.schedule = "61 * * * *";
    expect((await invalid(body)).causes[0]?.message).toBe(
      'Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
    );
  });

  it("refuses a Job template a Job cannot run (restartPolicy defaulted to Always, no image)", async () => {
    const body = cronJob("pod");
    body.spec!.jobTemplate.spec!.template.spec = { containers: [{ name: "c" }] };
    const error = await invalid(body);
    expect(error.causes).toEqual([
      {
        reason: "FieldValueNotSupported",
        field: "spec.jobTemplate.spec.template.spec.restartPolicy",
        message: 'Unsupported value: "Always": supported values: "OnFailure", "Never"',
      },
      {
        reason: "FieldValueRequired",
        field: "spec.jobTemplate.spec.template.spec.containers[0].image",
        message: "Required value",
      },
    ]);
  });
});

describe("bodies the decoder refuses, and unknown fields", () => {
  it("answers a wrong JSON type (schedule: 5) with 400, as the Go decoder fails before validation", async () => {
    const body = { ...cronJob("typed"), spec: { ...cronJob("typed").spec, schedule: 5 } };
    const sent = await raw(k.server, "POST", COLLECTION, body);
    expect(sent.status).toBe(400);
    expect(sent.json).toMatchObject({ reason: "BadRequest", code: 400 });
    expect(sent.json.message).toContain('CronJob in version "v1" cannot be handled as a CronJob');
    expect(sent.json.message).toContain("spec.schedule");
  });

  it("drops an unknown spec field with a Warning header by default (fieldValidation=Warn)", async () => {
    const body = { ...cronJob("extra"), spec: { ...cronJob("extra").spec, scheduel: "0 1 * * *" } };
    const sent = await raw(k.server, "POST", COLLECTION, body);
    expect(sent.status).toBe(201);
    expect(sent.headers.get("warning")).toBe('299 - "unknown field \\"spec.scheduel\\""');
    expect(k.server.cronJobs(NS)[0]?.spec).not.toHaveProperty("scheduel");
  });

  it("refuses it with 400 under fieldValidation=Strict (query or server default)", async () => {
    const body = { ...cronJob("extra"), spec: { ...cronJob("extra").spec, scheduel: "0 1 * * *" } };
    const sent = await raw(k.server, "POST", `${COLLECTION}?fieldValidation=Strict`, body);
    expect(sent.status).toBe(400);
    expect(sent.json.message).toBe(
      'CronJob in version "v1" cannot be handled as a CronJob: strict decoding error: unknown field "spec.scheduel"',
    );
    const strict = await startKubeApiServer({ fieldValidation: "Strict" });
    try {
      expect((await raw(strict, "POST", COLLECTION, body)).status).toBe(400);
    } finally {
      await strict.close();
    }
  });

  it("is not reached by the typed client, which drops unknown fields before sending", async () => {
    const body = {
      ...cronJob("typed"),
      spec: { ...cronJob("typed").spec, scheduel: "x" },
    } as V1CronJob;
    const strict = await startKubeApiServer({ fieldValidation: "Strict" });
    try {
      await clientFor(strict.kubeConfigYaml(NS)).createNamespacedCronJob({ namespace: NS, body });
      expect(strict.requests[0]?.body).not.toHaveProperty("spec.scheduel");
    } finally {
      await strict.close();
    }
  });

  it("honours dryRun=All: validated and answered, not stored", async () => {
    const sent = await raw(k.server, "POST", `${COLLECTION}?dryRun=All`, cronJob("dry"));
    expect(sent.status).toBe(201);
    expect(k.server.cronJobs()).toEqual([]);
  });
});
