/**
 * Offline validation of exported objects: the Kubernetes OpenAPI schemas (kubernetes-models)
 * plus the name, label and cron rules the API server checks and the schemas do not.
 */
import { CronJob } from "kubernetes-models/batch/v1";
import { Secret, ServiceAccount } from "kubernetes-models/v1";
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { expect } from "vitest";
import type { K8sObject } from "../../src/core/k8s/types.js";

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Throws (fails the test) unless `object` is a valid object of its kind. */
export function validateObject(object: K8sObject): void {
  const data = object as never;
  switch (object.kind) {
    case "CronJob":
      new CronJob(data).validate();
      checkCronJob(object);
      break;
    case "Secret":
      new Secret(data).validate();
      break;
    case "ServiceAccount":
      new ServiceAccount(data).validate();
      break;
    case "Role":
      new Role(data).validate();
      break;
    case "RoleBinding":
      new RoleBinding(data).validate();
      break;
    default:
      throw new Error(`unexpected kind ${object.kind}`);
  }
  const meta = object.metadata as { name: string; labels?: Record<string, string> };
  expect(meta.name).toMatch(DNS1123);
  for (const value of Object.values(meta.labels ?? {})) {
    expect(value.length).toBeLessThanOrEqual(63);
    expect(value).toMatch(LABEL_VALUE);
  }
}

function checkCronJob(object: K8sObject): void {
  const meta = object.metadata as { name: string };
  expect(meta.name.length).toBeLessThanOrEqual(52);
  const spec = object.spec as { schedule: string };
  // 5 fields or a nickname: what the CronJob controller parses.
  expect(spec.schedule).toMatch(/^(@\w+|\S+ \S+ \S+ \S+ \S+)$/);
}
