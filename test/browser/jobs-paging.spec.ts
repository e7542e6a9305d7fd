/**
 * A 100,000-job list pages without loading them all: every /api/v1/jobs answer carries at most
 * one page, the table never holds more than a page, Older/Newer show other jobs; the text search
 * finds one job by its idempotency key. A server of its own (bulk-jobs.ts).
 */
import type { Page, Response } from "@playwright/test";
import { BULK, startBulkServer, type BulkServer } from "./bulk-jobs.js";
import { dashboardBuilt, expect, NOT_BUILT, test } from "./fixtures.js";

test.skip(!dashboardBuilt(), NOT_BUILT);

/** The most a page may hold: the API's own default and the dashboard's page size are below. */
const PAGE_MAX = 100;

let bulk: BulkServer;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  bulk = await startBulkServer();
});
test.afterAll(async () => {
  await bulk?.dispose();
});

/** Put the bulk server's token where the app keeps it, before any page script runs. */
async function keepToken(page: Page, token: string): Promise<void> {
  await page.addInitScript((t) => {
    const store = globalThis as unknown as {
      sessionStorage: { setItem(k: string, v: string): void };
    };
    store.sessionStorage.setItem("kairos.token", t);
  }, token);
}

/** Every /api/v1/jobs list answer the page receives: the limit asked for and the items. */
function recordLists(page: Page): { limit: number; items: number }[] {
  const seen: { limit: number; items: number }[] = [];
  page.on("response", (res: Response) => {
    const url = new URL(res.url());
    if (url.pathname !== "/api/v1/jobs" || res.request().method() !== "GET") return;
    const limit = Number(url.searchParams.get("limit") ?? "100");
    void res.json().then(
      (body: { items: unknown[] }) => seen.push({ limit, items: body.items.length }),
      () => seen.push({ limit, items: -1 }),
    );
  });
  return seen;
}

/** The job ids of the table (at least one row shown), checking it holds at most a page. */
async function shownIds(page: Page): Promise<string[]> {
  const rows = page.getByTestId("job-row");
  await expect(rows.first()).toBeVisible();
  const ids = await Promise.all(
    (await rows.all()).map(async (row) => (await row.getAttribute("data-job-id")) ?? ""),
  );
  expect(ids.length).toBeLessThanOrEqual(PAGE_MAX);
  return ids;
}

test("a 100,000-job list pages without loading them all", async ({ page, shot }) => {
  await keepToken(page, bulk.write);
  const lists = recordLists(page);
  await page.goto(`${bulk.server.url}/jobs`);
  const first = await shownIds(page);
  await shot("jobs-100k", { fullPage: false });

  const older = page.getByRole("button", { name: "Older" });
  const newer = page.getByRole("button", { name: "Newer" });
  await older.click();
  await expect(page.getByTestId("job-row").first()).not.toHaveAttribute("data-job-id", first[0]!);
  const second = await shownIds(page);
  await older.click();
  await expect(page.getByTestId("job-row").first()).not.toHaveAttribute("data-job-id", second[0]!);
  const third = await shownIds(page);
  await newer.click();
  await expect(page.getByTestId("job-row").first()).toHaveAttribute("data-job-id", second[0]!);
  expect(await shownIds(page)).toEqual(second);

  const all = [...first, ...second, ...third];
  expect(new Set(all).size).toBe(all.length);
  expect(lists.length).toBeGreaterThanOrEqual(4);
  for (const list of lists) {
    expect(list.limit).toBeLessThanOrEqual(PAGE_MAX);
    expect(list.items).toBeGreaterThanOrEqual(0);
    expect(list.items).toBeLessThanOrEqual(PAGE_MAX);
  }
});

test("typing an idempotency key finds exactly that job", async ({ page }) => {
  await keepToken(page, bulk.write);
  await page.goto(`${bulk.server.url}/jobs`);
  await expect(page.getByTestId("job-row").first()).toBeVisible();
  const key = BULK.key(12_345);
  await page.getByTestId("jobs-search").fill(key);
  await expect(page).toHaveURL((url) => url.searchParams.get("q") === key);
  await expect(page.getByTestId("job-row")).toHaveCount(1);
  const id = await page.getByTestId("job-row").getAttribute("data-job-id");
  const res = await page.request.get(`${bulk.server.url}/api/v1/jobs/${id}`, {
    headers: { authorization: `Bearer ${bulk.write}` },
  });
  expect(((await res.json()) as { idempotencyKey: string }).idempotencyKey).toBe(key);

  // Deep link and Back: the URL is the search.
  await page.getByTestId("jobs-search").fill("no job has this text");
  await expect(page.getByText(/No job matches "no job has this text"/)).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId("jobs-search")).toHaveValue(key);
  await expect(page.getByTestId("job-row")).toHaveCount(1);
});
