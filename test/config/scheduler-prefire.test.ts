/**
 * `scheduler.prefireLead` in kairos.yaml: a duration (0 turns pre-firing off) that reaches the
 * engine's start options; a bad value is refused at its line with how to write it.
 */
import { describe, expect, it } from "vitest";
import { configStartOptions } from "../../src/cli/context.js";
import { ConfigError } from "../../src/config/errors.js";
import { parseConfig } from "../../src/config/load.js";

const FILE = "/project/kairos.yaml";

function withLead(value: string): string {
  return ["functions: []", "scheduler:", `  prefireLead: ${value}`, ""].join("\n");
}

describe("scheduler.prefireLead", () => {
  it("resolves durations and numbers to milliseconds, 0 included, and reaches start()", () => {
    expect(parseConfig(withLead('"2s"'), FILE, {}).schedulerPrefireLeadMs).toBe(2_000);
    expect(parseConfig(withLead("250"), FILE, {}).schedulerPrefireLeadMs).toBe(250);
    const off = parseConfig(withLead("0"), FILE, {});
    expect(off.schedulerPrefireLeadMs).toBe(0);
    expect(configStartOptions(off)).toEqual({ scheduler: { prefireLeadMs: 0 } });
  });

  it("leaves the engine's default when the key or the file is absent", () => {
    const config = parseConfig("functions: []\n", FILE, {});
    expect(config.schedulerPrefireLeadMs).toBeUndefined();
    expect(configStartOptions(config)).toEqual({});
    expect(configStartOptions(null)).toEqual({});
  });

  it.each([
    ['"soon"', /not a duration/],
    ["-5", /whole number of milliseconds >= 0/],
    ['"2m"', /at most 1m/],
    ["true", /expected a duration/],
  ])("refuses %s at its line", (value, message) => {
    let error: unknown;
    try {
      parseConfig(withLead(value), FILE, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: FILE, line: 3, path: "scheduler.prefireLead" });
    expect(issues[0]?.message).toMatch(message);
  });
});
