/**
 * The workflows list, a workflow's page (graph, run grid, trigger, pause / resume) and a run's
 * page (graph coloured live by its tasks' states, task table, "why", the write buttons).
 */
import type { Page } from "@playwright/test";
import { SEED } from "./seed.js";
import { ACTIONS, dashboardBuilt, expect, NOT_BUILT, test } from "./fixtures.js";

test.skip(!dashboardBuilt(), NOT_BUILT);

const node = (page: Page, task: string) =>
  page.locator(`[data-testid="dag-node"][data-task-id="${task}"]`);

test("the workflows list shows the seeded workflow and its run", async ({ page, signIn, shot }) => {
  await signIn("read");
  await page.goto("/workflows");
  const row = page.locator(`[data-testid="workflow-row"][data-workflow="${SEED.workflow}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByRole("link", { name: SEED.workflow })).toBeVisible();
  await expect(row.locator(".badge").first()).toBeVisible();
  await shot("workflows");
  await row.getByRole("link", { name: SEED.workflow }).click();
  await expect(page).toHaveURL((url) => url.pathname === `/workflows/${SEED.workflow}`);
});

test("a workflow's page shows its graph and runs; a read token gets no buttons", async ({
  page,
  signIn,
  shot,
}) => {
  await signIn("read");
  await page.goto(`/workflows/${SEED.workflow}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(SEED.workflow);
  await expect(node(page, "first")).toBeVisible();
  await expect(node(page, "second")).toBeVisible();
  await expect(page.getByTestId("grid-run").first()).toBeVisible();
  await expect(page.getByTestId("run-link").first()).toBeVisible();
  await expect(page.locator(ACTIONS)).toHaveCount(0);
  await shot("workflow-read");
});

test("a write token pauses and resumes a workflow", async ({ page, signIn }) => {
  await signIn("write");
  await page.goto(`/workflows/${SEED.workflow}`);
  await page.getByTestId("action-pause").click();
  await expect(page.getByTestId("action-resume")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("paused");
  await page.getByTestId("action-resume").click();
  await expect(page.getByTestId("action-pause")).toBeVisible();
});

// The seed's `second` task has no payload, so greet throws reading `payload.who`: it fails.
test("triggering opens the new run, whose graph is coloured live as tasks finish", async ({
  page,
  signIn,
  shot,
}) => {
  await signIn("write");
  await page.goto(`/workflows/${SEED.workflow}`);
  await page.getByTestId("action-trigger").click();
  await expect(page).toHaveURL((url) => url.pathname.startsWith("/runs/"));
  await expect(node(page, "first")).toHaveAttribute("data-state", "success");
  await expect(node(page, "second")).toHaveAttribute("data-state", "failed");
  await expect(page.getByTestId("run-state")).toHaveText("failed");
  const second = page.locator('[data-testid="task-row"][data-task-id="second"]');
  await expect(second).toContainText("TypeError");
  // The failed task is selected first: its "why" is shown.
  await expect(page.getByTestId("task-why")).toContainText("second");
  await expect(page.getByTestId("action-clear")).toBeVisible();
  await expect(page.getByTestId("action-mark")).toBeVisible();
  await shot("run-write");
});

test("a run's page lists its tasks and says why for the one selected", async ({
  page,
  signIn,
  shot,
}) => {
  await signIn("read");
  await page.goto(`/workflows/${SEED.workflow}`);
  await page.getByTestId("run-link").last().click();
  await expect(page).toHaveURL((url) => url.pathname.startsWith("/runs/"));
  await expect(page.getByTestId("task-row")).toHaveCount(2);
  await page.locator('[data-testid="task-row"][data-task-id="second"]').getByRole("button").click();
  await expect(page.getByTestId("task-why")).toContainText("second");
  await node(page, "first").click();
  await expect(page.getByTestId("task-why")).toContainText("first");
  await expect(page.locator(ACTIONS)).toHaveCount(0);
  await shot("run-read");
});
