/**
 * What the global setup hands the specs (the KAIROS_BROWSER variable), and whether there is a
 * dashboard build to test at all.
 */
import fs from "node:fs";
import { fileURLToPath } from "node:url";

/** The seeded server: its URL, a write and a read token, the ids of the seeded jobs. */
export interface BrowserEnv {
  readonly url: string;
  readonly write: string;
  readonly read: string;
  readonly okJob: string;
  readonly failJob: string;
}

/** The build the server serves (the package's dist/dashboard). */
export const DASHBOARD_INDEX = fileURLToPath(
  new URL("../../dist/dashboard/index.html", import.meta.url),
);

/** Why the suite skips when there is no build. */
export const NOT_BUILT =
  "dist/dashboard/index.html is missing: run `npm run build` before `npm run test:browser`";

/** Whether dist/dashboard/index.html exists. */
export function dashboardBuilt(): boolean {
  return fs.existsSync(DASHBOARD_INDEX);
}

/** The seeded server, as the global setup described it. */
export function browserEnv(): BrowserEnv {
  const raw = process.env.KAIROS_BROWSER;
  if (!raw) throw new Error("KAIROS_BROWSER is unset: run the suite with `npm run test:browser`");
  return JSON.parse(raw) as BrowserEnv;
}
