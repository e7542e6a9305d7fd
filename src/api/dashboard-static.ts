/**
 * @module api/dashboard-static
 * The dashboard's static files (the Vite build in dist/dashboard) served beside the API: a GET
 * that is not under /api/ answers the file at its path, or index.html (the SPA's routes live
 * in the browser's history). Hashed files under /assets/ are cached for a year (immutable);
 * everything else, index.html first, is revalidated on every load, so a new build shows at
 * once. No auth here: the files hold no data, the API calls they make need the token. Without
 * a build (running from the sources), a short page says to run `npm run build`.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Context, Env, Hono, Next } from "hono";
import { getMimeType } from "hono/utils/mime";

/** Cache-Control of the hashed build outputs under /assets/: never revalidated. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** Cache-Control of index.html and the other unhashed files: revalidated on every load. */
export const NO_CACHE = "no-cache";

/**
 * dist/dashboard of the package: this module is src/api/dashboard-static.ts (run by tsx) or
 * dist/api/dashboard-static.js (built), two levels under the package root either way.
 */
export function dashboardDir(): string {
  return fileURLToPath(new URL("../../dist/dashboard/", import.meta.url));
}

/** Options of `mountDashboard`. */
export interface DashboardOptions {
  /** The directory of the build (index.html and assets/); `dashboardDir()` by default. */
  readonly dir?: string;
}

/**
 * Answer every GET (and HEAD) that no route before it took, except under /api/ (left to the
 * app's 404): mount it after the API and the probes.
 */
export function mountDashboard<E extends Env>(app: Hono<E>, options: DashboardOptions = {}): void {
  const root = path.resolve(options.dir ?? dashboardDir());
  app.get("*", async (c: Context<E>, next: Next) => {
    const urlPath = c.req.path;
    if (urlPath === "/api" || urlPath.startsWith("/api/")) return next();
    const file = await fileAt(root, urlPath);
    if (file) return sendFile(c, file, urlPath.startsWith("/assets/") ? IMMUTABLE : NO_CACHE);
    // A missing hashed file is a stale page asking for an old build: index.html would only
    // turn it into a confusing MIME error in the browser.
    if (urlPath.startsWith("/assets/")) return c.text("not found", 404);
    const index = path.join(root, "index.html");
    if (await isFile(index)) return sendFile(c, index, NO_CACHE);
    return c.html(NOT_BUILT, 404, { "cache-control": NO_CACHE });
  });
}

/** The regular file `urlPath` names under `root`, or null (missing, a directory, outside). */
async function fileAt(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (!file.startsWith(root + path.sep)) return null;
  return (await isFile(file)) ? file : null;
}

/** Whether `file` is a regular file. */
async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The file with its content type and `cacheControl`. */
async function sendFile(c: Context, file: string, cacheControl: string): Promise<Response> {
  const body = await fs.readFile(file);
  return c.body(new Uint8Array(body), 200, {
    "content-type": getMimeType(file) ?? "application/octet-stream",
    "cache-control": cacheControl,
    "x-content-type-options": "nosniff",
  });
}

/** The page served at / when dist/dashboard has no index.html. */
const NOT_BUILT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Kairos: dashboard not built</title></head>
<body>
<h1>The Kairos dashboard is not built</h1>
<p>This server runs from the sources and found no <code>dist/dashboard/index.html</code>.
Run <code>npm run build</code>, then reload this page. The API answers under
<a href="/api/v1/openapi.json"><code>/api/v1</code></a> either way.</p>
</body>
</html>
`;
