/**
 * The overview: the throughput chart counts the seeded finished jobs, and a job that fails now
 * shows up in it and in the recent failures live (from the SSE feed, no reload).
 */
import { SEED } from "./seed.js";
import { dashboardBuilt, expect, NOT_BUILT, test } from "./fixtures.js";

test.skip(!dashboardBuilt(), NOT_BUILT);

/** The "n failed" figure of the throughput chart's accessible summary. */
async function failedInChart(label: string | null): Promise<number> {
  const m = /(\d+) failed/.exec(label ?? "");
  if (!m) throw new Error(`no failed count in ${JSON.stringify(label)}`);
  return Number(m[1]);
}

test("the overview charts the seeded jobs and a new failure live", async ({
  page,
  signIn,
  kairos,
  shot,
}) => {
  await signIn("read");
  await page.goto("/");
  const chart = page.getByTestId("chart-throughput");
  await expect(chart).toHaveAttribute("role", "img");
  // The seeded jobs finished within the hour: at least one success and one failure.
  await expect(chart).toHaveAttribute("aria-label", /[1-9]\d* succeeded, [1-9]\d* failed/);
  await expect(chart.getByTestId("chart-bar")).toHaveCount(60);
  const before = await failedInChart(await chart.getAttribute("aria-label"));

  const res = await page.request.post(`${kairos.url}/api/v1/jobs`, {
    headers: { authorization: `Bearer ${kairos.write}` },
    data: { fn: SEED.failFn, payload: { from: "overview" } },
  });
  expect(res.status()).toBe(201);
  const id = ((await res.json()) as { id: string }).id;

  await expect(page.locator(`a[href="/jobs/${id}"]`)).toBeVisible();
  await expect
    .poll(async () => failedInChart(await chart.getAttribute("aria-label")))
    .toBeGreaterThan(before);
  await shot("overview");
});

test("the overview lists queue depth per function", async ({ page, signIn, kairos }) => {
  await signIn("read");
  await page.goto("/");
  await expect(page.getByTestId("chart-throughput")).toBeVisible();
  // A job due in an hour is scheduled, not waiting: the live counts show it, the queues do not.
  const res = await page.request.post(`${kairos.url}/api/v1/jobs`, {
    headers: { authorization: `Bearer ${kairos.write}` },
    data: { fn: SEED.okFn, payload: {}, runAt: Date.now() + 3_600_000 },
  });
  expect(res.status()).toBe(201);
  await expect(page.getByTestId("count-scheduled").locator(".count")).not.toHaveText("0");
  await expect(page.locator(`[data-testid="queue-row"][data-fn="${SEED.okFn}"]`)).toHaveCount(0);
});
