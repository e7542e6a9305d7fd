import { defineConfig } from "vitest/config";

// CI machines have 2 cores: two test files at a time keeps crash/race tests honest.
// globalSetup starts one throwaway PostgreSQL server per run (test/helpers/postgres.ts), and
// arms a wall-clock limit for the whole run (test/helpers/run-watchdog.ts): testTimeout cannot
// fire in a worker spinning in synchronous code, so without it a hang would never end.
//
// Two projects: `kairos` (every test, the CLI against local stores) and `cli-remote` (the CLI
// e2e files again, each command sent to a `kairos server`, see test/helpers/cli.ts), which
// pins that the CLI prints the same in both modes. `npm test` runs `kairos`; `npm run
// test:cli-remote` runs `cli-remote` (3 minutes on 2 cores with KAIROS_CLI_BUILT=1, 5 without:
// every command is a fresh process and a server round trip, so it is a command of its own;
// `.ci/run` runs both). Left out of it: files
// whose every command is local by construction (store choosing/opening, target selection,
// `dev`, `npm run example`, `k8s export`), which would only run twice. Each project runs the globalSetup.
const E2E = "test/cli/*.e2e.test.ts";
const LOCAL_ONLY_E2E = [
  "test/cli/store-open.e2e.test.ts",
  "test/cli/client-target.e2e.test.ts",
  "test/cli/dev-second-signal.e2e.test.ts",
  "test/cli/example.e2e.test.ts",
  "test/cli/workflows-dev-lines.e2e.test.ts",
  "test/cli/k8s-export.e2e.test.ts",
  "test/cli/k8s-backend.e2e.test.ts",
];
export default defineConfig({
  test: {
    globalSetup: ["test/helpers/run-watchdog.ts", "test/helpers/postgres-global-setup.ts"],
    pool: "forks",
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "kairos",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          env: { KAIROS_CLI_MODE: "local" },
        },
      },
      {
        extends: true,
        test: {
          name: "cli-remote",
          include: [E2E],
          exclude: LOCAL_ONLY_E2E,
          env: { KAIROS_CLI_MODE: "remote" },
        },
      },
    ],
  },
});
