import { describe, expect, it } from "vitest";
import {
  apiPath,
  OPENAPI_PATH,
  ROUTE_TABLE,
  routeEntry,
  scopeOf,
  type RouteName,
} from "../../src/contract/route-table.js";
import { ROUTES } from "../../src/contract/routes.js";
import { apiFixture } from "./fixture.js";

const toOpenApi = (p: string) => p.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

describe("the served OpenAPI document", () => {
  it("is public, OpenAPI 3.1, and lists every contract route with security and x-kairos-scope", async () => {
    const { call } = await apiFixture();
    const res = await call("GET", "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    for (const [name, route] of Object.entries(ROUTES)) {
      const op = doc.paths[route.path]?.[route.method];
      expect(op, `${name}: ${route.method} ${route.path}`).toBeDefined();
      expect(op!["x-kairos-scope"]).toBe(route.scope);
      expect(op!.security).toEqual([{ bearer: [] }]);
    }
  });

  it("serves exactly the routes of the route table the client uses: method, path, scope, body", async () => {
    const { call } = await apiFixture();
    const doc = (await (await call("GET", OPENAPI_PATH)).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const served = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((method) => `${method} ${p}`),
    );
    const names = Object.keys(ROUTE_TABLE) as RouteName[];
    expect(served.sort()).toEqual(
      names.map((n) => `${routeEntry(n).method} ${apiPath(routeEntry(n))}`).sort(),
    );
    expect(Object.keys(ROUTES).sort()).toEqual([...names].sort());
    for (const name of names) {
      const entry = routeEntry(name);
      const op = doc.paths[apiPath(entry)]![entry.method]!;
      expect(op["x-kairos-scope"], name).toBe(scopeOf(entry));
      expect(op.requestBody !== undefined, `${name}: the table's body flag`).toBe(
        entry.body === true,
      );
    }
  });

  it("holds every /api/v1 route Hono registered (no handler outside app.openapi)", async () => {
    const { app, call } = await apiFixture();
    const doc = (await (await call("GET", "/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const registered = app.routes.filter(
      (r) => r.path.startsWith("/api/v1/") && r.method !== "ALL",
    );
    expect(registered.length).toBeGreaterThan(40);
    for (const r of registered) {
      if (r.path === "/api/v1/openapi.json") continue;
      expect(
        doc.paths[toOpenApi(r.path)]?.[r.method.toLowerCase()],
        `${r.method} ${r.path}`,
      ).toBeDefined();
    }
  });

  it("answers an unknown route with 404 NOT_FOUND in the error body", async () => {
    const { call, read } = await apiFixture();
    const res = await call("GET", "/api/v1/nope", { token: read });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });
});
