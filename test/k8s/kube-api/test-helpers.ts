/**
 * Helpers of the loopback apiserver's own tests: a fresh server and BatchV1Api client per
 * test, a minimal valid CronJob, the Status of a failed call, and raw HTTP for requests the
 * typed client cannot send (it drops unknown fields and serializes only known types).
 */
import { ApiException, BatchV1Api, KubeConfig, type V1CronJob } from "@kubernetes/client-node";
import { afterEach, beforeEach, expect } from "vitest";
import { type KubeApiServer, startKubeApiServer } from "../kube-api-server.js";

/** The namespace the helpers' client works in. */
export const NS = "jobs";
/** The CronJob collection path in {@link NS}. */
export const COLLECTION = `/apis/batch/v1/namespaces/${NS}/cronjobs`;

/** A BatchV1Api client configured from a kubeconfig text. */
export function clientFor(yaml: string): BatchV1Api {
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  return kc.makeApiClient(BatchV1Api);
}

/** Starts a server and a client before each test, closes the server after; read them via the getters. */
export function useKubeApi(): { readonly server: KubeApiServer; readonly api: BatchV1Api } {
  let server: KubeApiServer | undefined;
  let api: BatchV1Api | undefined;
  beforeEach(async () => {
    server = await startKubeApiServer();
    api = clientFor(server.kubeConfigYaml(NS));
  });
  afterEach(async () => {
    await server?.close();
  });
  return {
    get server(): KubeApiServer {
      if (!server) throw new Error("no server: use inside a test");
      return server;
    },
    get api(): BatchV1Api {
      if (!api) throw new Error("no client: use inside a test");
      return api;
    },
  };
}

/** A minimal valid CronJob named `name`. */
export function cronJob(name: string, labels: Record<string, string> = {}): V1CronJob {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, labels },
    spec: {
      schedule: "0 3 * * *",
      timeZone: "Europe/Paris",
      jobTemplate: {
        spec: {
          template: {
            spec: {
              restartPolicy: "Never",
              containers: [{ name: "trigger", image: "curl:8.11.1" }],
            },
          },
        },
      },
    },
  };
}

/** A Status body as the tests read it. */
export interface StatusBody {
  kind: string;
  status: string;
  message: string;
  reason: string;
  code: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason: string; field: string; message: string }[];
  };
}

/** Awaits a call that must fail with an ApiException; returns its body parsed as a Status. */
export async function failure(promise: Promise<unknown>): Promise<StatusBody> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiException);
    const e = error as ApiException<string>;
    const body = JSON.parse(e.body) as StatusBody;
    expect(body).toMatchObject({
      kind: "Status",
      apiVersion: "v1",
      status: "Failure",
      code: e.code,
    });
    return body;
  }
  throw new Error("expected the request to fail");
}

/** A raw JSON request with the server's token (override headers to change it). */
export async function raw(
  server: KubeApiServer,
  method: string,
  urlPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: StatusBody & Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${server.url}${urlPath}`, {
    method,
    headers: {
      authorization: "Bearer kairos-test-token",
      "content-type": "application/json",
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    json: (await response.json()) as never,
    headers: response.headers,
  };
}
