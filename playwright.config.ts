/**
 * The browser suite (`npm run test:browser`): test/browser/*.spec.ts in Debian's Chromium
 * (Playwright's own browser download cannot run here: `.ci/run` installs the `chromium`
 * package; KAIROS_CHROMIUM points elsewhere), headless, one worker, against a real
 * `kairos server` the global setup starts on a seeded temp store. It builds nothing: run
 * `npm run build` first (without dist/dashboard/index.html every spec skips, saying so).
 * Screenshots of the pages go to test-results/screenshots/.
 */
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "test/browser",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results/playwright",
  globalSetup: "./test/browser/global-setup.ts",
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: process.env.KAIROS_CHROMIUM ?? "/usr/bin/chromium" },
    screenshot: "only-on-failure",
    trace: "off",
  },
});
