/**
 * The specs' `test` (each spec file starts with `test.skip(!dashboardBuilt(), NOT_BUILT)`: no
 * build, nothing to test); pages opened at the seeded server (`baseURL`); `kairos` the seeded data; `signIn` puts a token
 * where the app keeps it (sessionStorage `kairos.token`) before any page script runs; `shot`
 * saves a screenshot under test-results/screenshots/ (the full page unless `{ fullPage: false }`:
 * the viewport only, for the docs' pictures of long pages).
 */
import { test as base, type Page } from "@playwright/test";
import { browserEnv, type BrowserEnv } from "./env.js";

export { dashboardBuilt, NOT_BUILT } from "./env.js";

/** Where the screenshots of the pages go. */
export const SCREENSHOTS = "test-results/screenshots";

/** The contract's prefix of mutating buttons' test ids. */
export const ACTIONS = '[data-testid^="action-"]';

export const test = base.extend<{
  kairos: BrowserEnv;
  signIn: (scope: "read" | "write") => Promise<void>;
  shot: (name: string, options?: { fullPage?: boolean }) => Promise<void>;
}>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures' parameters
  kairos: async ({}, use) => {
    await use(browserEnv());
  },
  baseURL: async ({ kairos }, use) => {
    await use(kairos.url);
  },
  signIn: async ({ page, kairos }, use) => {
    await use(async (scope) => {
      await keepToken(page, scope === "write" ? kairos.write : kairos.read);
    });
  },
  shot: async ({ page }, use) => {
    await use(async (name, options) => {
      const fullPage = options?.fullPage ?? true;
      await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage });
    });
  },
});

export { expect } from "@playwright/test";

/**
 * An API call from another client than the page (the test itself, with the write token);
 * throws with the server's answer unless it is 2xx.
 */
export async function callApi(
  kairos: BrowserEnv,
  method: string,
  route: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${kairos.url}/api/v1${route}`, {
    method,
    headers: { authorization: `Bearer ${kairos.write}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** Put `token` in sessionStorage before the app's scripts run, on every page load. */
async function keepToken(page: Page, token: string): Promise<void> {
  await page.addInitScript((t) => {
    const store = globalThis as unknown as {
      sessionStorage: { setItem(key: string, value: string): void };
    };
    store.sessionStorage.setItem("kairos.token", t);
  }, token);
}
