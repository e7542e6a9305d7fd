/**
 * The workflows list, a workflow's page (graph, run grid, trigger, pause / resume) and a run's
 * page (graph coloured live by its tasks' states, task table, "why", the write buttons).
 */
import type { Page } from "@playwright/test";
import type { BrowserEnv } from "./env.js";
import { SEED } from "./seed.js";
import { ACTIONS, callApi, dashboardBuilt, expect, NOT_BUILT, test } from "./fixtures.js";

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

// The seed's `second` task runs the failing function: it fails with SEED.failMessage.
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
  await expect(second).toContainText(SEED.failMessage);
  // The failed task is selected first: its "why" is shown.
  await expect(page.getByTestId("task-why")).toContainText("second");
  await expect(page.getByTestId("action-clear")).toBeVisible();
  for (const state of ["success", "failed", "skipped"])
    await expect(page.getByTestId(`action-mark-${state}`)).toBeVisible();
  await expect(page.getByTestId("task-try")).toContainText(SEED.failMessage);
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

const relay = `/workflows/${SEED.relay}`;

// The workflow is paused while the run is triggered, so the run waits queued until the test
// resumes it: the page sees it appear, then its tasks finish one after the other.
test("a workflow run appears and its graph updates live as tasks finish", async ({
  page,
  signIn,
  kairos,
  shot,
}) => {
  await signIn("read");
  await callApi(kairos, "POST", `${relay}/pause`, {});
  await page.goto(relay);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("paused");
  const run = await callApi(kairos, "POST", `${relay}/runs`, {});
  const id = String(run.id);
  const column = page.locator(`[data-testid="grid-run"][data-run-id="${id}"]`);
  await expect(column).toBeVisible();
  await page.locator(`[data-testid="run-link"][data-run-id="${id}"]`).click();
  await expect(page).toHaveURL((url) => url.pathname === `/runs/${id}`);
  await expect(page.getByTestId("run-state")).toHaveText("queued");
  await expect(node(page, "load")).not.toHaveAttribute("data-state", "success");
  await callApi(kairos, "POST", `${relay}/resume`, {});
  await expect(node(page, "extract")).toHaveAttribute("data-state", "success");
  await expect(node(page, "load")).toHaveAttribute("data-state", "success");
  await expect(page.getByTestId("run-state")).toHaveText("success");
  await shot("run-live");
});

/** A finished run of the relay workflow, triggered by the test; its page opened. */
async function finishedRelayRun(page: Page, kairos: BrowserEnv): Promise<string> {
  const id = String((await callApi(kairos, "POST", `${relay}/runs`, {})).id);
  await page.goto(`/runs/${id}`);
  await expect(page.getByTestId("run-state")).toHaveText("success");
  return id;
}

test("marking a task failed then clearing it: the graph shows each new state", async ({
  page,
  signIn,
  kairos,
  shot,
}) => {
  await signIn("write");
  await finishedRelayRun(page, kairos);
  await node(page, "extract").click();
  await expect(page.getByTestId("task-panel")).toHaveAttribute("data-task-id", "extract");
  await page.getByTestId("action-mark-failed").click();
  await expect(node(page, "extract")).toHaveAttribute("data-state", "failed");
  await expect(page.getByTestId("task-state")).toHaveText("failed");
  // The confirm step: a modal dialog, focus inside it; Escape backs out, focus returns.
  const clear = page.getByTestId("action-clear");
  await clear.click();
  const dialog = page.getByRole("dialog", { name: "Clear extract?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator("input:focus, button:focus")).toHaveCount(1);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(clear).toBeFocused();
  await expect(node(page, "extract")).toHaveAttribute("data-state", "failed");
  await clear.click();
  await expect(dialog.getByLabel("extract and every task downstream of it")).toBeChecked();
  await shot("run-clear-confirm", { fullPage: false });
  await dialog.getByTestId("action-clear-confirm").click();
  // Cleared with its downstream: both run again (a second try) and succeed.
  await expect(node(page, "extract")).toHaveAttribute("data-state", "success");
  await expect(node(page, "load")).toHaveAttribute("data-state", "success");
  await expect(page.getByTestId("run-state")).toHaveText("success");
  // Every try is listed, oldest first, each linking its own job: try 1 (before the mark), try 2.
  const tries = page.getByTestId("task-try");
  await expect(tries).toHaveCount(2);
  await expect(tries.nth(0)).toHaveAttribute("data-try", "1");
  await expect(tries.nth(1)).toHaveAttribute("data-try", "2");
  await expect(tries.nth(1)).toContainText("succeeded");
  const first = await tries.nth(0).getByRole("link").getAttribute("href");
  const second = await tries.nth(1).getByRole("link").getAttribute("href");
  expect(first).toMatch(/^\/jobs\/\d+$/);
  expect(second).toMatch(/^\/jobs\/\d+$/);
  expect(first).not.toBe(second);
});

test("notes on a task and on the run are saved and shown", async ({ page, signIn, kairos }) => {
  await signIn("write");
  await finishedRelayRun(page, kairos);
  await node(page, "load").click();
  const panel = page.getByTestId("task-panel");
  await expect(panel).toHaveAttribute("data-task-id", "load");
  await panel.getByLabel("Note on the task load").fill("checked by hand");
  await page.getByTestId("action-note").click();
  await expect(page.getByTestId("task-note")).toHaveText("Note: checked by hand");
  await expect(page.locator('[data-testid="task-row"][data-task-id="load"]')).toContainText(
    "checked by hand",
  );
  await page.getByLabel("Note on the run").fill("rerun after the outage");
  await page.getByTestId("action-note-run").click();
  await expect(page.locator(".facts")).toContainText("rerun after the outage");
});

// The page offers no action the server refuses, so the test makes the page's request stale: it
// is sent for a task the run does not have (as if the definition changed since the page
// loaded). The real server refuses it; the page shows its code and message, and nothing moves.
test("a refused action shows what the server said", async ({ page, signIn, kairos }) => {
  await signIn("write");
  const id = await finishedRelayRun(page, kairos);
  await node(page, "extract").click();
  await page.route("**/api/v1/runs/*/tasks/extract/mark", (route) =>
    route.continue({ url: route.request().url().replace("/tasks/extract/", "/tasks/gone/") }),
  );
  await page.getByTestId("action-mark-skipped").click();
  const refusal = page.getByRole("alert").filter({ hasText: "The server refused the action" });
  await expect(refusal).toContainText("NOT_FOUND");
  await expect(refusal).toContainText(`run ${id} of workflow "${SEED.relay}" has no task "gone"`);
  await expect(node(page, "extract")).toHaveAttribute("data-state", "success");
});

test("cancelling a run asks first, then the run ends failed with the note", async ({
  page,
  signIn,
  kairos,
}) => {
  await signIn("write");
  await callApi(kairos, "POST", `${relay}/pause`, {});
  try {
    const id = String((await callApi(kairos, "POST", `${relay}/runs`, {})).id);
    await page.goto(`/runs/${id}`);
    await expect(page.getByTestId("run-state")).toHaveText("queued");
    await page.getByTestId("action-cancel").click();
    const dialog = page.getByRole("dialog", { name: `Cancel run ${id}?` });
    await dialog.getByLabel("Note").fill("not needed today");
    await dialog.getByTestId("action-cancel-confirm").click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("run-state")).toHaveText("failed");
    await expect(page.locator(".facts")).toContainText("not needed today");
    await expect(page.getByTestId("action-cancel")).toHaveCount(0);
  } finally {
    await callApi(kairos, "POST", `${relay}/resume`, {});
  }
});
