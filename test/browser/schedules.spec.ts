/**
 * The schedules list shows the seeded schedule with its timing in words and next fire; its
 * page shows the next fires and history, and a write token pauses it with a note (the page
 * updates: paused badge, the note, the history's "paused" entry), resumes it and triggers it (the
 * enqueued job is linked: a manual fire is not in the history).
 */
import { SEED } from "./seed.js";
import { dashboardBuilt, expect, NOT_BUILT, test } from "./fixtures.js";

test.skip(!dashboardBuilt(), NOT_BUILT);

test("the schedules page lists the seeded schedule", async ({ page, signIn, shot }) => {
  await signIn("read");
  await page.goto("/schedules");
  const row = page.locator(`[data-testid="schedule-row"][data-schedule-name="${SEED.schedule}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText(SEED.okFn);
  await expect(row).toContainText("0 * * * *");
  await expect(row).toContainText("active");
  await expect(row).toContainText(/UTC/);
  await shot("schedules");
  await row.getByRole("link", { name: SEED.schedule }).click();
  await expect(page).toHaveURL((url) => url.pathname === `/schedules/${SEED.schedule}`);
  await expect(page.getByTestId("schedule-next").getByRole("listitem")).toHaveCount(5);
});

test("pause with a note, resume and trigger a schedule", async ({ page, signIn, shot }) => {
  await signIn("write");
  await page.goto(`/schedules/${SEED.schedule}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(SEED.schedule);
  await expect(page.getByTestId("schedule-state")).toHaveText("active");
  await page.getByRole("textbox", { name: "Note" }).fill("maintenance window");
  await page.getByTestId("action-pause").click();
  await expect(page.getByTestId("schedule-state")).toHaveText("paused");
  await expect(page.getByTestId("pause-note")).toContainText("maintenance window");
  await expect(page.getByTestId("action-resume")).toBeVisible();
  await expect(page.getByTestId("action-pause")).toHaveCount(0);
  await expect(page.getByTestId("schedule-history").locator('[data-kind="paused"]')).toHaveCount(1);
  await shot("schedule-paused");
  await page.getByTestId("action-resume").click();
  await expect(page.getByTestId("schedule-state")).toHaveText("active");
  await expect(page.getByTestId("action-pause")).toBeVisible();
  await page.getByTestId("action-trigger").click();
  const triggered = page.getByTestId("triggered");
  await expect(triggered).toContainText("Triggered: job");
  await shot("schedule-history");
  await triggered.getByRole("link").click();
  await expect(page).toHaveURL((url) => url.pathname.startsWith("/jobs/"));
  await expect(page.getByTestId("job-state")).toBeVisible();
});

test("an unknown schedule says what to do", async ({ page, signIn }) => {
  await signIn("read");
  await page.goto("/schedules/no-such-schedule");
  await expect(page.getByRole("alert")).toContainText("NOT_FOUND");
  await expect(page.getByRole("alert")).toContainText("removed, or the link is wrong");
});

test("a fire shows up live in the history", async ({ page, signIn, kairos, request }) => {
  // A one-off schedule a few seconds ahead: it fires once (one job), then is removed.
  const name = "browser-once";
  const headers = { authorization: `Bearer ${kairos.write}` };
  const created = await request.post(`${kairos.url}/api/v1/schedules`, {
    headers,
    data: { name, fn: SEED.okFn, at: Date.now() + 5000, payload: { who: "once" } },
  });
  expect(created.ok()).toBe(true);
  try {
    await signIn("read");
    await page.goto(`/schedules/${name}`);
    await expect(page.getByText("Nothing happened yet")).toBeVisible();
    await expect(page.getByText(/^Once, at/)).toBeVisible();
    // No reload: the feed's schedule event re-reads the page.
    await expect(page.getByTestId("schedule-history").locator('[data-kind="fired"]')).toHaveCount(
      1,
    );
  } finally {
    await request.delete(`${kairos.url}/api/v1/schedules/${name}`, { headers });
  }
});

test.describe("a viewer in another time zone", () => {
  test.use({ timezoneId: "Asia/Tokyo" });

  test("sees the next fires in the schedule's zone and in theirs", async ({ page, signIn }) => {
    await signIn("read");
    await page.goto(`/schedules/${SEED.schedule}`);
    const first = page.getByTestId("schedule-next").getByRole("listitem").first();
    await expect(first).toContainText("UTC");
    await expect(first).toContainText("GMT+9");
    await expect(first).toContainText("(yours)");
  });
});

test("a pause by another client shows on the open page and list without reload", async ({
  page,
  signIn,
  kairos,
  request,
}) => {
  const headers = { authorization: `Bearer ${kairos.write}` };
  const pause = (action: "pause" | "resume", note: string) =>
    request.post(`${kairos.url}/api/v1/schedules/${SEED.schedule}/${action}`, {
      headers,
      data: { note },
    });
  await signIn("read");
  await page.goto(`/schedules/${SEED.schedule}`);
  await expect(page.getByTestId("schedule-state")).toHaveText("active");
  try {
    // Another client (this test over the API, not the page) pauses it: the feed's
    // schedule:paused event re-reads the page.
    expect((await pause("pause", "paused from elsewhere")).ok()).toBe(true);
    await expect(page.getByTestId("schedule-state")).toHaveText("paused");
    await expect(page.getByTestId("pause-note")).toContainText("paused from elsewhere");
    await page.getByTestId("nav").getByRole("link", { name: "Schedules" }).click();
    const row = page.locator(`[data-testid="schedule-row"][data-schedule-name="${SEED.schedule}"]`);
    await expect(row).toContainText("paused");
    expect((await pause("resume", "back")).ok()).toBe(true);
    await expect(row).toContainText("active");
  } finally {
    await pause("resume", "cleanup");
  }
});
