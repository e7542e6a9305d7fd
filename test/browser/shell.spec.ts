/** The shell: / loads with the nav, and each nav link opens its page (history API). */
import { dashboardBuilt, expect, NOT_BUILT, test } from "./fixtures.js";

test.skip(!dashboardBuilt(), NOT_BUILT);

const PAGES = [
  { href: "/jobs", name: "jobs" },
  { href: "/schedules", name: "schedules" },
  { href: "/workflows", name: "workflows" },
  { href: "/", name: "overview" },
] as const;

test("the shell loads at / and the nav links open their pages", async ({ page, signIn, shot }) => {
  await signIn("write");
  await page.goto("/");
  const nav = page.getByTestId("nav");
  await expect(nav).toBeVisible();
  await shot("overview");
  for (const { href, name } of PAGES) {
    await nav.locator(`a[href="${href}"]`).click();
    await expect(page).toHaveURL((url) => url.pathname === href);
    await expect(nav).toBeVisible();
    await shot(`nav-${name}`);
  }
});

test("a deep link opens its page directly", async ({ page, signIn }) => {
  await signIn("write");
  await page.goto("/schedules");
  await expect(page.getByTestId("nav")).toBeVisible();
  await expect(page).toHaveURL((url) => url.pathname === "/schedules");
});
