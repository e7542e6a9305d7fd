/** A job's page shows its log lines in the live log panel (one log-line per line). */
import { dashboardBuilt, expect, NOT_BUILT, test } from "./fixtures.js";

test.skip(!dashboardBuilt(), NOT_BUILT);

test("a job's page lists its log lines in the log panel", async ({ page, signIn, kairos }) => {
  await signIn("read");
  await page.goto(`/jobs/${kairos.failJob}`);
  const lines = page.getByTestId("job-log").getByTestId("log-line");
  await expect(lines).toHaveCount(1);
  await expect(lines.first()).toContainText("about to fail");
});
