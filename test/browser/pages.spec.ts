/**
 * A screenshot of every page, as a write token sees it, at 1280x800 and of the viewport only
 * (the pictures of docs/dashboard.md come from these): each is taken once its page has loaded
 * what it shows (its key element visible, no "Loading…" left). Plus the sign-in page, the
 * not-found page and one page in the dark theme.
 */
import type { Locator, Page } from "@playwright/test";
import type { BrowserEnv } from "./env.js";
import { SEED } from "./seed.js";
import { dashboardBuilt, expect, NOT_BUILT, test } from "./fixtures.js";

test.skip(!dashboardBuilt(), NOT_BUILT);
test.use({ viewport: { width: 1280, height: 800 } });

/** A page of the app: where it is and what shows it has loaded. */
interface PageCase {
  readonly name: string;
  readonly path: (env: BrowserEnv) => string;
  readonly ready: (page: Page) => Locator;
}

const PAGES: readonly PageCase[] = [
  { name: "overview", path: () => "/", ready: (p) => p.getByRole("heading", { name: "Overview" }) },
  { name: "jobs", path: () => "/jobs", ready: (p) => p.getByTestId("job-row").first() },
  { name: "job", path: (e) => `/jobs/${e.failJob}`, ready: (p) => p.getByTestId("job-error") },
  {
    name: "schedules",
    path: () => "/schedules",
    ready: (p) => p.getByRole("link", { name: SEED.schedule }).first(),
  },
  {
    name: "schedule",
    path: () => `/schedules/${SEED.schedule}`,
    ready: (p) => p.getByRole("heading", { level: 1 }),
  },
  {
    name: "workflows",
    path: () => "/workflows",
    ready: (p) => p.locator(`[data-testid="workflow-row"][data-workflow="${SEED.workflow}"]`),
  },
  {
    name: "workflow",
    path: () => `/workflows/${SEED.workflow}`,
    ready: (p) => p.getByTestId("grid-run").first(),
  },
  { name: "not-found", path: () => "/no/such/page", ready: (p) => p.getByText("Not found") },
];

/** Wait until `page` shows `ready` and nothing is loading any more. */
async function settled(page: Page, ready: Locator): Promise<void> {
  await expect(ready).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

for (const c of PAGES) {
  test(`a screenshot of the ${c.name} page`, async ({ page, signIn, kairos, shot }) => {
    await signIn("write");
    await page.goto(c.path(kairos));
    await settled(page, c.ready(page));
    await shot(`page-${c.name}`, { fullPage: false });
  });
}

/** Open the seeded run of the pipeline (its second task failed) from the workflow page. */
async function openSeededRun(page: Page): Promise<void> {
  await page.goto(`/workflows/${SEED.workflow}`);
  await page.getByTestId("run-link").last().click();
  await expect(page).toHaveURL((url) => url.pathname.startsWith("/runs/"));
  await settled(page, page.getByTestId("task-why"));
  await expect(page.getByTestId("dag-node").first()).toBeVisible();
}

test("a screenshot of the run page", async ({ page, signIn, shot }) => {
  await signIn("write");
  await openSeededRun(page);
  await shot("page-run", { fullPage: false });
  // The selected task's panel: its try, note, actions and "why".
  await page.getByTestId("task-panel").evaluate((e) => {
    (e as unknown as { scrollIntoView(o: { block: string }): void }).scrollIntoView({
      block: "start",
    });
  });
  await shot("page-run-task", { fullPage: false });
});

test("a screenshot of the sign-in page", async ({ page, shot }) => {
  await page.goto("/signin");
  await settled(page, page.getByTestId("signin"));
  await shot("page-signin", { fullPage: false });
});

test("a screenshot of the run page in the dark theme", async ({ page, signIn, shot }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await signIn("write");
  await openSeededRun(page);
  await shot("page-run-dark", { fullPage: false });
});
