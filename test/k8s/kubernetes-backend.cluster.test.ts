/**
 * The Kubernetes schedule backend suite against a real cluster: runs when KUBECONFIG and
 * KAIROS_TEST_NAMESPACE are set (a namespace the suite may fill and empty: it prunes every
 * yaml-sourced Kairos CronJob in it), skipped with a message otherwise. The credentials need the
 * Role `kairos k8s export` writes. Checks that need the loopback server's hooks are skipped.
 */
import { describe, it } from "vitest";
import { backendSuite } from "./backend-suite.js";

const kubeconfig = process.env.KUBECONFIG;
const namespace = process.env.KAIROS_TEST_NAMESPACE;

if (kubeconfig && namespace) {
  backendSuite(`cluster of ${kubeconfig}, namespace ${namespace}`, async () => ({
    kubeconfig,
    namespace,
    prefix: `kt${Date.now().toString(36)}-`,
    loopback: null,
  }));
} else {
  describe("Kubernetes schedule backend (real cluster)", () => {
    it.skip("skipped: set KUBECONFIG and KAIROS_TEST_NAMESPACE (an empty namespace) to run the backend suite against a real cluster", () =>
      undefined);
  });
}
