import { describe, expect, it } from "vitest";
import { driftPaths } from "./drift.js";
import { planCronJobSync } from "./sync-plan.js";
import { K8S_KEYS, type K8sObject } from "./types.js";

function cronJob(
  name: string,
  source: "yaml" | "api",
  schedule = "0 * * * *",
  extra: Record<string, unknown> = {},
): K8sObject {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: {
      name,
      labels: { [K8S_KEYS.managedBy]: "kairos", [K8S_KEYS.source]: source },
      annotations: { [K8S_KEYS.scheduleName]: name.toUpperCase() },
    },
    spec: {
      schedule,
      suspend: false,
      jobTemplate: {
        spec: { template: { spec: { containers: [{ name: "trigger", args: ["a", "b"] }] } } },
      },
      ...extra,
    },
  };
}

/** What the API server returns for `object`: server fields and defaults added. */
function asServed(object: K8sObject): K8sObject {
  const copy = JSON.parse(JSON.stringify(object)) as {
    metadata: Record<string, unknown> & {
      annotations: Record<string, string>;
      labels: Record<string, string>;
    };
    spec: {
      jobTemplate: {
        spec: {
          template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } };
        };
      };
    };
  };
  copy.metadata.uid = "u-1";
  copy.metadata.resourceVersion = "7";
  copy.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"] = "{}";
  copy.metadata.labels["team"] = "data";
  const pod = copy.spec.jobTemplate.spec.template.spec;
  pod.dnsPolicy = "ClusterFirst";
  pod.containers[0]!.terminationMessagePath = "/dev/termination-log";
  return copy as unknown as K8sObject;
}

describe("driftPaths", () => {
  it("ignores what the API server and other tools add", () => {
    const desired = cronJob("a", "yaml");
    expect(driftPaths(desired, asServed(desired))).toEqual([]);
  });

  it("names each field Kairos writes that changed, down to array items", () => {
    const desired = cronJob("a", "yaml", "*/5 * * * *");
    const served = asServed(cronJob("a", "yaml")) as unknown as { spec: Record<string, unknown> };
    (served.spec as { suspend: boolean }).suspend = true;
    const paths = driftPaths(desired, served as unknown as K8sObject);
    expect(paths).toEqual(["spec.schedule", "spec.suspend"]);
    const argsChanged = asServed(cronJob("a", "yaml")) as unknown as {
      spec: { jobTemplate: { spec: { template: { spec: { containers: { args: string[] }[] } } } } };
    };
    argsChanged.spec.jobTemplate.spec.template.spec.containers[0]!.args = ["a", "c"];
    expect(driftPaths(cronJob("a", "yaml"), argsChanged as unknown as K8sObject)).toEqual([
      "spec.jobTemplate.spec.template.spec.containers[0].args[1]",
    ]);
  });

  it("counts a kairos.dev annotation Kairos no longer writes as drift", () => {
    const served = asServed(cronJob("a", "yaml")) as unknown as {
      metadata: { annotations: Record<string, string> };
    };
    served.metadata.annotations[K8S_KEYS.approximation] = "jitter dropped";
    expect(driftPaths(cronJob("a", "yaml"), served as unknown as K8sObject)).toEqual([
      `metadata.annotations.${K8S_KEYS.approximation}`,
    ]);
  });
});

describe("planCronJobSync", () => {
  it("creates the missing, updates the drifted, keeps the same, prunes yaml leftovers, never touches api ones", () => {
    const desired = [
      cronJob("new", "yaml"),
      cronJob("same", "yaml"),
      cronJob("moved", "yaml", "5 * * * *"),
    ];
    const actual = [
      asServed(cronJob("same", "yaml")),
      asServed(cronJob("moved", "yaml")),
      asServed(cronJob("dropped", "yaml")),
      asServed(cronJob("from-api", "api")),
    ];
    const ops = planCronJobSync(desired, actual).map((o) => [o.op, o.resource]);
    expect(ops).toEqual([
      ["prune", "dropped"],
      ["update", "moved"],
      ["create", "new"],
      ["unchanged", "same"],
    ]);
  });

  it("is idempotent: after applying a plan the next plan changes nothing", () => {
    const desired = [cronJob("a", "yaml"), cronJob("b", "yaml", "1 2 * * *")];
    const cluster = planCronJobSync(desired, []).flatMap((o) =>
      o.op === "create" ? [asServed(o.desired)] : [],
    );
    expect(planCronJobSync(desired, cluster).every((o) => o.op === "unchanged")).toBe(true);
  });

  it("takes over an api-sourced CronJob that the file now declares", () => {
    const [op] = planCronJobSync([cronJob("a", "yaml")], [asServed(cronJob("a", "api"))]);
    expect(op).toMatchObject({ op: "update", fields: [`metadata.labels.${K8S_KEYS.source}`] });
  });
});
