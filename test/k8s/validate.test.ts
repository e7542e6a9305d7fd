/**
 * The offline validation the export tests rely on rejects what the API server would: a
 * CronJob with a wrong type or without its job template. (It lets unknown fields through: the
 * golden files are what pins the field names.)
 */
import { CronJob } from "kubernetes-models/batch/v1";
import { describe, expect, it } from "vitest";

const valid = {
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: "nightly" },
  spec: {
    schedule: "0 3 * * *",
    timeZone: "Europe/Paris",
    jobTemplate: {
      spec: {
        template: {
          spec: { restartPolicy: "Never", containers: [{ name: "trigger", image: "curl" }] },
        },
      },
    },
  },
};

describe("kubernetes-models validation (what the export tests trust)", () => {
  it("accepts a valid CronJob with a time zone", () => {
    expect(() => new CronJob(valid as never).validate()).not.toThrow();
  });

  it("rejects a wrong type and a missing job template", () => {
    const wrongType = { ...valid, spec: { ...valid.spec, schedule: 5 } };
    const { jobTemplate: _dropped, ...noTemplate } = valid.spec;
    expect(() => new CronJob(wrongType as never).validate()).toThrow();
    expect(() => new CronJob({ ...valid, spec: noTemplate } as never).validate()).toThrow();
  });
});
