/**
 * The in-memory storage behind the loopback apiserver: CronJobs and Jobs per namespace, one
 * global resourceVersion counter (like etcd's revision), and the registry rules of the real
 * server: create fills uid/resourceVersion/creationTimestamp/generation and clears status;
 * update is optimistic on resourceVersion (unconditional when it is empty, as CronJobs allow),
 * keeps status (a subresource), bumps generation only when spec changes; delete cascades to
 * the Jobs the CronJob owns unless orphaned. Every object handed out is a deep copy.
 */
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { admitCronJob, type Admitted, CRONJOBS, type FieldValidation, JOBS } from "./admit.js";
import type { Obj } from "./decode.js";
import {
  alreadyExists,
  badRequest,
  conflict,
  deleted,
  type GroupResource,
  internalError,
  invalid,
  notFound,
  notSupportedField,
  OPTIMISTIC_LOCK_MESSAGE,
  type Status,
} from "./status.js";

/** The two resources served. */
export type Resource = "cronjobs" | "jobs";

/** Options of a write, from the query string. */
export interface WriteOptions {
  readonly dryRun: boolean;
  readonly fieldValidation: FieldValidation;
}

/** A stored object's metadata, as the store reads it. */
interface Meta {
  name: string;
  namespace: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  labels?: Record<string, string>;
  ownerReferences?: { uid?: string }[];
  [key: string]: unknown;
}

const meta = (o: Obj): Meta => o.metadata as Meta;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** RFC 7386: objects merge key by key, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const result: Obj = isObj(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
const GROUPS: Record<Resource, GroupResource> = { cronjobs: CRONJOBS, jobs: JOBS };
const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

/** RFC 3339 at second precision, as metav1.Time serializes. */
export function k8sTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** In-memory objects and the rules of their lifecycle. */
export class ObjectStore {
  private revision = 100;
  private readonly objects = new Map<string, Obj>(); // key: resource/namespace/name

  /** Whether an update without resourceVersion is refused (422) instead of unconditional. */
  constructor(private readonly requireResourceVersion: boolean) {}

  private key(resource: Resource, namespace: string, name: string): string {
    return `${resource}/${namespace}/${name}`;
  }

  private bump(object: Obj): void {
    this.revision += 1;
    meta(object).resourceVersion = String(this.revision);
  }

  /** The current revision (a list's metadata.resourceVersion). */
  currentRevision(): string {
    return String(this.revision);
  }

  /** Deep copies of a namespace's objects (every namespace when undefined), sorted by name. */
  list(resource: Resource, namespace: string | undefined): Obj[] {
    const prefix = namespace === undefined ? `${resource}/` : `${resource}/${namespace}/`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, o]) => structuredClone(o));
  }

  /** A deep copy of one object; 404 NotFound when missing. */
  get(resource: Resource, namespace: string, name: string): Obj {
    const found = this.objects.get(this.key(resource, namespace, name));
    if (!found) throw notFound(GROUPS[resource], name);
    return structuredClone(found);
  }

  private stored(resource: Resource, namespace: string, name: string): Obj {
    const found = this.objects.get(this.key(resource, namespace, name));
    if (!found) throw notFound(GROUPS[resource], name);
    return found;
  }

  /** POST: validates, fills the system fields, stores (unless dry run); 201 body. */
  createCronJob(namespace: string, body: unknown, options: WriteOptions): Admitted {
    const raw = structuredClone(body) as Obj;
    const rawMeta = (
      typeof raw === "object" && raw !== null ? (raw.metadata ?? {}) : {}
    ) as Partial<Meta>;
    if (
      rawMeta.namespace !== undefined &&
      rawMeta.namespace !== "" &&
      rawMeta.namespace !== namespace
    ) {
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    if (
      (rawMeta.name ?? "") === "" &&
      typeof rawMeta.generateName === "string" &&
      rawMeta.generateName !== ""
    ) {
      const suffix = Array.from(
        { length: 5 },
        (_, i) => NAME_CHARS[(this.revision * 7 + i * 13) % NAME_CHARS.length],
      );
      rawMeta.name = `${rawMeta.generateName}${suffix.join("")}`;
      raw.metadata = rawMeta;
    }
    const admitted = admitCronJob(raw, options.fieldValidation);
    const object = admitted.object;
    const m = meta(object);
    if (this.objects.has(this.key("cronjobs", namespace, m.name)))
      throw alreadyExists(CRONJOBS, m.name);
    if ((m.resourceVersion ?? "") !== "") {
      throw internalError("resourceVersion should not be set on objects to be created");
    }
    Object.assign(m, {
      namespace,
      uid: randomUUID(),
      generation: 1,
      creationTimestamp: k8sTime(new Date()),
    });
    delete object.status;
    object.status = {};
    if (!options.dryRun) {
      this.bump(object);
      this.objects.set(this.key("cronjobs", namespace, m.name), structuredClone(object));
    }
    return { object: structuredClone(object), warnings: admitted.warnings };
  }

  /** PUT: optimistic on resourceVersion, status kept, generation bumped on a spec change. */
  replaceCronJob(namespace: string, name: string, body: unknown, options: WriteOptions): Admitted {
    const raw = (typeof body === "object" && body !== null ? body : {}) as Obj;
    const rawMeta = (raw.metadata ?? {}) as Partial<Meta>;
    if (rawMeta.name !== undefined && rawMeta.name !== name) {
      throw badRequest(
        `the name of the object (${String(rawMeta.name)}) does not match the name on the URL (${name})`,
      );
    }
    if (
      rawMeta.namespace !== undefined &&
      rawMeta.namespace !== "" &&
      rawMeta.namespace !== namespace
    ) {
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    const current = this.stored("cronjobs", namespace, name);
    const cm = meta(current);
    const sentVersion = rawMeta.resourceVersion ?? "";
    if (sentVersion === "" && this.requireResourceVersion) {
      throw invalid(
        CRONJOBS,
        name,
        [
          // The Go value is a uint64 printed with %#v, hence 0x0.
          {
            type: "FieldValueInvalid",
            field: "metadata.resourceVersion",
            body: "Invalid value: 0x0: must be specified for an update",
          },
        ],
        "cronjobs",
      );
    }
    if (sentVersion !== "" && sentVersion !== cm.resourceVersion) {
      throw conflict(CRONJOBS, name, OPTIMISTIC_LOCK_MESSAGE);
    }
    if (rawMeta.uid !== undefined && rawMeta.uid !== "" && rawMeta.uid !== cm.uid) {
      throw conflict(
        CRONJOBS,
        name,
        `Precondition failed: UID in precondition: ${cm.uid}, UID in object meta: ${String(rawMeta.uid)}`,
      );
    }
    const admitted = admitCronJob(
      { ...raw, metadata: { ...rawMeta, name } },
      options.fieldValidation,
      current,
    );
    const next = admitted.object;
    const nm = meta(next);
    Object.assign(nm, {
      namespace,
      uid: cm.uid,
      creationTimestamp: cm.creationTimestamp,
      resourceVersion: cm.resourceVersion,
      generation: isDeepStrictEqual(next.spec, current.spec)
        ? cm.generation
        : (cm.generation ?? 1) + 1,
    });
    next.status = structuredClone(current.status ?? {});
    const unchanged = isDeepStrictEqual(next, current);
    if (!options.dryRun && !unchanged) {
      this.bump(next);
      this.objects.set(this.key("cronjobs", namespace, name), structuredClone(next));
    }
    return { object: structuredClone(next), warnings: admitted.warnings };
  }

  /**
   * PATCH with a JSON merge patch (RFC 7386) on the stored object, then the update rules; a
   * `metadata.resourceVersion` in the patch is a precondition (409 when stale).
   */
  patchCronJob(namespace: string, name: string, patch: unknown, options: WriteOptions): Admitted {
    const current = this.get("cronjobs", namespace, name);
    const merged = mergePatch(current, patch) as Obj;
    const patchMeta = (
      isObj(patch) && isObj(patch.metadata) ? patch.metadata : {}
    ) as Partial<Meta>;
    if (isObj(merged.metadata) && patchMeta.resourceVersion === undefined) {
      merged.metadata.resourceVersion = meta(current).resourceVersion;
    }
    return this.replaceCronJob(namespace, name, merged, options);
  }

  /** DELETE: preconditions, propagationPolicy (Background/Foreground cascade to owned Jobs). */
  delete(resource: Resource, namespace: string, name: string, options: DeleteOptions): Status {
    const gr = GROUPS[resource];
    const current = this.stored(resource, namespace, name);
    const cm = meta(current);
    const policy = options.propagationPolicy;
    if (policy !== undefined && !["Foreground", "Background", "Orphan"].includes(policy)) {
      throw invalid({ group: "meta.k8s.io", resource: "", kind: "DeleteOptions" }, "", [
        notSupportedField("propagationPolicy", policy, [
          "Foreground",
          "Background",
          "Orphan",
          "nil",
        ]),
      ]);
    }
    const pre = options.preconditions ?? {};
    if (pre.resourceVersion !== undefined && pre.resourceVersion !== cm.resourceVersion) {
      throw conflict(
        gr,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cm.resourceVersion}`,
      );
    }
    if (pre.uid !== undefined && pre.uid !== cm.uid) {
      throw conflict(
        gr,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cm.uid}`,
      );
    }
    if (!options.dryRun) {
      this.objects.delete(this.key(resource, namespace, name));
      this.revision += 1;
      if (policy !== "Orphan") this.deleteOwnedBy(cm.uid);
    }
    return deleted(gr, name, cm.uid);
  }

  private deleteOwnedBy(uid: string): void {
    for (const [key, object] of this.objects) {
      if ((meta(object).ownerReferences ?? []).some((ref) => ref.uid === uid))
        this.objects.delete(key);
    }
  }

  /** Stores an object as another writer would have created it (no validation). */
  seed(object: Obj): Obj {
    const copy = structuredClone(object);
    const kind = copy.kind;
    const resource: Resource = kind === "Job" ? "jobs" : "cronjobs";
    const m = (copy.metadata ?? {}) as Meta;
    copy.metadata = m;
    if (typeof m.name !== "string" || m.name === "")
      throw new Error("seed: metadata.name is required");
    m.namespace = typeof m.namespace === "string" && m.namespace !== "" ? m.namespace : "default";
    if (this.objects.has(this.key(resource, m.namespace, m.name)))
      throw new Error(`seed: ${resource} ${m.namespace}/${m.name} exists`);
    copy.apiVersion = "batch/v1";
    Object.assign(m, {
      uid: m.uid ?? randomUUID(),
      generation: 1,
      creationTimestamp: k8sTime(new Date()),
    });
    copy.status ??= {};
    this.bump(copy);
    this.objects.set(this.key(resource, m.namespace, m.name), copy);
    return structuredClone(copy);
  }

  /** Changes a stored object in place (a controller or another client) and bumps its version. */
  mutate(resource: Resource, namespace: string, name: string, change: (object: Obj) => void): void {
    const current = this.stored(resource, namespace, name);
    change(current);
    this.bump(current);
  }
}

/** What a DELETE carries, in its body or query. */
export interface DeleteOptions {
  readonly dryRun: boolean;
  readonly propagationPolicy?: string;
  readonly preconditions?: { resourceVersion?: string; uid?: string };
}
