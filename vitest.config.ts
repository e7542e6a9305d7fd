import { defineConfig } from "vitest/config";

// CI machines have 2 cores: two test files at a time keeps crash/race tests honest.
// globalSetup starts one throwaway PostgreSQL server per run (test/helpers/postgres.ts), and
// arms a wall-clock limit for the whole run (test/helpers/run-watchdog.ts): testTimeout cannot
// fire in a worker spinning in synchronous code, so without it a hang would never end.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/helpers/run-watchdog.ts", "test/helpers/postgres-global-setup.ts"],
    pool: "forks",
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
