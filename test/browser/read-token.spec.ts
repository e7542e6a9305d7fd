/**
 * A read token sees no mutating button (`action-*`) on the pages that have them; the same
 * pages with a write token show them, so the absence is not an empty page.
 */
import type { Page } from "@playwright/test";
import { SEED } from "./seed.js";
import { ACTIONS, dashboardBuilt, expect, NOT_BUILT, test } from "./fixtures.js";

test.skip(!dashboardBuilt(), NOT_BUILT);

/** Open `route` and wait until the app knows the token's scope (whoami answered). */
async function open(page: Page, route: string): Promise<void> {
  const whoami = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/whoami");
  await page.goto(route);
  await whoami;
}

test("a read token sees no mutating buttons", async ({ page, signIn, kairos, shot }) => {
  await signIn("read");
  await open(page, `/jobs/${kairos.failJob}`);
  await expect(page.getByTestId("job-state")).toContainText("failed");
  await expect(page.locator(ACTIONS)).toHaveCount(0);
  await shot("read-job");
  await open(page, `/schedules/${SEED.schedule}`);
  await expect(page.getByText(SEED.schedule).first()).toBeVisible();
  await expect(page.locator(ACTIONS)).toHaveCount(0);
  await shot("read-schedule");
  await open(page, `/workflows/${SEED.workflow}`);
  await expect(page.getByText(SEED.workflow).first()).toBeVisible();
  await expect(page.locator(ACTIONS)).toHaveCount(0);
  await shot("read-workflow");
});

test("a write token sees the schedule's buttons", async ({ page, signIn, shot }) => {
  await signIn("write");
  await open(page, `/schedules/${SEED.schedule}`);
  await expect(page.getByTestId("action-trigger")).toBeVisible();
  await expect(page.getByTestId("action-pause")).toBeVisible();
  await shot("schedule");
});
