/**
 * The Kubernetes schedule backend against the loopback Kubernetes API server (no real cluster
 * can run on the machines that build Kairos; kubernetes-backend.cluster.test.ts runs the same
 * suite against one when KUBECONFIG is set).
 */
import { afterAll } from "vitest";
import { backendSuite, kubeconfigFile } from "./backend-suite.js";
import { startKubeApiServer, type KubeApiServer } from "./kube-api-server.js";

let server: KubeApiServer | null = null;

backendSuite("loopback API server", async () => {
  // Strict on both points the backend must get right: a replace always carries the
  // resourceVersion it read, and no field the API does not know is ever sent.
  server = await startKubeApiServer({
    requireResourceVersionOnUpdate: true,
    fieldValidation: "Strict",
  });
  return {
    kubeconfig: kubeconfigFile(server, "jobs"),
    namespace: "jobs",
    prefix: "t-",
    loopback: server,
  };
});

afterAll(async () => {
  await server?.close();
});
