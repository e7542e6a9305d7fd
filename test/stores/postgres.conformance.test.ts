/**
 * Runs the JobStore conformance suite against the PostgreSQL adapter on the test run's real
 * server (test/helpers/postgres.ts), each test in a fresh schema.
 */
import { defineJobStoreConformance } from "../../src/stores/conformance/job-store-suite.js";
import { openPostgresJobStore } from "../../src/stores/postgres/index.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

describePg("postgres", () => {
  defineJobStoreConformance("postgres", () =>
    openPostgresJobStore({ url: pgUrl(), schema: freshSchema(), poolSize: 4 }),
  );
});
