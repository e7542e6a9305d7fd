/** The jobs list shows the seeded jobs; the failing job's page shows its state and error. */
import { SEED } from "./seed.js";
import { dashboardBuilt, expect, NOT_BUILT, test } from "./fixtures.js";

test.skip(!dashboardBuilt(), NOT_BUILT);

test("the jobs page lists the seeded jobs", async ({ page, signIn, kairos, shot }) => {
  await signIn("write");
  await page.goto("/jobs");
  const rows = page.getByTestId("job-row");
  await expect(rows.and(page.locator(`[data-job-id="${kairos.okJob}"]`))).toBeVisible();
  await expect(rows.and(page.locator(`[data-job-id="${kairos.failJob}"]`))).toBeVisible();
  // The live feed is connected (the header says so, whenever the stream opened).
  await expect(page.getByRole("status").filter({ hasText: /^(live|offline)$/ })).toHaveText("live");
  await shot("jobs");
});

test("a failing job's page shows its error", async ({ page, signIn, kairos, shot }) => {
  await signIn("write");
  await page.goto(`/jobs/${kairos.failJob}`);
  await expect(page.getByTestId("job-state")).toContainText("failed");
  await expect(page.getByTestId("job-error")).toContainText(SEED.failMessage);
  await shot("job-failed");
});

test("a job row opens the job's page", async ({ page, signIn, kairos, shot }) => {
  await signIn("write");
  await page.goto("/jobs");
  await page.locator(`[data-testid="job-row"][data-job-id="${kairos.okJob}"]`).click();
  await expect(page).toHaveURL((url) => url.pathname === `/jobs/${kairos.okJob}`);
  await expect(page.getByTestId("job-state")).toContainText("succeeded");
  await shot("job-succeeded");
});
