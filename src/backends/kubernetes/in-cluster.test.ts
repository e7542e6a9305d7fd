import { describe, expect, it } from "vitest";
import { detectCluster, SERVICE_ACCOUNT_DIR } from "./in-cluster.js";

const token = `${SERVICE_ACCOUNT_DIR}/token`;

describe("detectCluster", () => {
  it("is in a cluster in a pod with a ServiceAccount token", () => {
    const d = detectCluster({
      env: { KUBERNETES_SERVICE_HOST: "10.0.0.1" },
      exists: (f) => f === token,
    });
    expect(d.inCluster).toBe(true);
  });

  it("says why it is not: no service host, or no token", () => {
    expect(detectCluster({ env: {}, exists: () => true })).toEqual({
      inCluster: false,
      why: "KUBERNETES_SERVICE_HOST is not set",
    });
    expect(
      detectCluster({ env: { KUBERNETES_SERVICE_HOST: "10.0.0.1" }, exists: () => false }).why,
    ).toBe(`no ServiceAccount token at ${token}`);
  });

  it("lets KAIROS_IN_CLUSTER override the detection either way", () => {
    expect(detectCluster({ env: { KAIROS_IN_CLUSTER: "1" }, exists: () => false }).inCluster).toBe(
      true,
    );
    expect(
      detectCluster({ env: { KAIROS_IN_CLUSTER: "true" }, exists: () => false }).inCluster,
    ).toBe(true);
    const off = { KAIROS_IN_CLUSTER: "0", KUBERNETES_SERVICE_HOST: "10.0.0.1" };
    expect(detectCluster({ env: off, exists: () => true }).inCluster).toBe(false);
  });
});
