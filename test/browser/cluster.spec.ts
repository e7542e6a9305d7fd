/**
 * The Overview's Cluster panel: the served `kairos server` is listed as the live leader, with
 * the scheduler duty's last run shown as a relative time (absolute on hover).
 */
import { dashboardBuilt, expect, NOT_BUILT, test } from "./fixtures.js";

test.skip(!dashboardBuilt(), NOT_BUILT);

test("the served instance is listed as the leader with the scheduler's last run", async ({
  page,
  signIn,
  shot,
}) => {
  await signIn("read");
  await page.goto("/");
  const cluster = page.getByTestId("cluster");
  await expect(cluster).toBeVisible();
  const leader = cluster.locator('[data-testid="instance"][data-leader="true"]');
  await expect(leader).toHaveCount(1);
  await expect(leader).toHaveAttribute("data-live", "true");
  const scheduler = leader.locator('[data-testid="duty"][data-duty="scheduler"]');
  await expect(scheduler.locator("time")).toHaveAttribute("title", /\d/);
  await shot("overview-cluster");
});
