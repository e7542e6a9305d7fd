/**
 * Log lines arrive live: on a job's page a running job's first line shows while it is still
 * running, the second (written once the test releases it) without a reload, then the job
 * succeeds; a run's page shows the selected task's log lines.
 */
import { releaseFile, releasePath, SEED } from "./seed.js";
import { callApi, dashboardBuilt, expect, NOT_BUILT, test } from "./fixtures.js";

test.skip(!dashboardBuilt(), NOT_BUILT);
// The docs' picture (docs/dashboard/job-logs-live.png) is this viewport, not the full page.
test.use({ viewport: { width: 1280, height: 800 } });

test("a running job's lines appear on its page as they are written", async ({
  page,
  signIn,
  kairos,
  shot,
}) => {
  await signIn("read");
  const file = releasePath();
  const id = String(
    (await callApi(kairos, "POST", "/jobs", { fn: SEED.waitFn, payload: { file } })).id,
  );
  await page.goto(`/jobs/${id}`);
  const lines = page.getByTestId("job-log").getByTestId("log-line");
  await expect(lines.first()).toContainText(SEED.waitFirstLine);
  await expect(page.getByTestId("job-state")).toHaveText("running");
  await expect(lines).toHaveCount(1);
  releaseFile(file);
  await expect(lines.nth(1)).toContainText(SEED.waitSecondLine);
  await expect(page.getByTestId("job-state")).toHaveText("succeeded");
  await expect(lines).toHaveCount(2);
  await page.getByTestId("job-log").scrollIntoViewIfNeeded();
  await shot("job-logs-live", { fullPage: false });
});

test("a run's page shows the selected task's log lines", async ({ page, signIn, kairos }) => {
  await signIn("read");
  const id = String((await callApi(kairos, "POST", `/workflows/${SEED.relay}/runs`, {})).id);
  await page.goto(`/runs/${id}`);
  await expect(page.getByTestId("run-state")).toHaveText("success");
  await page.locator('[data-testid="dag-node"][data-task-id="extract"]').click();
  const panel = page.getByTestId("task-panel");
  await expect(panel).toHaveAttribute("data-task-id", "extract");
  await expect(panel.getByTestId("job-log").getByTestId("log-line")).toHaveText([
    /greeting extract/,
  ]);
});
