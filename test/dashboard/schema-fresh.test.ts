import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { DASHBOARD_SCHEMA_PATH, dashboardTypesText } from "../../scripts/dashboard-types.js";

describe("dashboard/src/api/schema.d.ts", () => {
  it("is what `npm run dashboard:types` generates from the served OpenAPI document", async () => {
    const committed = await readFile(DASHBOARD_SCHEMA_PATH, "utf8");
    expect(committed === (await dashboardTypesText()), "stale: run npm run dashboard:types").toBe(
      true,
    );
  });
});
