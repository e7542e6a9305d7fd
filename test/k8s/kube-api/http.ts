/**
 * The HTTP face of the loopback apiserver: authentication (bearer token, else 401), RBAC
 * (denied verb/resource pairs, else 403 as the authorizer words it), routing of the batch/v1
 * CronJob and Job paths, JSON in and out, `Warning` headers, and a record of every request.
 * Anything it does not serve gets a 404 (unknown path) or 405 (unknown verb) Status.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { CRONJOBS, fieldValidationOf, type FieldValidation, JOBS } from "./admit.js";
import type { Obj } from "./decode.js";
import { parseFieldSelector, parseLabelSelector } from "./selector.js";
import {
  badRequest,
  forbidden,
  methodNotAllowed,
  pathNotFound,
  StatusError as StatusErrorClass,
  unauthorized,
  unsupportedMediaType,
} from "./status.js";
import type { ObjectStore, Resource } from "./store.js";

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The RBAC verb: get, list, watch, create, update, patch, delete, deletecollection ("" off the API). */
  readonly verb: string;
  readonly resource?: Resource;
  readonly namespace?: string;
  readonly name?: string;
  /** The parsed JSON body, when there was one. */
  readonly body?: unknown;
  readonly status: number;
}

/** What the handler needs from the server around it. */
export interface HandlerContext {
  readonly store: ObjectStore;
  readonly token: string;
  /** The user named in 403 messages for a namespace. */
  readonly user: (namespace: string) => string;
  readonly denied: ReadonlySet<string>;
  readonly fieldValidation: FieldValidation;
  readonly record: (request: RecordedRequest) => void;
}

interface Route {
  resource: Resource;
  namespace: string;
  name?: string;
  subresource?: string;
}

const ROUTE =
  /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/(cronjobs|jobs)(?:\/([^/]+)(?:\/([^/]+))?)?\/?$/;

function routeOf(path: string): Route | undefined {
  const m = ROUTE.exec(path);
  if (!m) return undefined;
  const [, namespace = "", resource, name, subresource] = m;
  return {
    resource: resource as Resource,
    namespace: decodeURIComponent(namespace),
    ...(name === undefined ? {} : { name: decodeURIComponent(name) }),
    ...(subresource === undefined ? {} : { subresource }),
  };
}

function verbOf(method: string, route: Route | undefined, query: Record<string, string>): string {
  if (!route) return "";
  const named = route.name !== undefined;
  switch (method) {
    case "GET":
      return named ? "get" : query.watch === "true" || query.watch === "1" ? "watch" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return named ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

function send(
  response: ServerResponse,
  code: number,
  body: unknown,
  warnings: readonly string[] = [],
): void {
  response.statusCode = code;
  response.setHeader("Content-Type", "application/json");
  if (warnings.length > 0)
    response.setHeader(
      "Warning",
      warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
  response.end(JSON.stringify(body));
}

/** Handles one request: auth, RBAC, route, record. Never throws. */
export async function handle(
  ctx: HandlerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? "/", "http://loopback");
  const query = Object.fromEntries(url.searchParams.entries());
  const method = request.method ?? "GET";
  const route = routeOf(url.pathname);
  const verb = verbOf(method, route, query);
  const text = await readBody(request);
  let body: unknown;
  let code = 500;
  try {
    body = parseJson(text);
    if (request.headers.authorization !== `Bearer ${ctx.token}`) throw unauthorized();
    if (!route) throw pathNotFound();
    if (ctx.denied.has(`${verb}:${route.resource}`)) {
      const gr = route.resource === "jobs" ? JOBS : CRONJOBS;
      throw forbidden(gr, route.name ?? "", ctx.user(route.namespace), verb, route.namespace);
    }
    const contentType = (request.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
    const result = serve(ctx, { route, verb, query, body, contentType });
    code = result.code;
    send(response, code, result.body, result.warnings);
  } catch (error) {
    const status = error instanceof StatusErrorClass ? error.status : undefined;
    code = status?.code ?? 500;
    send(
      response,
      code,
      status ?? {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: String(error),
        reason: "InternalError",
        code: 500,
      },
    );
  }
  ctx.record({
    method,
    path: url.pathname,
    query,
    verb,
    ...(route ? { resource: route.resource, namespace: route.namespace } : {}),
    ...(route?.name === undefined ? {} : { name: route.name }),
    ...(body === undefined ? {} : { body }),
    status: code,
  });
}

interface Call {
  route: Route;
  verb: string;
  query: Record<string, string>;
  body: unknown;
  contentType: string;
}

interface Result {
  code: number;
  body: unknown;
  warnings?: readonly string[];
}

function list(ctx: HandlerContext, call: Call): Result {
  const { resource, namespace } = call.route;
  const labels = parseLabelSelector(call.query.labelSelector ?? "");
  const fields = parseFieldSelector(call.query.fieldSelector ?? "", [
    "metadata.name",
    "metadata.namespace",
  ]);
  const all = ctx.store.list(resource, namespace).filter((o) => {
    const m = o.metadata as { name: string; namespace: string; labels?: Record<string, string> };
    return (
      labels(m.labels ?? {}) &&
      fields({ "metadata.name": m.name, "metadata.namespace": m.namespace })
    );
  });
  const after = call.query.continue
    ? Buffer.from(call.query.continue, "base64url").toString("utf8")
    : "";
  const rest = all.filter((o) => (o.metadata as { name: string }).name > after);
  const limit = Number(call.query.limit ?? "0");
  const page = limit > 0 ? rest.slice(0, limit) : rest;
  const more = page.length < rest.length;
  const last = (page.at(-1)?.metadata as { name?: string } | undefined)?.name ?? "";
  const kind = resource === "jobs" ? "JobList" : "CronJobList";
  const metadata = {
    resourceVersion: ctx.store.currentRevision(),
    ...(more
      ? {
          continue: Buffer.from(last).toString("base64url"),
          remainingItemCount: rest.length - page.length,
        }
      : {}),
  };
  // Items of a list carry no apiVersion/kind on the wire, as on a real server.
  const items = page.map(({ apiVersion: _a, kind: _k, ...rest }: Obj) => rest);
  return { code: 200, body: { kind, apiVersion: "batch/v1", metadata, items } };
}

function writeOptions(
  ctx: HandlerContext,
  call: Call,
): { dryRun: boolean; fieldValidation: FieldValidation } {
  const dryRun = call.query.dryRun;
  if (dryRun !== undefined && dryRun !== "All")
    throw badRequest(`Invalid dry run value: ${dryRun}`);
  return {
    dryRun: dryRun === "All",
    fieldValidation: fieldValidationOf(call.query.fieldValidation, ctx.fieldValidation),
  };
}

function requireJson(call: Call, accepted: readonly string[]): void {
  if (!accepted.includes(call.contentType)) throw unsupportedMediaType();
}

function serve(ctx: HandlerContext, call: Call): Result {
  const { resource, namespace, name, subresource } = call.route;
  if (subresource !== undefined) throw pathNotFound();
  const store = ctx.store;
  if (resource === "jobs" && call.verb !== "get" && call.verb !== "list") throw methodNotAllowed();
  switch (call.verb) {
    case "list":
      return list(ctx, call);
    case "get":
      return { code: 200, body: store.get(resource, namespace, name ?? "") };
    case "create": {
      requireJson(call, ["application/json"]);
      const done = store.createCronJob(namespace, call.body, writeOptions(ctx, call));
      return { code: 201, body: done.object, warnings: done.warnings };
    }
    case "update": {
      requireJson(call, ["application/json"]);
      const done = store.replaceCronJob(namespace, name ?? "", call.body, writeOptions(ctx, call));
      return { code: 200, body: done.object, warnings: done.warnings };
    }
    case "patch": {
      requireJson(call, ["application/merge-patch+json"]);
      const done = store.patchCronJob(namespace, name ?? "", call.body, writeOptions(ctx, call));
      return { code: 200, body: done.object, warnings: done.warnings };
    }
    case "delete":
      return {
        code: 200,
        body: store.delete(resource, namespace, name ?? "", deleteOptions(call)),
      };
    default:
      throw methodNotAllowed();
  }
}

function deleteOptions(call: Call): Parameters<ObjectStore["delete"]>[3] {
  const body = (typeof call.body === "object" && call.body !== null ? call.body : {}) as {
    propagationPolicy?: string;
    preconditions?: { resourceVersion?: string; uid?: string };
    dryRun?: string[];
  };
  const policy = call.query.propagationPolicy ?? body.propagationPolicy;
  const dryRun = call.query.dryRun === "All" || (body.dryRun ?? []).includes("All");
  return {
    dryRun,
    ...(policy === undefined ? {} : { propagationPolicy: policy }),
    ...(body.preconditions === undefined ? {} : { preconditions: body.preconditions }),
  };
}
