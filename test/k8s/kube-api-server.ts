/**
 * A loopback Kubernetes API server for tests: the batch/v1 CronJob (list, get, create,
 * replace, merge-patch, delete) and Job (list, get) endpoints with the real apiserver's rules
 * (bearer auth, RBAC denials, label/field selectors, resourceVersion optimistic concurrency,
 * defaulting, 400/409/422 Status bodies from the same schemas as kubernetes-models). No real
 * cluster can run on the machines that build Kairos; this is what the runtime Kubernetes
 * backend's tests talk to. Modules: test/k8s/kube-api/.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { FieldValidation } from "./kube-api/admit.js";
import type { Obj } from "./kube-api/decode.js";
import { handle, type RecordedRequest } from "./kube-api/http.js";
import { k8sTime, ObjectStore } from "./kube-api/store.js";

export type { RecordedRequest } from "./kube-api/http.js";

/** A stored CronJob as the server returns it (JSON). */
export type CronJobObject = Obj & {
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    [key: string]: unknown;
  };
};

/** Options of {@link startKubeApiServer}. */
export interface KubeApiServerOptions {
  /** The bearer token every request must carry (default "kairos-test-token"). */
  token?: string;
  /**
   * Refuse a PUT without metadata.resourceVersion with the 422 `must be specified for an
   * update` (what resources without unconditional updates answer). Default false: the real
   * CronJob registry allows unconditional updates, so an empty resourceVersion overwrites.
   */
  requireResourceVersionOnUpdate?: boolean;
  /** fieldValidation when the request has none (default "Warn", the server default). */
  fieldValidation?: FieldValidation;
  /** The user named in 403 messages (default `system:serviceaccount:<namespace>:kairos`). */
  user?: string;
}

/** A running loopback apiserver and the test hooks around it. */
export interface KubeApiServer {
  readonly url: string;
  /** A kubeconfig: cluster server=url, a user with the bearer token, a context with namespace. */
  kubeConfigYaml(namespace?: string): string;
  /** Every request served, in order. */
  readonly requests: readonly RecordedRequest[];
  /** CronJobs as stored (deep copies), of one namespace or all, sorted by namespace and name. */
  cronJobs(namespace?: string): CronJobObject[];
  /** Stores an object (CronJob, or Job when kind is "Job") as if someone else created it. */
  seed(object: object): void;
  /** Sets status.lastScheduleTime (and bumps resourceVersion) as the CronJob controller would. */
  setLastScheduleTime(namespace: string, name: string, at: Date): void;
  /** A concurrent writer: bumps the object's resourceVersion, after `mutate` if given. */
  touch(namespace: string, name: string, mutate?: (obj: any) => void): void; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Denies a verb on a resource: later matching requests get the real 403 Forbidden Status. */
  deny(verb: string, resource: "cronjobs" | "jobs"): void;
  /** Lifts every denial. */
  allowAll(): void;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 and an ephemeral port. */
export async function startKubeApiServer(
  options: KubeApiServerOptions = {},
): Promise<KubeApiServer> {
  const token = options.token ?? "kairos-test-token";
  const store = new ObjectStore(options.requireResourceVersionOnUpdate ?? false);
  const requests: RecordedRequest[] = [];
  const denied = new Set<string>();
  const ctx = {
    store,
    token,
    user: (namespace: string) => options.user ?? `system:serviceaccount:${namespace}:kairos`,
    denied,
    fieldValidation: options.fieldValidation ?? "Warn",
    record: (r: RecordedRequest) => requests.push(r),
  };
  const server = createServer((request, response) => void handle(ctx, request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    kubeConfigYaml: (namespace = "default") => kubeConfig(url, token, namespace),
    cronJobs: (namespace) => store.list("cronjobs", namespace) as CronJobObject[],
    seed: (object) => void store.seed(object as Obj),
    setLastScheduleTime: (namespace, name, at) =>
      store.mutate("cronjobs", namespace, name, (o) => {
        o.status = { ...(o.status ?? {}), lastScheduleTime: k8sTime(at) };
      }),
    touch: (namespace, name, mutate) =>
      store.mutate("cronjobs", namespace, name, (o) => mutate?.(o)),
    deny: (verb, resource) => void denied.add(`${verb}:${resource}`),
    allowAll: () => denied.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function kubeConfig(url: string, token: string, namespace: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "  - name: loopback",
    "    cluster:",
    `      server: ${url}`,
    // client-node 1.x refuses plain http unless TLS verification is off for the cluster.
    "      insecure-skip-tls-verify: true",
    "users:",
    "  - name: kairos",
    "    user:",
    `      token: ${JSON.stringify(token)}`,
    "contexts:",
    "  - name: loopback",
    "    context:",
    "      cluster: loopback",
    "      user: kairos",
    `      namespace: ${JSON.stringify(namespace)}`,
    "current-context: loopback",
    "",
  ].join("\n");
}
