/**
 * The dashboard's static files beside the API: index.html at / and for any SPA route, files
 * with their content type, hashed assets cached for good and index.html revalidated, the API's
 * JSON 404 untouched, no file outside the build, and a page saying to build when there is none.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dashboardDir, mountDashboard } from "../../src/api/dashboard-static.js";
import { tempDir } from "../helpers/kairos.js";
import { apiFixture } from "./fixture.js";

const INDEX = '<!doctype html><div id="root"></div><script src="/assets/app-1a2b.js"></script>';
const SCRIPT = "console.log('dashboard')";

/** A fake build: index.html, a hashed script and a stylesheet, a favicon. */
function fakeBuild(): string {
  const dir = path.join(tempDir(), "dashboard");
  fs.mkdirSync(path.join(dir, "assets"), { recursive: true });
  fs.writeFileSync(path.join(dir, "index.html"), INDEX);
  fs.writeFileSync(path.join(dir, "assets", "app-1a2b.js"), SCRIPT);
  fs.writeFileSync(path.join(dir, "assets", "app-3c4d.css"), "body{}");
  fs.writeFileSync(path.join(dir, "favicon.svg"), "<svg/>");
  return dir;
}

/** The API app with the dashboard mounted from `dir` (the engine is stopped after the test). */
function served(dir: string) {
  return apiFixture({ app: { extraRoutes: (a) => mountDashboard(a, { dir }) } });
}

describe("the dashboard's static files", () => {
  it("answers index.html at /, revalidated on every load, without a token", async () => {
    const f = await served(fakeBuild());
    const res = await f.call("GET", "/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(await res.text()).toBe(INDEX);
  });

  it("answers index.html for the SPA's routes (history API)", async () => {
    const f = await served(fakeBuild());
    for (const route of ["/jobs/7", "/jobs", "/workflows/etl", "/runs/12", "/signin"]) {
      const res = await f.call("GET", route);
      expect(res.status, route).toBe(200);
      expect(res.headers.get("content-type"), route).toMatch(/^text\/html/);
      expect(await res.text(), route).toBe(INDEX);
    }
  });

  it("serves files with their content type; hashed assets cached for a year", async () => {
    const f = await served(fakeBuild());
    const js = await f.call("GET", "/assets/app-1a2b.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(js.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await js.text()).toBe(SCRIPT);
    const css = await f.call("GET", "/assets/app-3c4d.css");
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    const icon = await f.call("GET", "/favicon.svg");
    expect(icon.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(icon.headers.get("cache-control")).toBe("no-cache");
  });

  it("answers 404 for a missing hashed asset instead of index.html", async () => {
    const f = await served(fakeBuild());
    const res = await f.call("GET", "/assets/app-old0.js");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).not.toMatch(/html/);
  });

  it("leaves unknown /api/v1 paths to the API's JSON 404", async () => {
    const f = await served(fakeBuild());
    const res = await f.call("GET", "/api/v1/nope", { token: f.write });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    const bare = await f.call("GET", "/api/nope", { token: f.write });
    expect(bare.status).toBe(404);
    expect(bare.headers.get("content-type")).toMatch(/json/);
  });

  it("keeps serving the API and its auth", async () => {
    const f = await served(fakeBuild());
    expect((await f.call("GET", "/api/v1/jobs")).status).toBe(401);
    expect((await f.call("GET", "/api/v1/jobs", { token: f.read })).status).toBe(200);
  });

  it("serves nothing outside the build directory", async () => {
    const dir = fakeBuild();
    fs.writeFileSync(path.join(dir, "..", "secret.txt"), "secret");
    const f = await served(dir);
    for (const p of ["/../secret.txt", "/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt"]) {
      const res = await f.call("GET", p);
      expect(await res.text(), p).not.toContain("secret");
    }
  });

  it("says to run npm run build when there is no build", async () => {
    const f = await served(path.join(tempDir(), "no-dashboard"));
    for (const route of ["/", "/jobs/7"]) {
      const res = await f.call("GET", route);
      expect(res.status, route).toBe(404);
      expect(res.headers.get("content-type"), route).toMatch(/^text\/html/);
      expect(await res.text(), route).toMatch(/npm run build/);
    }
  });

  it("finds dist/dashboard at the package root", () => {
    const root = fileURLToPath(new URL("../../", import.meta.url));
    expect(dashboardDir()).toBe(path.join(root, "dist", "dashboard") + path.sep);
  });
});
