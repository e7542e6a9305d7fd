/**
 * @module backends/kubernetes/cronjob-api
 * The calls the Kubernetes backend makes, on CronJobs of one namespace, over
 * `@kubernetes/client-node`'s BatchV1Api. Every failure becomes a typed error: a 403 is
 * K8sForbiddenError naming the verb and resource to grant, anything else K8sApiError with the
 * API's status, reason and message. Objects go in and come out as plain JSON-shaped data.
 */
import { ApiException, BatchV1Api, type KubeConfig } from "@kubernetes/client-node";
import { K8sApiError, K8sForbiddenError } from "../../core/k8s/errors.js";
import type { K8sObject } from "../../core/k8s/types.js";

/** CronJob calls on one namespace. */
export interface CronJobApi {
  readonly namespace: string;
  /** The CronJobs matching `labelSelector`. */
  list(labelSelector: string): Promise<K8sObject[]>;
  /** The CronJob `name`, or null when there is none. */
  get(name: string): Promise<K8sObject | null>;
  /** Create; a name taken already is K8sApiError with reason `AlreadyExists`. */
  create(object: K8sObject): Promise<K8sObject>;
  /** Replace; a stale `metadata.resourceVersion` is K8sApiError with reason `Conflict`. */
  replace(name: string, object: K8sObject): Promise<K8sObject>;
  /** Delete; true when it existed. */
  delete(name: string): Promise<boolean>;
}

/** The CronJob calls of `config`'s cluster, in `namespace`. */
export function cronJobApi(config: KubeConfig, namespace: string): CronJobApi {
  const api = config.makeApiClient(BatchV1Api);
  const call = async <T>(verb: string, what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw apiError(error, verb, what, namespace);
    }
  };
  return {
    namespace,
    list: (labelSelector) =>
      call("list", "list cronjobs", async () =>
        (await api.listNamespacedCronJob({ namespace, labelSelector })).items.map(plain),
      ),
    get: async (name) => {
      try {
        return await call("get", `get cronjob ${name}`, async () =>
          plain(await api.readNamespacedCronJob({ name, namespace })),
        );
      } catch (error) {
        if (error instanceof K8sApiError && error.status === 404) return null;
        throw error;
      }
    },
    create: (object) =>
      call("create", `create cronjob ${nameOf(object)}`, async () =>
        plain(await api.createNamespacedCronJob({ namespace, body: object })),
      ),
    replace: (name, object) =>
      call("update", `replace cronjob ${name}`, async () =>
        plain(await api.replaceNamespacedCronJob({ name, namespace, body: object })),
      ),
    delete: async (name) => {
      try {
        await call("delete", `delete cronjob ${name}`, () =>
          api.deleteNamespacedCronJob({ name, namespace, propagationPolicy: "Background" }),
        );
        return true;
      } catch (error) {
        if (error instanceof K8sApiError && error.status === 404) return false;
        throw error;
      }
    },
  };
}

/** The typed error of a failed call (see the module header). */
export function apiError(error: unknown, verb: string, what: string, namespace: string): Error {
  if (!(error instanceof ApiException)) {
    const message = error instanceof Error ? error.message : String(error);
    return new K8sApiError(what, 0, null, message);
  }
  const status = statusBody(error.body);
  const code = Number(error.code);
  const message = status.message ?? `HTTP ${code}`;
  if (code === 403) return new K8sForbiddenError(verb, "cronjobs.batch", namespace, message);
  return new K8sApiError(what, code, status.reason ?? null, message);
}

function statusBody(body: unknown): { message?: string; reason?: string } {
  let value = body;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return { message: value as string };
    }
  }
  if (value === null || typeof value !== "object") return {};
  const { message, reason } = value as { message?: unknown; reason?: unknown };
  return {
    ...(typeof message === "string" ? { message } : {}),
    ...(typeof reason === "string" ? { reason } : {}),
  };
}

/** The object as JSON carries it (the client hands back class instances with Date fields). */
function plain(object: unknown): K8sObject {
  return JSON.parse(JSON.stringify(object)) as K8sObject;
}

function nameOf(object: K8sObject): string {
  return ((object.metadata ?? {}) as { name?: string }).name ?? "";
}
